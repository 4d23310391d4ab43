import os from 'node:os';
import { BACKENDS, initEngine, isBackendName, type BackendName } from '../engine/backend.ts';
import { formatProfile } from '../engine/kernel-profile.ts';
import { nativeBlasStatus } from '../engine/native/native-blas.ts';
import { defaultPeerScript, findPythonWithTorch, runPeer, type PeerResult } from './peer.ts';
import { isWorkloadName, runWorkload, WORKLOAD_NAMES, type WorkloadName } from './workloads.ts';

// `dlgrade bench`: the workloads on each backend, then the PyTorch peer on the same machine, one after the
// other (never at the same time), and a table of the ratios.

export interface BenchOptions {
  workloads?: WorkloadName[];
  /** Backends to run; default: tensorflow and wasm, whichever load (cpu only when named: minutes per workload). */
  backends?: BackendName[];
  peer?: boolean;
  python?: string;
  peerScript?: string;
  tiny?: boolean;
  profile?: boolean;
  optimizer?: 'fused' | 'tfjs';
  /** Threads for wasm (DLGRADE_WASM_THREADS, before the backend starts) and for the peer (torch threads). */
  threads?: number;
  /** Progress and notes (stderr in the CLI). */
  log?: (line: string) => void;
  /** In-place progress of the current item. */
  progress?: (label: string, done: number, total: number) => void;
}

export interface BenchResult {
  workload: WorkloadName;
  backend: BackendName;
  ms: number;
  engine: string;
  samples: number[];
}

export interface BenchReport {
  results: BenchResult[];
  peer?: PeerResult;
  notes: string[];
  machine: { cpus: number; loadAvgStart: number[]; loadAvgEnd: number[] };
  profiles?: Record<string, string>;
}

export function parseWorkloads(list: string): WorkloadName[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!isWorkloadName(n)) throw new Error(`--workloads: unknown workload "${n}"; choose from ${WORKLOAD_NAMES.join(', ')}`);
  return names as WorkloadName[];
}

export function parseBackends(list: string[]): BackendName[] {
  const names = list.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!isBackendName(n)) throw new Error(`--backend: unknown backend "${n}"; choose from ${BACKENDS.join(', ')}`);
  return [...new Set(names)] as BackendName[];
}

export async function runBench(opts: BenchOptions = {}): Promise<BenchReport> {
  const log = opts.log ?? (() => {});
  const workloads = opts.workloads ?? [...WORKLOAD_NAMES];
  const notes: string[] = [];
  const loadAvgStart = os.loadavg();
  if (opts.threads !== undefined) {
    if (!Number.isInteger(opts.threads) || opts.threads < 1) throw new Error(`--threads must be a positive integer, got ${opts.threads}`);
    process.env.DLGRADE_WASM_THREADS = String(opts.threads);
  } else if (!process.env.DLGRADE_WASM_THREADS) {
    // Like for like with the peer, which uses every core: the bench runs wasm on one thread per core (our
    // kernels take their pieces from a queue, so a busy core slows a step but never stalls it). Grading and
    // tests stay on one thread unless DLGRADE_WASM_THREADS says otherwise (they run side by side).
    process.env.DLGRADE_WASM_THREADS = String(Math.min(8, os.availableParallelism()));
  }
  let backends = opts.backends;
  if (!backends) {
    backends = ['tensorflow', 'wasm'];
    notes.push('cpu backend skipped by default (pure JS: minutes per workload, ~40 s even for --tiny); pass --backend cpu to include it');
  }
  const results: BenchResult[] = [];
  const profiles: Record<string, string> = {};
  for (const backend of backends) {
    let engine;
    try {
      engine = await initEngine(backend);
    } catch (err) {
      if (opts.backends) throw err; // asked for explicitly: must load
      notes.push(`${backend}: not available (${(err as Error).message.split('\n')[0]})`);
      continue;
    }
    log(`${backend}: ${engine.label}`);
    if (backend === 'wasm' && !engine.blas) {
      notes.push(`wasm: products on the wasm GEMM, not a native BLAS (${nativeBlasStatus().reason ?? 'switched off'}); see harness/engine/native/README.md`);
    }
    for (const w of workloads) {
      const label = `${backend} ${w}`;
      opts.progress?.(label, 0, 1);
      const r = runWorkload(w, {
        tiny: opts.tiny,
        profile: opts.profile,
        optimizer: opts.optimizer,
        onProgress: (done, total) => opts.progress?.(label, done, total),
      });
      results.push({ workload: w, backend, ms: r.ms, engine: engine.label, samples: r.samples });
      log(`${label}: ${r.ms.toFixed(0)} ms (repeats ${r.samples.map((s) => s.toFixed(0)).join(', ')})`);
      if (r.profile) profiles[label] = formatProfile(r.profile);
    }
  }
  let peer: PeerResult | undefined;
  if (opts.peer !== false) {
    const py = findPythonWithTorch(opts.python);
    if ('tried' in py) {
      notes.push(`PyTorch peer skipped: no Python with torch (tried ${py.tried.join(', ')}; apt-get install python3-torch python3-torchvision, or --python)`);
    } else {
      log(`PyTorch peer: ${py.python} ${opts.peerScript ?? defaultPeerScript()}`);
      peer = await runPeer(opts.peerScript ?? defaultPeerScript(), py, workloads, (s) => opts.progress?.(`pytorch peer (${s} s)`, 0, 1), opts.threads);
      for (const [w, why] of Object.entries(peer.skipped ?? {})) notes.push(`PyTorch peer skipped ${w}: ${why}`);
    }
  }
  return {
    results,
    ...(peer ? { peer } : {}),
    notes,
    machine: { cpus: os.cpus().length, loadAvgStart, loadAvgEnd: os.loadavg() },
    ...(opts.profile ? { profiles } : {}),
  };
}

/** The table: workload, backend, ms, PyTorch ms, ratio (ours / PyTorch). */
export function formatBenchTable(report: BenchReport): string {
  const rows = report.results.map((r) => {
    const peerMs = report.peer?.ms[r.workload];
    return [r.workload, r.backend, r.ms.toFixed(0), peerMs === undefined ? '-' : peerMs.toFixed(0), peerMs === undefined ? '-' : `${(r.ms / peerMs).toFixed(2)}x`];
  });
  const head = ['workload', 'backend', 'ms', 'PyTorch ms', 'ratio'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  const engines = [...new Set(report.results.map((r) => `${r.backend}: ${r.engine}`))];
  out.push('', ...engines);
  if (report.peer) out.push(`pytorch: ${report.peer.engine}${report.peer.threads ? `, ${report.peer.threads} threads` : ''} (${report.peer.python})`);
  const la = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');
  out.push(`load average ${la(report.machine.loadAvgStart)} -> ${la(report.machine.loadAvgEnd)} on ${report.machine.cpus} cpus${report.machine.loadAvgEnd[0] > 0.5 ? ' (other work was running: timings are noisy)' : ''}`);
  for (const n of report.notes) out.push(`note: ${n}`);
  return out.join('\n');
}

/** The --json document: {"results":[{"workload","backend","ms"}],"peer":{"engine","ms":{...}}} plus context. */
export function benchJson(report: BenchReport): unknown {
  return {
    results: report.results.map((r) => ({ workload: r.workload, backend: r.backend, ms: Math.round(r.ms * 10) / 10, engine: r.engine, samples: r.samples.map((s) => Math.round(s * 10) / 10) })),
    peer: report.peer ? { engine: report.peer.engine, ms: report.peer.ms, threads: report.peer.threads, python: report.peer.python } : null,
    machine: report.machine,
    notes: report.notes,
  };
}
