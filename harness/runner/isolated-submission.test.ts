// The sandbox and the isolated handle, below the grading pipeline: what a sandboxed script can and cannot do
// on this machine, and how the handle reports hangs, crashes, memory, import failures and forged replies
// (hostile fixtures of fixtures/submissions/hostile against the mini assignment's probes).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { GRADER_ROOT } from './bundle-submission.ts';
import { openIsolated, type IsolatedHandle } from './isolated-submission.ts';
import { detectSandbox, sandboxCommand } from './sandbox.ts';
import { ProbeError } from './submission.ts';

const MINI = path.join(GRADER_ROOT, 'fixtures/assignments/mini');
const HOSTILE = path.join(GRADER_ROOT, 'fixtures/submissions/hostile');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'dlgrade-iso-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function open(dir: string, over: { timeoutMs?: number; memoryMb?: number } = {}): Promise<IsolatedHandle> {
  return openIsolated({ assignmentDir: MINI, submissionDir: dir, entry: ['index.ts'], timeoutMs: over.timeoutMs ?? 8000, memoryMb: over.memoryMb ?? 1024 });
}

async function failure(p: Promise<unknown>): Promise<ProbeError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ProbeError);
  return e as ProbeError;
}

describe('the sandbox on this machine', () => {
  const caps = detectSandbox();

  test('uses every OS layer Linux offers here (a root CI job gets all of them)', () => {
    if (process.platform === 'linux' && process.getuid?.() === 0) {
      expect(caps).toMatchObject({ network: 'netns', hideMounts: true, dropUid: true, pdeathsig: true, memory: 'proc' });
    } else {
      expect(caps.memory).toBe(process.platform === 'linux' ? 'proc' : process.platform === 'darwin' ? 'ps' : 'heartbeat');
    }
  });

  test('a sandboxed script cannot read or write outside its folder, spawn, reach the network or signal the grader', async () => {
    // Raw Node under the sandbox's command line (no in-process patches): the process-level barriers alone.
    const dir = path.join(tmp, 'raw');
    mkdirSync(dir, { recursive: true });
    const server = net.createServer((s) => s.end('hello')).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as net.AddressInfo).port;
    const script = path.join(dir, 'probe.mjs');
    writeFileSync(
      script,
      `import fs from 'node:fs'; import cp from 'node:child_process'; import net from 'node:net';
      const out = {};
      const tryit = (k, f) => { try { f(); out[k] = 'allowed'; } catch (e) { out[k] = e.code ?? e.message; } };
      tryit('read', () => fs.readFileSync(${JSON.stringify(path.join(GRADER_ROOT, 'package.json'))}));
      tryit('write', () => fs.writeFileSync(${JSON.stringify(path.join(tmp, 'escaped.txt'))}, 'x'));
      tryit('spawn', () => cp.spawnSync('true'));
      tryit('signal', () => process.kill(process.ppid, 0));
      tryit('own', () => fs.writeFileSync(${JSON.stringify(path.join(dir, 'mine.txt'))}, 'x'));
      tryit('hidden', () => fs.readFileSync(${JSON.stringify(path.join(tmp, 'secret', 'answers.txt'))}));
      const s = net.connect(${port}, '127.0.0.1');
      s.on('data', () => { out.net = 'connected'; done(); });
      s.on('error', (e) => { out.net = e.code; done(); });
      function done() { console.log(JSON.stringify(out)); process.exit(0); }`,
    );
    // A folder Node would let it read, hidden by the kernel (an empty mount) where the machine allows.
    mkdirSync(path.join(tmp, 'secret'), { recursive: true });
    writeFileSync(path.join(tmp, 'secret', 'answers.txt'), '42');
    const { command, args } = sandboxCommand(caps, { script, readPaths: [dir, path.join(tmp, 'secret')], writePaths: [dir], memoryMb: 256, hidePaths: [path.join(tmp, 'secret')] });
    if (caps.dropUid) {
      chmodSync(tmp, 0o711); // nobody may pass through, as through the real scratch root
      spawnSync('chown', ['-R', '65534:65534', dir]);
    }
    const r = await new Promise<string>((resolve) => {
      const c = spawn(command, args, { cwd: dir });
      let text = '';
      c.stdout!.on('data', (d: Buffer) => (text += d));
      c.stderr!.on('data', (d: Buffer) => (text += d));
      c.on('close', () => resolve(text));
    });
    server.close();
    const last = r.trim().split('\n').at(-1)!;
    expect(last, r).toMatch(/^\{/);
    const got = JSON.parse(last) as Record<string, string>;
    expect(got).toMatchObject({ read: 'ERR_ACCESS_DENIED', write: 'ERR_ACCESS_DENIED', spawn: 'ERR_ACCESS_DENIED', own: 'allowed' });
    expect(existsSync(path.join(tmp, 'escaped.txt'))).toBe(false);
    // The network namespace has no route, even to the grader's loopback; without one only in-process patches stand.
    expect(got.net).toBe(caps.network === 'in-process' ? 'connected' : 'ENETUNREACH');
    // Signalling the grader: refused by the kernel when the uid is dropped (elsewhere by the in-process guard, tested below).
    if (caps.dropUid) expect(got.signal).toBe('EPERM');
    expect(got.hidden).toBe(caps.hideMounts ? (caps.dropUid ? 'EACCES' : 'ENOENT') : 'allowed');
  });
});

