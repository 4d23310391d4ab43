// The budget: a 100-student class PDF in under 60 s on 2 cores (one browser, one document). Every
// student carries evidence of every kind (synthetic-evidence.ts: series, image grids, bars, scatter,
// normalised confusion, flags), the heaviest class report the four new assignments produce.
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
let students: SubmissionResult[];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'dlgrade-timing-'));
  students = withEvidence(await syntheticClass(100));
  for (const r of students) {
    await mkdir(path.join(tmp, 'results', r.student), { recursive: true });
    await writeFile(path.join(tmp, 'results', r.student, 'dlgrade.json'), JSON.stringify(r));
  }
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

test('100-student class PDF with evidence renders in under 60 s with every student, score and figure in it', async () => {
  const out = path.join(tmp, 'class.pdf');
  const outcome = await writeReport({ results: path.join(tmp, 'results'), out });
  const t = outcome.timings;
  console.log(
    `100-student class PDF: ${(t.totalMs / 1000).toFixed(1)} s (load ${(t.loadMs / 1000).toFixed(1)}, view+charts ${(t.viewMs / 1000).toFixed(1)}, html ${(t.htmlMs / 1000).toFixed(1)}, pdf ${(t.pdfMs / 1000).toFixed(1)})`,
  );
  expect(outcome).toMatchObject({ format: 'pdf', students: 100 });
  expect(t.totalMs).toBeLessThan(60_000);
  const { stdout: text } = await run('pdftotext', [out, '-'], { maxBuffer: 256 << 20 });
  for (const r of students) {
    expect(text).toContain(r.student);
    expect(text).toMatch(new RegExp(`\\b${r.score}\\s*/\\s*${r.maxScore}\\b`));
  }
  expect(text.split('MLP1: first-layer weights (32 units, 28x28)').length - 1).toBe(100);
  expect(text).toContain('Held-out accuracy against trainable parameters · the class');
  const { stdout: info } = await run('pdfinfo', [out]);
  const pages = Number(info.match(/^Pages:\s+(\d+)/m)?.[1]);
  const size = Number(info.match(/^File size:\s+(\d+)/m)?.[1]);
  console.log(`${pages} pages, ${(size / 2 ** 20).toFixed(1)} MB`);
  expect(pages).toBeGreaterThan(300);
  expect(size).toBeLessThan(100 * 400_000);
}, 150_000);
