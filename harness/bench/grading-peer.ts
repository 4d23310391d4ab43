import { existsSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../assignment/load.ts';
import { parsePeerOutput, PeerProcessError, runPeerProcess, type PeerResult, type PythonWithTorch } from './peer.ts';

// The PyTorch peer of an assignment's grading: one workload per convergence test (same model, data size,
// epochs, batch, optimizer), timed on the CPU; it prints {engine, threads, assignment, ms: {<test id>: ms},
// total_ms}. An assignment's own peer is assignments/<id>/bench-peer.py; otherwise
// ../shared/bench/grade_peer.py --assignment <id>, when that script knows the id.

export interface GradingPeerScript {
  script: string;
  /** Arguments after the script (without --threads). */
  args: string[];
}

export interface GradingPeerResult extends PeerResult {
  script: string;
  /** The peer's own sum of its workloads. */
  totalMs: number;
}

/** ../shared/bench/grade_peer.py beside the repository. */
export function sharedGradePeer(root = PACKAGE_ROOT): string {
  return path.resolve(root, '../shared/bench/grade_peer.py');
}

/** The candidates for an assignment, in order: its own bench-peer.py, then the shared script with --assignment. */
export function gradingPeerCandidates(assignmentDir: string, id: string, root = PACKAGE_ROOT): GradingPeerScript[] {
  const own = path.join(assignmentDir, 'bench-peer.py');
  const shared = sharedGradePeer(root);
  return [
    ...(existsSync(own) ? [{ script: own, args: [] }] : []),
    ...(existsSync(shared) ? [{ script: shared, args: ['--assignment', id] }] : []),
  ];
}

/** argparse's refusal of an --assignment the script does not list. */
function unknownAssignment(err: unknown): boolean {
  return err instanceof PeerProcessError && err.code === 2 && /invalid choice/.test(err.stderr);
}

/**
 * Runs the assignment's peer; undefined with the reason when it has none (no script, or the shared script
 * does not know the id). A peer that exists but fails throws.
 */
export async function runGradingPeer(
  assignmentDir: string,
  id: string,
  py: PythonWithTorch,
  threads: number,
  onTick?: (seconds: number) => void,
  opts: { root?: string; script?: string } = {},
): Promise<{ result: GradingPeerResult } | { none: string }> {
  const root = opts.root ?? PACKAGE_ROOT;
  const candidates = opts.script ? [{ script: path.resolve(opts.script), args: [] }] : gradingPeerCandidates(assignmentDir, id, root);
  const tried: string[] = [];
  for (const c of candidates) {
    const where = `${py.python} ${c.script}`;
    let stdout: string;
    try {
      stdout = await runPeerProcess(py.python, [c.script, ...c.args, '--threads', String(threads)], onTick);
    } catch (err) {
      if (c.args.length && unknownAssignment(err)) {
        tried.push(`${path.relative(root, c.script)} does not know "${id}"`);
        continue;
      }
      throw err;
    }
    const parsed = parsePeerOutput(stdout, where);
    const total = (JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { total_ms?: unknown }).total_ms;
    const totalMs = typeof total === 'number' ? total : Object.values(parsed.ms).reduce((s, v) => s + v, 0);
    return { result: { ...parsed, python: py.python, script: c.script, totalMs } };
  }
  const own = path.relative(root, path.join(assignmentDir, 'bench-peer.py'));
  return {
    none: `no PyTorch peer for ${id}: ${[`no ${own}`, ...tried, ...(existsSync(sharedGradePeer(root)) ? [] : [`no ${path.relative(root, sharedGradePeer(root))}`])].join('; ')} (a peer prints {"engine", "threads", "ms": {<test id>: ms}, "total_ms"}; see harness/bench/README.md)`,
  };
}
