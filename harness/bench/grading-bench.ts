import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stageSubmission } from '../assign/fixtures.ts';
import { sourcesOf } from '../assign/sources.ts';
import { loadAssignment } from '../assignment/load.ts';
import { testIdOfTitle } from '../assignment/test-id.ts';
import { initEngine } from '../engine/backend.ts';
import type { Assignment } from '../assignment/types.ts';
import { gradeClass } from '../runner/grade-class.ts';
import { gradeSubmission } from '../runner/grade-submission.ts';
import { silentProgress, type ClassProgress } from '../runner/progress.ts';
import type { Shard } from '../runner/shard.ts';
import type { RunStatus, TestStatus } from '../types/submission-result.ts';
import { classMembers, folderMember, stageBenchClass, type ClassMember } from './bench-class.ts';
import { runGradingPeer, type GradingPeerResult } from './grading-peer.ts';
import { findPythonWithTorch } from './peer.ts';

// `dlgrade bench --grading <assignment>`: grades the assignment's reference the way `dlgrade grade` does
// (gradeSubmission, process isolation, every test), times each test, and runs the assignment's PyTorch peer
// (the training budgets of its convergence tests) in the same call, one after the other; with a class size,
// also times gradeClass on a generated class (copies of the reference and the fixtures), whole or one shard.

export interface GradingBenchOptions {
  /** An assignment id or folder. */
  assignment: string;
  /** The reference submission folder, copied as it is (default: reference/<id>, staged by harness/assign). */
  reference?: string;
  peer?: boolean;
  python?: string;
  /** The peer script to run (default: assignments/<id>/bench-peer.py, else ../shared/bench/grade_peer.py); run with `python` or python3, torch not required. */
  peerScript?: string;
  /** Threads of the grader's engine (DLGRADE_WASM_THREADS) and of the peer; default 1, as grading runs. */
  threads?: number;
  /** Also time a class of this many students. */
  classSize?: number;
  /** Only this shard of the class (the time of one CI runner). */
  shard?: Shard;
  /** Students graded at once in the class run (default: the machine's cores). */
  workers?: number;
  /** The kinds of students of the class (default: classMembers(assignment, reference)). */
  members?: ClassMember[];
  /** Skip grading the reference alone (class timing only). */
  skipReference?: boolean;
  log?: (line: string) => void;
  progress?: (label: string, done: number, total: number) => void;
}

export interface GradedTestTime {
  id: string;
  ms: number;
  status: TestStatus;
  convergence: boolean;
  /** The peer's time for this test's training budget, when it has one. */
  peerMs?: number;
  /** Of ms, the harness's own training in the grader (trainClassifier, from DLGRADE_TIMINGS): what the peer times. */
  trainMs?: number;
}

export interface ClassTiming {
  /** Students in the class before --shard. */
  classSize: number;
  shard?: Shard;
  /** Students graded in this run (the shard's). */
  graded: number;
  workers: number;
  ms: number;
  /** Wall time per graded student (ms / graded). */
  perStudentMs: number;
  /** Students with full marks, and the run statuses. */
  fullMarks: number;
  statuses: Partial<Record<RunStatus, number>>;
}

export interface GradingBenchReport {
  assignment: string;
  reference?: {
    /** The sandbox's engine (the submission's code), as the result names it. */
    engine: string;
    /** The grader's engine (the suites, and the training the harness does itself), as this machine loads it. */
    graderEngine: string;
    status: RunStatus;
    score: number;
    maxScore: number;
    tests: GradedTestTime[];
    /** SubmissionResult.durationMs: the whole grading of the reference. */
    totalMs: number;
  };
  peer?: GradingPeerResult;
  class?: ClassTiming;
  notes: string[];
  machine: { cpus: number; loadAvgStart: number[]; loadAvgEnd: number[] };
}