describe('the isolated handle', () => {
  test('serves probes from a sandboxed child and names its engine', async () => {
    const h = await open(path.join(GRADER_ROOT, 'fixtures/submissions/mini/correct'));
    try {
      expect(await h.engine()).toMatch(/^tfjs \d+\.\d+\.\d+ (wasm|cpu)/);
      expect(await h.call('relu', { xs: [-2, 1.5] })).toEqual([0, 1.5]);
      // Nested objects cross intact (structured clone, not JSON): a model as data, with its topology.
      const model = await h.call<{ kind: string; topology: { class_name: string } }>('mlpModel', { inputShape: [4, 4], hidden: 8, classes: 3 });
      expect([model.kind, model.topology.class_name]).toEqual(['dlgrade-model', 'Sequential']);
    } finally {
      await h.close();
    }
  });

  test('a busy loop times out with a clear message; the next call runs on a fresh process', async () => {
    const h = await open(path.join(HOSTILE, 'infinite-loop'), { timeoutMs: 2000 });
    try {
      const t0 = Date.now();
      const e = await failure(h.call('relu', { xs: [1] }));
      expect(Date.now() - t0).toBeLessThan(6000);
      expect(e.kind).toBe('timeout');
      expect(e.message).toMatch(/did not finish within 2 s while running probe "relu"/);
      expect(await h.call('softmax', { xs: [0, 0] })).toEqual([0.5, 0.5]);
    } finally {
      await h.close();
    }
  });

  test('memory beyond the limit (outside the JS heap) is stopped as oom; exit(0) mid-call is a crash', async () => {
    const bomb = await open(path.join(HOSTILE, 'memory-bomb'), { memoryMb: 400 });
    try {
      const e = await failure(bomb.call('mlpModel', { inputShape: [16], hidden: 8, classes: 3 }));
      expect(e.kind).toBe('oom');
      expect(e.message).toMatch(/used \d+ MB of memory, over the 400 MB limit/);
      expect(await bomb.call('relu', { xs: [-1] })).toEqual([0]);
    } finally {
      await bomb.close();
    }
    const quitter = await open(path.join(HOSTILE, 'exit-halfway'));
    try {
      const e = await failure(quitter.call('softmax', { xs: [1, 2] }));
      expect(e.kind).toBe('crash');
      expect(e.message).toMatch(/exited with code 0 \(did the code call process\.exit\(\)\?\)/);
      // Its fake "score" line is kept as output for the message, never read as a result.
      expect(e.message).toContain('{"score": 100');
    } finally {
      await quitter.close();
    }
  });

  test('import failures are reported once with file:line and not retried', async () => {
    const h = await open(path.join(HOSTILE, 'throw-at-import'));
    try {
      const e = await failure(h.call('relu', { xs: [1] }));
      expect(e.kind).toBe('import-error');
      expect(e.message).toBe('importing index.ts failed: Error: this submission explodes at import time (at index.ts:18:7)');
      const t0 = Date.now();
      expect((await failure(h.call('softmax', { xs: [1] }))).message).toBe(e.message);
      expect(Date.now() - t0).toBeLessThan(100);
    } finally {
      await h.close();
    }
    const syntax = await open(path.join(HOSTILE, 'syntax-error'));
    expect((await failure(syntax.call('relu', { xs: [1] }))).message).toMatch(/does not compile:\nindex\.ts:6:38: Expected "\)" but found ";"/);
    await syntax.close();
    const outside = await open(path.join(HOSTILE, 'import-outside'));
    expect((await failure(outside.call('relu', { xs: [1] }))).message).toMatch(/resolves to .*fixtures\/submissions\/mini\/correct\/index\.ts, outside the submission folder/);
    await outside.close();
  });

  test('forged replies are ignored; spawning and sockets are refused with a message saying so', async () => {
    const forger = await open(path.join(HOSTILE, 'forge-replies'));
    expect(await forger.call('relu', { xs: [-2, -0.5, 0, 1.5] })).toEqual([-2, -0.5, 0, 1.5]);
    await forger.close();
    const spawner = await open(path.join(HOSTILE, 'spawn-child'));
    expect((await failure(spawner.call('relu', { xs: [1] }))).message).toMatch(/the grading sandbox denies ChildProcess\) \(at index\.ts:\d+:\d+\)/);
    await spawner.close();
    const caller = await open(path.join(HOSTILE, 'open-socket'));
    expect((await failure(caller.call('softmax', { xs: [1] }))).message).toMatch(/opening a network connection \(net\.Socket\.connect\) is not allowed while grading/);
    await caller.close();
  });

  test('writes outside the scratch folder and reads of tests, reference and classmates are denied', async () => {
    // A class laid out as graders do (class/<student>, out/<student>), so the fixture's guesses are right.
    const cls = path.join(tmp, 'class');
    for (const s of ['write-results', 'read-secrets']) cpSync(path.join(HOSTILE, s), path.join(cls, s), { recursive: true });
    cpSync(path.join(GRADER_ROOT, 'fixtures/submissions/mini/correct'), path.join(cls, 'correct'), { recursive: true });
    const writer = await open(path.join(cls, 'write-results'));
    expect(await writer.call('relu', { xs: [-1] })).toEqual([-1]);
    await writer.close();
    expect(existsSync(path.join(tmp, 'out'))).toBe(false);
    expect(existsSync(path.join(cls, 'results.json'))).toBe(false);
    expect(existsSync('/autograder/results/results.json')).toBe(false);
    const reader = await open(path.join(cls, 'read-secrets'));
    // Had it read the hidden test, it would answer [0.2689, 0.7311]; it could not, so its naive softmax overflows.
    expect(await reader.call('softmax', { xs: [1000, 1001] })).toEqual([NaN, NaN]);
    await reader.close();
  });
});
