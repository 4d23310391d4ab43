import fs from 'node:fs';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { BACKENDS } from '../engine/backend.ts';
import { formatGradingTable, gradingJson, runGradingBench } from '../bench/grading-bench.ts';
import { benchJson, formatBenchTable, parseBackends, parseWorkloads, runBench } from '../bench/run-bench.ts';
import { WORKLOAD_NAMES } from '../bench/workloads.ts';
import { parseShard } from '../runner/shard.ts';

// `dlgrade bench`: the training workloads of ../shared/bench/torch_peer.py on each backend, and the PyTorch
// peer itself when a Python with torch is found; prints workload, backend, ms, PyTorch ms and the ratio.
// `dlgrade bench --grading <assignment>`: grades the assignment's reference as `dlgrade grade` does, each
// test's time against the assignment's PyTorch peer (its convergence tests' budgets), and with --class N the
// time of a whole generated class (or one --shard of it).

interface BenchCliOptions {
  workloads: string;
  backend?: string[];
  json?: string;
  peer: boolean;
  python?: string;
  tiny?: boolean;
  profile?: boolean;
  optimizer: string;
  threads?: string;
  grading?: string;
  class?: string;
  shard?: string;
  reference?: string;
  classOnly?: boolean;
  workers?: string;
  peerScript?: string;
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a whole number >= 1, got "${text}"`);
  return n;
}

function writeJson(file: string, doc: unknown): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`wrote ${file}`);
}

/** --grading: the assignment's reference graded and timed per test, its peer, and optionally a class. */
async function benchGrading(o: BenchCliOptions, progress: ReturnType<typeof progressReporter>): Promise<void> {
  if (o.class === undefined && (o.shard || o.classOnly || o.workers)) throw new Error('--shard, --class-only and --workers need --class N');
  const report = await runGradingBench({
    assignment: o.grading!,
    ...(o.reference ? { reference: o.reference } : {}),
    peer: o.peer,
    ...(o.python ? { python: o.python } : {}),
    ...(o.peerScript ? { peerScript: o.peerScript } : {}),
    ...(o.threads !== undefined ? { threads: positiveInt(o.threads, '--threads') } : {}),
    ...(o.class !== undefined ? { classSize: positiveInt(o.class, '--class') } : {}),
    ...(o.shard ? { shard: parseShard(o.shard) } : {}),
    ...(o.workers ? { workers: positiveInt(o.workers, '--workers') } : {}),
    ...(o.classOnly ? { skipReference: true } : {}),
    log: (line) => {
      progress.stop();
      process.stderr.write(`${line}\n`);
    },
    progress: (label, done, total) => progress.update(label, done, total),
  }).finally(() => progress.stop());
  console.log(formatGradingTable(report));
  if (o.json) writeJson(o.json, gradingJson(report));
}

/** Progress on stderr: a bar on a terminal, a line per step otherwise (CI logs). */
function progressReporter(): { update: (label: string, done: number, total: number) => void; stop: () => void } {
  if (!process.stderr.isTTY) {
    let last = '';
    let lastAt = 0;
    return {
      update: (label, done, total) => {
        // The peer ticks every second with a new label: one line per 15 s of it is enough in a log.
        const key = label.startsWith('pytorch') ? 'pytorch' : `${label} ${done}/${total}`;
        if (key === last && Date.now() - lastAt < 15_000) return;
        process.stderr.write(`${label} ${done}/${total}\n`);
        last = key;
        lastAt = Date.now();
      },
      stop: () => {},
    };
  }
  const bar = new SingleBar({ format: '{label} [{bar}] {value}/{total}', stream: process.stderr, hideCursor: true, clearOnComplete: true });
  let started = false;
  return {
    update: (label, done, total) => {
      if (!started) {
        bar.start(total, done, { label });
        started = true;
      }
      bar.setTotal(total);
      bar.update(done, { label });
    },
    stop: () => {
      if (started) bar.stop();
      started = false;
    },
  };
}

export function register(program: Command): void {
  program
    .command('bench')
    .description('time the training workloads (convnet, fc, resnet18) on each backend against PyTorch on this machine; --grading: time grading an assignment')
    .option('--workloads <list>', `comma-separated, from ${WORKLOAD_NAMES.join(', ')}`, WORKLOAD_NAMES.join(','))
    .option('--backend <name...>', `backends to run (${BACKENDS.join(', ')}); default: tensorflow and wasm, whichever load (cpu only when named: it takes minutes)`)
    .option('--json <file>', 'also write the results as JSON')
    .option('--no-peer', 'do not run the PyTorch peer (../shared/bench/torch_peer.py)')
    .option('--python <exe>', 'Python with torch for the peer (default: DLGRADE_PYTHON, python3, /usr/bin/python3)')
    .option('--tiny', 'smoke run: 128 images, one timed repeat (not comparable with the peer)')
    .option('--profile', 'after the timed repeats, time every kernel of one more repeat and print the slowest')
    .option('--threads <n>', 'threads for our engine (DLGRADE_WASM_THREADS: the native BLAS, else the threaded wasm build) and for the PyTorch peer; default: DLGRADE_WASM_THREADS if set, else one per core for both')
    .option('--optimizer <kind>', 'fused (ours, PyTorch semantics) or tfjs (tf.train.*), for comparisons', 'fused')
    .option('--grading <assignment>', "grade the assignment's reference as `dlgrade grade` does: each test's time, and its PyTorch peer (assignments/<id>/bench-peer.py or ../shared/bench/grade_peer.py) on the convergence tests' budgets (--threads: 1 by default, as grading runs)")
    .option('--peer-script <file>', 'with --grading: the peer to run instead (same command line and JSON as ../shared/bench/grade_peer.py)')
    .option('--reference <dir>', 'with --grading: the submission to grade as the reference (default: reference/<id>)')
    .option('--class <n>', 'with --grading: also time gradeClass on a generated class of n students (copies of the reference and the fixtures)')
    .option('--shard <i/n>', 'with --class: grade only this shard of the class (the time of one CI runner)')
    .option('--workers <n>', 'with --class: students graded at once (default: one per core)')
    .option('--class-only', 'with --class: skip grading the reference alone and the peer')
    .action(async (o: BenchCliOptions) => {
      if (o.grading) {
        await benchGrading(o, progressReporter());
        return;
      }
      if (o.class !== undefined || o.shard || o.reference || o.classOnly || o.peerScript) throw new Error('--class, --shard, --reference, --class-only and --peer-script need --grading <assignment>');
      if (o.optimizer !== 'fused' && o.optimizer !== 'tfjs') throw new Error(`--optimizer must be fused or tfjs, got "${o.optimizer}"`);
      const progress = progressReporter();
      const report = await runBench({
        workloads: parseWorkloads(o.workloads),
        ...(o.backend ? { backends: parseBackends(o.backend) } : {}),
        peer: o.peer,
        python: o.python,
        tiny: o.tiny,
        profile: o.profile,
        optimizer: o.optimizer,
        ...(o.threads !== undefined ? { threads: Number(o.threads) } : {}),
        log: (line) => {
          progress.stop();
          process.stderr.write(`${line}\n`);
        },
        progress: (label, done, total) => progress.update(label, done, total),
      }).finally(() => progress.stop());
      if (o.tiny && report.peer) report.notes.push('--tiny shrinks the data: ratios to the peer are not meaningful');
      for (const [label, text] of Object.entries(report.profiles ?? {})) console.log(`\n${label}\n${text}`);
      console.log(formatBenchTable(report));
      if (o.json) writeJson(o.json, benchJson(report));
    });
}
