import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { openInProcess } from './inprocess-submission.ts';
import { ProbeError } from './submission.ts';

// The in-process handle on a throw-away assignment and submission: failure kinds and their messages.
function setup(index: string) {
  const root = mkdtempSync(path.join(tmpdir(), 'dlgrade-inproc-'));
  const assignmentDir = path.join(root, 'assignment');
  const submissionDir = path.join(root, 'submission');
  mkdirSync(assignmentDir);
  mkdirSync(submissionDir);
  writeFileSync(
    path.join(assignmentDir, 'probes.ts'),
    `export const probes = {
      add: (e: Record<string, any>, a: { x: number; y: number }) => e.add(a.x, a.y),
      hang: (e: Record<string, any>) => e.hang(),
      fn: (e: Record<string, any>) => e.add,
      optional: (e: Record<string, any>) => 'extra' in e,
    };`,
  );
  writeFileSync(path.join(submissionDir, 'index.ts'), index);
  return openInProcess({ assignmentDir, submissionDir, entry: ['index.ts'], timeoutMs: 300, memoryMb: 256, backend: 'cpu' });
}

async function failure(p: Promise<unknown>): Promise<ProbeError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  if (!(e instanceof ProbeError)) throw new Error(`expected a ProbeError, got ${String(e)}`);
  return e;
}

describe('openInProcess', () => {
  test('calls probes and returns cloned plain data', async () => {
    const h = await setup('export const add = (x: number, y: number): number => x + y;\n');
    expect(await h.call('add', { x: 2, y: 3 })).toBe(5);
    expect(await h.call('optional')).toBe(false);
    expect(await h.engine()).toBe('tfjs 4.22.0 cpu (pure JS)');
  });

  test('an awaited probe that never finishes times out with the limit in the message', async () => {
    const h = await setup('export const hang = (): Promise<never> => new Promise(() => {});\n');
    const e = await failure(h.call('hang'));
    expect([e.kind, e.probe, e.message]).toEqual(['timeout', 'hang', 'probe "hang" did not finish within 300 ms (the submission\'s code is too slow or never returns)']);
    expect((await failure(h.call('hang', undefined, { timeoutMs: 50 }))).message).toMatch(/within 50 ms/);
  });

  test('a missing export and a throw are told apart', async () => {
    const h = await setup('export const hang = 1;\nexport function add(x: number, y: number): number {\n  if (x < 0) throw new TypeError("negative");\n  return x + y;\n}\n');
    const missing = await failure(setup('export const other = 1;\n').then((g) => g.call('add', { x: 1, y: 2 })));
    expect([missing.kind, missing.message]).toEqual(['missing-export', 'the submission does not export "add" (it exports: other)']);
    const threw = await failure(h.call('add', { x: -1, y: 2 }));
    expect(threw.kind).toBe('threw');
    expect(threw.message).toBe('the submission\'s code threw TypeError: negative (at index.ts:3:20) while running probe "add"');
  });

  test('a probe returning something that cannot cross a process boundary is an authoring error', async () => {
    const h = await setup('export const add = (x: number, y: number): number => x + y;\n');
    await expect(h.call('fn')).rejects.toThrow(/probe "fn" returned data that cannot cross a process boundary/);
  });

  test('an unknown probe name lists the probes there are', async () => {
    const h = await setup('export const add = 1;\n');
    const e = await failure(h.call('nope'));
    expect(e.message).toBe('no probe named "nope" in the assignment\'s probes.ts (it has: add, hang, fn, optional)');
  });
});
