// The budget: a 100-student class PDF in under 60 s on 2 cores (one browser, one document).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { SubmissionResult } from '../results/types.ts';
import { writeReport } from './report.ts';
import { syntheticClass } from './synthetic-class.ts';

const run = promisify(execFile);
let tmp: string;
let students: SubmissionResult[];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'dlgrade-timing-'));
  students = await syntheticClass(100);
  for (const r of students) {
    await mkdir(path.join(tmp, 'results', r.student), { recursive: true });
    await writeFile(path.join(tmp, 'results', r.student, 'dlgrade.json'), JSON.stringify(r));
  }
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

test('100-student class PDF renders in under 60 s with every student and score in it', async () => {
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
  const { stdout: info } = await run('pdfinfo', [out]);
  expect(Number(info.match(/^Pages:\s+(\d+)/m)?.[1])).toBeGreaterThan(300);
}, 150_000);