/** Runs f with these environment variables set (the grading children inherit them), then restores them. */
async function withEnv<T>(vars: Record<string, string>, f: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await f();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

function convergenceIds(a: Assignment): Set<string> {
  return new Set(a.exercises.flatMap((x) => x.tests.filter((t) => t.tags?.includes('convergence')).map((t) => t.id)));
}

/** Writes the reference as a student would submit it into dir. */
function stageReference(opts: GradingBenchOptions, a: Assignment, dir: string): void {
  if (opts.reference) folderMember('reference', opts.reference).stage(dir);
  else stageSubmission(sourcesOf(a.dir), 'reference', dir);
}

export async function runGradingBench(opts: GradingBenchOptions): Promise<GradingBenchReport> {
  const log = opts.log ?? (() => {});
  const loadAvgStart = os.loadavg();
  const a = loadAssignment(opts.assignment);
  const notes: string[] = [];
  const threads = opts.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`--threads must be a positive integer, got ${opts.threads}`);
  // The grader's own engine (the suites' vitest worker) reads it; the sandbox always runs one thread.
  process.env.DLGRADE_WASM_THREADS = String(threads);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlgrade-bench-grading-'));
  const report: GradingBenchReport = { assignment: a.id, notes, machine: { cpus: os.cpus().length, loadAvgStart, loadAvgEnd: [] } };
  try {
    if (!opts.skipReference) {
      const dir = path.join(scratch, 'reference');
      stageReference(opts, a, dir);
      log(`grading the reference of ${a.id} (every test, process isolation, the grader's training cache off)`);
      opts.progress?.(`grading ${a.id} reference`, 0, 1);
      // Timed as it trains: a remembered training (harness/kit/train-cache.ts) would time a file read.
      // DLGRADE_TIMINGS: the trainings' own times, to set against the peer's (which times training alone).
      const timings = path.join(scratch, 'timings.jsonl');
      const r = await withEnv({ DLGRADE_TRAIN_CACHE: '0', DLGRADE_TIMINGS: timings }, () => gradeSubmission({ assignment: a, submissionDir: dir, scope: 'all', isolation: 'process', student: 'reference' }));
      const trainMs = trainingTimes(timings);
      opts.progress?.(`grading ${a.id} reference`, 1, 1);
      const conv = convergenceIds(a);
      report.reference = {
        engine: r.engine,
        // The suites' worker starts the engine the same way (same machine, same environment).
        graderEngine: (await initEngine()).label,
        status: r.status,
        score: r.score,
        maxScore: r.maxScore,
        totalMs: r.durationMs,
        tests: r.tests.map((t) => ({ id: t.id, ms: t.durationMs, status: t.status, convergence: conv.has(t.id), ...(trainMs.has(t.id) ? { trainMs: trainMs.get(t.id)! } : {}) })),
      };
      if (r.status !== 'ok' || r.score < r.maxScore) notes.push(`the reference scored ${r.score}/${r.maxScore} (status ${r.status}${r.statusMessage ? `: ${r.statusMessage}` : ''}): times of failed tests are not grading times`);
      if (opts.peer !== false) {
        // An explicit script is the caller's: run it with the interpreter given, torch or not.
        const py = opts.peerScript ? { python: opts.python ?? 'python3', torchvision: false } : findPythonWithTorch(opts.python);
        if ('tried' in py) {
          notes.push(`PyTorch peer skipped: no Python with torch (tried ${py.tried.join(', ')}; apt-get install python3-torch, or --python)`);
        } else {
          const run = await runGradingPeer(a.dir, a.id, py, threads, (s) => opts.progress?.(`pytorch peer (${s} s)`, 0, 1), opts.peerScript ? { script: opts.peerScript } : {});
          if ('none' in run) notes.push(run.none);
          else {
            report.peer = run.result;
            for (const t of report.reference.tests) if (run.result.ms[t.id] !== undefined) t.peerMs = run.result.ms[t.id];
            const missing = [...conv].filter((id) => run.result.ms[id] === undefined);
            if (missing.length) notes.push(`the peer (${path.basename(run.result.script)}) has no workload for ${missing.join(', ')}`);
          }
        }
      }
    }
    if (opts.classSize !== undefined) report.class = await timeClass(opts, a, scratch, log);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  report.machine.loadAvgEnd = os.loadavg();
  return report;
}

/** Milliseconds of kind 'train' per test id, from a DLGRADE_TIMINGS file. */
function trainingTimes(file: string): Map<string, number> {
  const out = new Map<string, number>();
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line) as { kind: string; ms: number; test?: string };
    const id = e.test ? testIdOfTitle(e.test) : undefined;
    if (e.kind === 'train' && id) out.set(id, (out.get(id) ?? 0) + e.ms);
  }
  return out;
}

