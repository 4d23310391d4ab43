import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The PyTorch peer: ../shared/bench/torch_peer.py (beside the repository) times the same workloads on this
// machine. It needs a Python with torch (torchvision for resnet18); the python3 on PATH may be a pyenv one
// without it while the system one (Debian's python3-torch) has it, so several interpreters are tried.

export interface PeerResult {
  engine: string;
  threads?: number;
  ms: Record<string, number>;
  /** The interpreter that ran it. */
  python: string;
  /** Workloads the peer could not run (torchvision missing), with the reason. */
  skipped?: Record<string, string>;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** ../shared/bench/torch_peer.py relative to the repository root. */
export function defaultPeerScript(): string {
  return path.resolve(repoRoot, '../shared/bench/torch_peer.py');
}

export interface PythonWithTorch {
  python: string;
  torchvision: boolean;
}

function imports(python: string, module: string): boolean {
  const r = spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore', timeout: 120_000 });
  return r.status === 0;
}

/**
 * The first interpreter that imports torch: `explicit` (--python), then DLGRADE_PYTHON, python3 on PATH,
 * /usr/bin/python3. Returns the candidates tried when none has it.
 */
export function findPythonWithTorch(explicit?: string): PythonWithTorch | { tried: string[] } {
  const candidates = [explicit, process.env.DLGRADE_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);
  const unique = [...new Set(candidates)];
  for (const python of explicit ? [explicit] : unique) {
    if (imports(python, 'torch')) return { python, torchvision: imports(python, 'torchvision') };
  }
  return { tried: explicit ? [explicit] : unique };
}

/** Runs the peer script for the given workloads; `onTick` gets the elapsed seconds while it runs. */
export async function runPeer(
  script: string,
  py: PythonWithTorch,
  workloads: string[],
  onTick?: (seconds: number) => void,
  threads?: number,
): Promise<PeerResult> {
  if (!fs.existsSync(script)) {
    throw new Error(`PyTorch peer script not found: ${script} (expected ../shared/bench/torch_peer.py beside the repository; pass --no-peer to skip it)`);
  }
  const skipped: Record<string, string> = {};
  const run = workloads.filter((w) => {
    if (w === 'resnet18' && !py.torchvision) {
      skipped[w] = `torchvision is not importable by ${py.python}`;
      return false;
    }
    return true;
  });
  if (run.length === 0) return { engine: 'pytorch (not run)', ms: {}, python: py.python, skipped };
  const args = [script, '--workloads', run.join(','), ...(threads ? ['--threads', String(threads)] : [])];
  const stdout = await runPeerProcess(py.python, args, onTick);
  return { ...parsePeerOutput(stdout, `${py.python} ${script}`), python: py.python, ...(Object.keys(skipped).length ? { skipped } : {}) };
}

/** Runs `python args...` to the end and returns its stdout; a non-zero exit throws with the last lines of stderr. */
export async function runPeerProcess(python: string, args: string[], onTick?: (seconds: number) => void): Promise<string> {
  const t0 = Date.now();
  const timer = onTick ? setInterval(() => onTick(Math.round((Date.now() - t0) / 1000)), 1000) : undefined;
  try {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    if (code !== 0) throw new PeerProcessError(`PyTorch peer failed (${python} ${args.join(' ')}, exit ${code}): ${stderr.trim().split('\n').slice(-5).join(' | ')}`, code, stderr);
    return stdout;
  } finally {
    if (timer) clearInterval(timer);
  }
}

/** A peer that exited with an error; `stderr` lets a caller tell "unknown assignment" from a crash. */
export class PeerProcessError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'PeerProcessError';
  }
}

/** The peer prints one JSON object (its last line): {"engine", "threads", "ms": {workload: ms}}. */
export function parsePeerOutput(stdout: string, where: string): Omit<PeerResult, 'python'> {
  const line = stdout.trim().split('\n').pop() ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new Error(`PyTorch peer (${where}) printed no JSON on its last line: "${line.slice(0, 200)}"`);
  }
  const p = parsed as { engine?: unknown; threads?: unknown; ms?: unknown };
  if (typeof p.engine !== 'string' || typeof p.ms !== 'object' || p.ms === null) {
    throw new Error(`PyTorch peer (${where}): expected {"engine": string, "ms": {...}}, got ${line.slice(0, 200)}`);
  }
  const ms: Record<string, number> = {};
  for (const [k, v] of Object.entries(p.ms as Record<string, unknown>)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`PyTorch peer (${where}): ms.${k} is not a number: ${JSON.stringify(v)}`);
    ms[k] = v;
  }
  return { engine: p.engine, ms, ...(typeof p.threads === 'number' ? { threads: p.threads } : {}) };
}
