// The budget: a 100-student class PDF in under 60 s on 2 cores (one browser, one document). And the
// heaviest class the new assignments can produce, every student carrying evidence of every kind
// (synthetic-evidence.ts: series, four image grids, bars, scatter, normalised confusion, flags: about twice
// the figures any one assignment attaches), with a budget of its own: about 30 s on a quiet 2-core machine,
// but its print time grows fastest when the cores are shared (124 s measured at a load of 12), so the
// budget only catches a change of scale (an image per cell, a chart per point).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { SubmissionResult } from '../types/submission-result.ts';
import { writeReport } from './report.ts';
import { syntheticClass } from './synthetic-class.ts';
import { withEvidence } from './synthetic-evidence.ts';

const run = promisify(execFile);
let tmp: string;
let plain: SubmissionResult[];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'dlgrade-timing-'));
  plain = await syntheticClass(100);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Writes the class, prints its PDF, checks every student and score is in it; returns the text and pdfinfo. */
async function classPdf(name: string, students: SubmissionResult[], budgetMs: number): Promise<{ text: string; pages: number; bytes: number }> {
  for (const r of students) {
    await mkdir(path.join(tmp, name, r.id), { recursive: true });
    await writeFile(path.join(tmp, name, r.id, 'dlgrade.json'), JSON.stringify(r));
  }
  const out = path.join(tmp, `${name}.pdf`);
  const outcome = await writeReport({ results: path.join(tmp, name), out });
  const t = outcome.timings;
  const { stdout: info } = await run('pdfinfo', [out]);
  const pages = Number(info.match(/^Pages:\s+(\d+)/m)?.[1]);
  const bytes = Number(info.match(/^File size:\s+(\d+)/m)?.[1]);
  console.log(
    `100-student class PDF (${name}): ${(t.totalMs / 1000).toFixed(1)} s (load ${(t.loadMs / 1000).toFixed(1)}, view+charts ${(t.viewMs / 1000).toFixed(1)}, html ${(t.htmlMs / 1000).toFixed(1)}, pdf ${(t.pdfMs / 1000).toFixed(1)}); ${pages} pages, ${(bytes / 2 ** 20).toFixed(1)} MB`,
  );
  expect(outcome).toMatchObject({ format: 'pdf', students: 100 });
  expect(t.totalMs).toBeLessThan(budgetMs);
  const { stdout: text } = await run('pdftotext', [out, '-'], { maxBuffer: 256 << 20 });
  for (const r of students) {
    expect(text).toContain(r.student);
    expect(text).toMatch(new RegExp(`\\b${r.score}\\s*/\\s*${r.maxScore}\\b`));
  }
  return { text, pages, bytes };
}

test('100-student class PDF renders in under 60 s with every student and score in it', async () => {
  const { pages } = await classPdf('plain', plain, 60_000);
  expect(pages).toBeGreaterThan(300);
}, 150_000);

test('100 students with evidence of every kind: under 180 s, every figure in it, under 400 KB a student', async () => {
  const { text, pages, bytes } = await classPdf('evidence', withEvidence(plain), 180_000);
  expect(text.split('MLP1: first-layer weights (32 units, 28x28)').length - 1).toBe(100);
  expect(text).toContain('Held-out accuracy against trainable parameters · the class');
  expect(pages).toBeGreaterThan(600);
  expect(bytes).toBeLessThan(100 * 400_000);
}, 300_000);