async function timeClass(opts: GradingBenchOptions, a: Assignment, scratch: string, log: (line: string) => void): Promise<ClassTiming> {
  const members = opts.members ?? classMembers(a.dir, opts.reference);
  const classDir = path.join(scratch, 'class');
  const n = opts.classSize!;
  stageBenchClass(members, n, classDir);
  const workers = opts.workers ?? os.availableParallelism();
  log(`grading a class of ${n} (${members.map((m) => m.name).join(', ')} in turn)${opts.shard ? `, shard ${opts.shard.index}/${opts.shard.count}` : ''} with ${workers} worker(s)`);
  let done = 0;
  let total = 0;
  const progress: ClassProgress = {
    ...silentProgress,
    begin: (t) => {
      total = t;
      opts.progress?.('class', 0, t);
    },
    finished: () => opts.progress?.('class', ++done, total),
  };
  const t0 = performance.now();
  // As a class run grades: the grader's training cache on, starting empty (the first student of each
  // architecture trains, the others read its result).
  const run = await withEnv({ DLGRADE_TRAIN_CACHE: path.join(scratch, 'train-cache') }, () =>
    gradeClass({ assignment: a, classDir, outDir: path.join(scratch, 'class-out'), workers, force: true, progress, ...(opts.shard ? { shard: opts.shard } : {}) }),
  );
  const ms = performance.now() - t0;
  const statuses: Partial<Record<RunStatus, number>> = {};
  for (const r of run.results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  return {
    classSize: n,
    ...(opts.shard ? { shard: opts.shard } : {}),
    graded: run.graded.length,
    workers,
    ms,
    perStudentMs: run.graded.length ? ms / run.graded.length : 0,
    fullMarks: run.results.filter((r) => r.score >= r.maxScore).length,
    statuses,
  };
}

const ratio = (ms: number, peerMs: number | undefined) => (peerMs ? `${(ms / peerMs).toFixed(2)}x` : '-');

/** The table: every test's time, the peer's time and ratio for convergence tests, the totals, the class. */
export function formatGradingTable(r: GradingBenchReport): string {
  const out: string[] = [];
  if (r.reference) {
    const train = (t: GradedTestTime) => (t.trainMs === undefined ? '-' : t.trainMs.toFixed(0));
    const rows = r.reference.tests.map((t) => [t.id + (t.convergence ? ' *' : ''), t.ms.toFixed(0), t.peerMs === undefined ? '-' : t.peerMs.toFixed(0), ratio(t.ms, t.peerMs), train(t), t.trainMs === undefined ? '-' : ratio(t.trainMs, t.peerMs), t.status === 'passed' ? '' : t.status]);
    const conv = r.reference.tests.filter((t) => t.convergence);
    const convMs = conv.reduce((s, t) => s + t.ms, 0);
    const convTrain = conv.reduce((s, t) => s + (t.trainMs ?? 0), 0);
    const peerTotal = r.peer ? conv.reduce((s, t) => s + (t.peerMs ?? 0), 0) : undefined;
    rows.push(['convergence tests (*)', convMs.toFixed(0), peerTotal === undefined ? '-' : peerTotal.toFixed(0), ratio(convMs, peerTotal), convTrain ? convTrain.toFixed(0) : '-', convTrain ? ratio(convTrain, peerTotal) : '-', '']);
    rows.push([`whole grading (${r.reference.tests.length} tests)`, r.reference.totalMs.toFixed(0), '', '', '', '', `${r.reference.score}/${r.reference.maxScore}`]);
    // "training ms": the part of the test spent in the harness's own training, the same work the peer times.
    const head = ['test', 'ms', 'PyTorch ms', 'ratio', 'training ms', 'ratio', ''];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === head.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
    out.push(line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(0, -2).map(line), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(-2).map(line));
    out.push('', `grader: ${r.reference.graderEngine} (the suites, and the harness's own training)`, `result engine: ${r.reference.engine}`);
  }
  if (r.peer) out.push(`pytorch: ${r.peer.engine}${r.peer.threads ? `, ${r.peer.threads} thread${r.peer.threads === 1 ? '' : 's'}` : ''} (${r.peer.python} ${r.peer.script})`);
  if (r.class) {
    const c = r.class;
    const st = Object.entries(c.statuses).map(([k, v]) => `${v} ${k}`).join(', ');
    const shard = c.shard ? `shard ${c.shard.index}/${c.shard.count}: ` : '';
    out.push(
      '',
      `class of ${c.classSize}: ${shard}${c.graded} graded in ${(c.ms / 1000).toFixed(1)} s with ${c.workers} worker(s), ${(c.perStudentMs / 1000).toFixed(2)} s per student (${c.fullMarks} full marks; ${st})`,
    );
    if (c.shard && c.graded === 0) out.push(`  shard ${c.shard.index}/${c.shard.count} of this class holds no student (a student's shard is a hash of the folder name): try another shard or a larger class`);
    else if (c.shard) out.push(`  whole class at this rate: ~${((c.perStudentMs * c.classSize) / 1000).toFixed(0)} s on one such runner, ~${((c.perStudentMs * c.classSize) / c.shard.count / 1000).toFixed(0)} s per runner with ${c.shard.count} runners`);
  }
  const la = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');
  out.push(`load average ${la(r.machine.loadAvgStart)} -> ${la(r.machine.loadAvgEnd)} on ${r.machine.cpus} cpus${r.machine.loadAvgEnd[0]! > 0.5 ? ' (other work was running: timings are noisy)' : ''}`);
  for (const n of r.notes) out.push(`note: ${n}`);
  return out.join('\n');
}

const round = (v: number) => Math.round(v * 10) / 10;

/** The --json document. */
export function gradingJson(r: GradingBenchReport): unknown {
  const conv = r.reference?.tests.filter((t) => t.convergence) ?? [];
  const convMs = conv.reduce((s, t) => s + t.ms, 0);
  const peerConv = r.peer ? conv.reduce((s, t) => s + (t.peerMs ?? 0), 0) : undefined;
  return {
    assignment: r.assignment,
    reference: r.reference
      ? {
          engine: r.reference.engine,
          graderEngine: r.reference.graderEngine,
          status: r.reference.status,
          score: r.reference.score,
          maxScore: r.reference.maxScore,
          totalMs: round(r.reference.totalMs),
          tests: r.reference.tests.map((t) => ({
            ...t,
            ms: round(t.ms),
            ...(t.peerMs !== undefined ? { ratio: round((100 * t.ms) / t.peerMs) / 100 } : {}),
            ...(t.trainMs !== undefined ? { trainMs: round(t.trainMs), ...(t.peerMs ? { trainRatio: round((100 * t.trainMs) / t.peerMs) / 100 } : {}) } : {}),
          })),
          convergence: { ms: round(convMs), ...(peerConv ? { peerMs: round(peerConv), ratio: round((100 * convMs) / peerConv) / 100 } : {}) },
        }
      : null,
    peer: r.peer ? { engine: r.peer.engine, threads: r.peer.threads, python: r.peer.python, script: r.peer.script, ms: r.peer.ms, totalMs: r.peer.totalMs } : null,
    class: r.class ? { ...r.class, ms: round(r.class.ms), perStudentMs: round(r.class.perStudentMs) } : null,
    machine: r.machine,
    notes: r.notes,
  };
}
