// Smoke test of `dlgrade bench` (tiny data, wasm only, seconds): every workload trains to a finite loss and
// is timed; the table and the JSON carry the peer's figures; the peer runner parses torch_peer.py's output and
// fails clearly. `--grading` on the mini assignment with a fake peer and a class of two. The full bench is
// `npm run bench`, not part of npm test.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { folderMember } from './bench-class.ts';
import { formatGradingTable, gradingJson, runGradingBench } from './grading-bench.ts';
import { runGradingPeer } from './grading-peer.ts';
import { parsePeerOutput, runPeer } from './peer.ts';
import { benchJson, formatBenchTable, parseBackends, parseWorkloads, runBench, type BenchReport } from './run-bench.ts';

describe('dlgrade bench (tiny)', () => {
  it('times convnet, fc and resnet18 on wasm', async () => {
    const lines: string[] = [];
    const report = await runBench({ tiny: true, backends: ['wasm'], peer: false, log: (l) => lines.push(l) });
    expect(report.results.map((r) => r.workload)).toEqual(['convnet', 'fc', 'resnet18']);
    for (const r of report.results) {
      expect(r.backend).toBe('wasm');
      expect(r.ms, `${r.workload} ms`).toBeGreaterThan(0);
      expect(r.engine).toMatch(/wasm/);
    }
    expect(lines.join('\n')).toMatch(/wasm fc: \d+ ms/);
    const table = formatBenchTable(report);
    expect(table).toMatch(/^workload\s+backend\s+ms\s+PyTorch ms\s+ratio/);
    expect(table).toMatch(/resnet18\s+wasm\s+\d+\s+-\s+-/);
  }, 60_000);
});

describe('dlgrade bench (CLI)', () => {
  it('--tiny --no-peer --json writes results and prints the table', () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dlgrade-bench-'));
    const json = path.join(tmp, 'bench.json');
    const r = spawnSync(process.execPath, ['bin/dlgrade.js', 'bench', '--tiny', '--no-peer', '--workloads', 'fc', '--backend', 'wasm', '--json', json], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, DLGRADE_WASM_THREADS: '1' },
    });
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    expect(r.stdout).toMatch(/fc\s+wasm\s+\d+\s+-\s+-/);
    const doc = JSON.parse(fs.readFileSync(json, 'utf8')) as { results: { workload: string; backend: string; ms: number }[]; peer: unknown };
    expect(doc.results).toHaveLength(1);
    expect(doc.results[0]).toMatchObject({ workload: 'fc', backend: 'wasm' });
    expect(doc.results[0].ms).toBeGreaterThan(0);
    expect(doc.peer).toBeNull();
    fs.rmSync(tmp, { recursive: true, force: true });
  }, 60_000);
});

describe('bench report', () => {
  const report: BenchReport = {
    results: [
      { workload: 'fc', backend: 'wasm', ms: 920, engine: 'tfjs wasm', samples: [900, 920, 950] },
      { workload: 'convnet', backend: 'wasm', ms: 700, engine: 'tfjs wasm', samples: [700] },
    ],
    peer: { engine: 'pytorch 2.1', threads: 2, ms: { fc: 460 }, python: 'python3' },
    notes: ['a note'],
    machine: { cpus: 2, loadAvgStart: [0.1, 0, 0], loadAvgEnd: [0.2, 0, 0] },
  };

  it('prints the ratio to PyTorch, and a dash where the peer has no figure', () => {
    const t = formatBenchTable(report);
    expect(t).toMatch(/fc\s+wasm\s+920\s+460\s+2\.00x/);
    expect(t).toMatch(/convnet\s+wasm\s+700\s+-\s+-/);
    expect(t).toMatch(/pytorch: pytorch 2\.1, 2 threads/);
    expect(t).toMatch(/note: a note/);
  });

  it('writes the documented JSON shape', () => {
    const j = benchJson(report) as { results: { workload: string; backend: string; ms: number }[]; peer: { engine: string; ms: Record<string, number> } };
    expect(j.results[0]).toMatchObject({ workload: 'fc', backend: 'wasm', ms: 920 });
    expect(j.peer).toMatchObject({ engine: 'pytorch 2.1', ms: { fc: 460 } });
  });

  it('refuses unknown workloads and backends, naming the choices', () => {
    expect(() => parseWorkloads('fc,vgg')).toThrow(/unknown workload "vgg"; choose from convnet, fc, resnet18/);
    expect(() => parseBackends(['wasm,gpu'])).toThrow(/unknown backend "gpu"/);
    expect(parseBackends(['wasm', 'cpu,wasm'])).toEqual(['wasm', 'cpu']);
  });
});

describe('PyTorch peer runner', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlgrade-peer-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs the script with --workloads and parses its JSON line', async () => {
    const script = path.join(dir, 'fake_peer.py');
    fs.writeFileSync(
      script,
      'import json, sys\nw = sys.argv[sys.argv.index("--workloads") + 1].split(",")\nt = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 2\nprint("noise")\nprint(json.dumps({"engine": "pytorch fake", "threads": t, "ms": {k: 10.0 * (i + 1) for i, k in enumerate(w)}}))\n',
    );
    const r = await runPeer(script, { python: 'python3', torchvision: false }, ['fc', 'convnet', 'resnet18'], undefined, 1);
    expect(r.engine).toBe('pytorch fake');
    expect(r.threads).toBe(1);
    expect(r.ms).toEqual({ fc: 10, convnet: 20 });
    expect(r.skipped?.resnet18).toMatch(/torchvision is not importable/);
  });

  it('says where the peer script was expected when it is missing', async () => {
    await expect(runPeer(path.join(dir, 'nope.py'), { python: 'python3', torchvision: true }, ['fc'])).rejects.toThrow(
      /PyTorch peer script not found: .*nope\.py \(expected \.\.\/shared\/bench\/torch_peer\.py/,
    );
  });

  it('reports a failing peer with its exit code and stderr', async () => {
    const script = path.join(dir, 'crash.py');
    fs.writeFileSync(script, 'import sys\nsys.stderr.write("boom: no torch here\\n")\nsys.exit(3)\n');
    await expect(runPeer(script, { python: 'python3', torchvision: true }, ['fc'])).rejects.toThrow(/exit 3\): boom: no torch here/);
  });

  it('rejects output that is not the peer JSON', () => {
    expect(() => parsePeerOutput('hello', 'x')).toThrow(/printed no JSON/);
    expect(() => parsePeerOutput('{"engine": "p", "ms": {"fc": "slow"}}', 'x')).toThrow(/ms\.fc is not a number/);
  });
});

describe('dlgrade bench --grading (mini assignment)', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const mini = path.join(root, 'fixtures/assignments/mini');
  const submissions = path.join(root, 'fixtures/submissions/mini');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlgrade-bench-grading-test-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('grades the reference, times each test against the peer, and times a class', async () => {
    // A peer in the documented shape: ms per convergence test id, total_ms; it echoes its --threads.
    const peer = path.join(dir, 'bench-peer.py');
    fs.writeFileSync(
      peer,
      'import json, sys\nt = int(sys.argv[sys.argv.index("--threads") + 1])\nprint(json.dumps({"engine": "pytorch fake", "threads": t, "assignment": "mini", "ms": {"B.train.loss": 50.0}, "total_ms": 50.0}))\n',
    );
    const r = await runGradingBench({
      assignment: mini,
      reference: path.join(submissions, 'correct'),
      peerScript: peer,
      classSize: 2,
      // The correct submission and one that fails fast (no export): a class that mixes both, in seconds.
      members: [folderMember('reference', path.join(submissions, 'correct')), folderMember('missing-export', path.join(submissions, 'missing-export'))],
      workers: 2,
    });
    expect(r.reference?.score).toBe(r.reference?.maxScore);
    expect(r.reference?.graderEngine).toMatch(/^tfjs /);
    const conv = r.reference!.tests.find((t) => t.id === 'B.train.loss')!;
    expect(conv).toMatchObject({ convergence: true, peerMs: 50, status: 'passed' });
    expect(conv.ms).toBeGreaterThan(0);
    expect(r.reference!.tests.find((t) => t.id === 'A.relu.values')).toMatchObject({ convergence: false });
    expect(r.peer).toMatchObject({ engine: 'pytorch fake', threads: 1, totalMs: 50 });
    expect(r.class).toMatchObject({ classSize: 2, graded: 2, workers: 2, fullMarks: 1 });
    const table = formatGradingTable(r);
    expect(table).toMatch(/B\.train\.loss \*\s+\d+\s+50\s+\d+\.\d\dx/);
    expect(table).toMatch(/convergence tests \(\*\)\s+\d+\s+50\s+\d+\.\d\dx/);
    expect(table).toMatch(/class of 2: 2 graded in [\d.]+ s with 2 worker\(s\)/);
    expect(table).toMatch(/^grader: tfjs .*\n^result engine: tfjs /m);
    const j = gradingJson(r) as { reference: { convergence: { peerMs: number; ratio: number } }; class: { graded: number } };
    expect(j.reference.convergence.peerMs).toBe(50);
    expect(j.reference.convergence.ratio).toBeGreaterThan(0);
    expect(j.class.graded).toBe(2);
  }, 120_000);

  it('says when an assignment has no peer, and when the shared peer does not know it', async () => {
    const fakeRoot = path.join(dir, 'root');
    fs.mkdirSync(path.join(fakeRoot, 'assignments', 'x'), { recursive: true });
    const py = { python: 'python3', torchvision: false };
    const none = await runGradingPeer(path.join(fakeRoot, 'assignments', 'x'), 'x', py, 1, undefined, { root: fakeRoot });
    expect(none).toMatchObject({ none: expect.stringMatching(/no PyTorch peer for x: no assignments\/x\/bench-peer\.py; no \.\.\/shared\/bench\/grade_peer\.py/) });
    // The shared script refuses ids it does not list, as argparse does (exit 2, "invalid choice").
    fs.mkdirSync(path.join(dir, 'shared', 'bench'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'shared', 'bench', 'grade_peer.py'), 'import sys\nsys.stderr.write("error: argument --assignment: invalid choice: \'x\'\\n")\nsys.exit(2)\n');
    const unknown = await runGradingPeer(path.join(fakeRoot, 'assignments', 'x'), 'x', py, 1, undefined, { root: fakeRoot });
    expect(unknown).toMatchObject({ none: expect.stringMatching(/shared\/bench\/grade_peer\.py does not know "x"/) });
  });

  it('prints the per-runner projection of a shard', () => {
    const t = formatGradingTable({
      assignment: 'a',
      class: { classSize: 100, shard: { index: 1, count: 4 }, graded: 25, workers: 2, ms: 150_000, perStudentMs: 6000, fullMarks: 20, statuses: { ok: 25 } },
      notes: [],
      machine: { cpus: 2, loadAvgStart: [0, 0, 0], loadAvgEnd: [0, 0, 0] },
    });
    expect(t).toMatch(/class of 100: shard 1\/4: 25 graded in 150\.0 s with 2 worker\(s\), 6\.00 s per student/);
    expect(t).toMatch(/~600 s on one such runner, ~150 s per runner with 4 runners/);
  });
});
