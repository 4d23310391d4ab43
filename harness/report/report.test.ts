// End to end on the fixture class: HTML, then PDF in a real headless Chromium, checked with poppler's
// pdftotext (every student and score, no template leftovers) and pdftoppm (a page rendered to an image).
// CI installs chromium and poppler-utils (.ci/run).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SubmissionResult } from '../results/types.ts';
import { findBrowser } from './browser.ts';
import { loadResults } from './load-results.ts';
import { writeReport, writeStudentReports } from './report.ts';
import { FIXTURE_RESULTS_DIR } from './synthetic-class.ts';

const run = promisify(execFile);
const ROOT = path.resolve(FIXTURE_RESULTS_DIR, '../..');
const GENERATED_AT = new Date('2025-07-01T12:00:00Z');

let tmp: string;
let results: SubmissionResult[];
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'dlgrade-report-'));
  results = (await loadResults(FIXTURE_RESULTS_DIR)).map((l) => l.result);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const fmt = (n: number): string => new Intl.NumberFormat('en-US').format(n);

/** Leftovers of a template or of a view model field gone missing. */
function expectNoPlaceholders(text: string): void {
  // The match with some context, so a failure shows where instead of the whole document.
  const leftover = text.match(/.{0,60}(\{\{|\}\}|\bundefined\b|\bNaN\b|\[object Object\]).{0,30}/);
  expect(leftover?.[0]).toBeUndefined();
}

/** Share of dark pixels of a binary PPM (P6) image, from pdftoppm. */
function darkShare(ppm: Buffer): { width: number; height: number; dark: number } {
  const header = ppm.subarray(0, 64).toString('latin1').match(/^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/);
  if (!header) throw new Error('pdftoppm output is not a binary PPM');
  const [all, w, h] = header;
  const px = ppm.subarray(all.length);
  let dark = 0;
  for (let i = 0; i + 2 < px.length; i += 3) if (px[i]! + px[i + 1]! + px[i + 2]! < 384) dark++;
  return { width: Number(w), height: Number(h), dark: dark / (Number(w) * Number(h)) };
}

describe('class report of the fixture class', () => {
  test('HTML: one document with every student, their stored score, and no placeholders', async () => {
    const out = path.join(tmp, 'class.html');
    const outcome = await writeReport({ results: FIXTURE_RESULTS_DIR, out, generatedAt: GENERATED_AT });
    expect(outcome).toMatchObject({ file: out, format: 'html', kind: 'class', students: results.length, assignments: ['csci5501-a2', 'fc-vs-conv'] });
    const html = await readFile(out, 'utf8');
    expectNoPlaceholders(html);
    for (const r of results) {
      expect(html).toContain(`id="s-${r.assignment}-${r.student}"`);
      expect(html).toContain(`${fmt(r.score)} <span class="of">/ ${fmt(r.maxScore)}</span>`);
    }
    // Student answers are escaped, charts are inline SVG drawn on the server.
    expect(html).not.toContain('<script');
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThan(results.length);
  });

  test('PDF in headless Chromium: pdftotext finds every student and score; a page renders to a non-blank image', async () => {
    const browser = await findBrowser();
    expect(browser, 'no Chrome/Chromium found: apt-get install chromium (CI does, in .ci/run)').toBeDefined();
    const out = path.join(tmp, 'class.pdf');
    const outcome = await writeReport({ results: FIXTURE_RESULTS_DIR, out, generatedAt: GENERATED_AT });
    expect(outcome.format).toBe('pdf');
    expect((await readFile(out)).subarray(0, 5).toString()).toBe('%PDF-');

    const { stdout: info } = await run('pdfinfo', [out]);
    const pages = Number(info.match(/^Pages:\s+(\d+)/m)?.[1]);
    expect(info).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
    // At least one page per student after the class summaries.
    expect(pages).toBeGreaterThan(results.length + 2);

    const { stdout: text } = await run('pdftotext', ['-layout', out, '-'], { maxBuffer: 64 << 20 });
    expectNoPlaceholders(text);
    for (const r of results) {
      expect(text).toContain(r.student);
      expect(text).toMatch(new RegExp(`${fmt(r.score)}\\s*/\\s*${fmt(r.maxScore)}`));
    }
    for (const heading of ['Score distribution', 'Pass rate per test', 'Mean per exercise', 'Most common failures', 'Timeouts and crashes', 'Leaderboard: ConvNet challenge', 'Model summary', 'Shape table', 'Training curves', 'Confusion matrix', 'Answers graded by hand']) {
      expect(text).toContain(heading);
    }
    // Chart text is real text in the PDF (vector SVG), e.g. the confusion matrix's class names.
    expect(text).toContain('automobile');
    expect(text).toContain('SyntaxError: index.ts:142:18');

    // Page 1 (the class summary with the histogram) as an image: A4 proportions, ink on it, not a blank page.
    const prefix = path.join(tmp, 'page1');
    await run('pdftoppm', ['-r', '40', '-f', '1', '-l', '1', '-singlefile', out, prefix]);
    const img = darkShare(await readFile(`${prefix}.ppm`));
    expect(img.height / img.width).toBeCloseTo(297 / 210, 1);
    expect(img.dark).toBeGreaterThan(0.01);
    expect(img.dark).toBeLessThan(0.5);
    await run('pdftoppm', ['-r', '60', '-png', '-f', '1', '-l', '1', '-singlefile', out, prefix]);
    expect((await stat(`${prefix}.png`)).size).toBeGreaterThan(10_000);
  });

  test('no browser: a .pdf request writes the HTML and says in one line how to get PDF', async () => {
    const out = path.join(tmp, 'nobrowser.pdf');
    const outcome = await writeReport({ results: FIXTURE_RESULTS_DIR, out, browserPath: null });
    expect(outcome.format).toBe('html');
    expect(outcome.file).toBe(path.join(tmp, 'nobrowser.html'));
    expect(outcome.note).toMatch(/^no Chrome\/Chromium found, wrote HTML instead: for PDF, install Chromium \(.*apt-get install chromium\).*PUPPETEER_EXECUTABLE_PATH/);
    expect(outcome.note).not.toContain('\n');
    expect((await readFile(outcome.file, 'utf8')).startsWith('<!DOCTYPE html>')).toBe(true);
  });
});

describe('student report and the CLI', () => {
  test('--student: only that student, hidden-test messages withheld for the student audience', async () => {
    const out = path.join(tmp, 'farah.html');
    const outcome = await writeReport({ results: FIXTURE_RESULTS_DIR, out, student: 'farah-haddad', assignment: 'csci5501-a2' });
    expect(outcome).toMatchObject({ kind: 'student', students: 1 });
    const html = await readFile(out, 'utf8');
    expectNoPlaceholders(html);
    expect(html).toContain('farah-haddad');
    expect(html).not.toContain('ada-okafor');
    expect(html).not.toContain('class report');
    const farah = results.find((r) => r.student === 'farah-haddad' && r.assignment === 'csci5501-a2')!;
    const hidden = farah.tests.find((t) => t.visibility === 'hidden' && t.output)!;
    expect(html).not.toContain(hidden.output.split('\n')[0]!.slice(0, 40));
    expect(html).toContain('Details of hidden tests are not shown.');
    const visible = farah.tests.find((t) => t.visibility === 'visible' && t.output)!;
    expect(html).toContain(visible.output.split('\n')[0]!.slice(0, 40).replace(/'/g, '&#x27;'));
  });

  test('--per-student: one PDF per student with only their name and score, printed by one browser', async () => {
    const dir = path.join(tmp, 'each');
    const outcome = await writeStudentReports({ results: FIXTURE_RESULTS_DIR, dir, format: 'pdf', assignment: 'fc-vs-conv' });
    const fvc = results.filter((r) => r.assignment === 'fc-vs-conv');
    expect(outcome.format).toBe('pdf');
    expect(outcome.files).toEqual(fvc.map((r) => path.join(dir, 'fc-vs-conv', `${r.student}.pdf`)));
    for (const r of fvc) {
      const { stdout } = await run('pdftotext', [path.join(dir, 'fc-vs-conv', `${r.student}.pdf`), '-']);
      expect(stdout).toContain(r.student);
      expect(stdout).toMatch(new RegExp(`${r.score}\\s*/\\s*${r.maxScore}`));
      for (const other of fvc.filter((o) => o.student !== r.student)) expect(stdout).not.toContain(other.student);
    }
  });

  test('an unknown student or assignment lists what there is', async () => {
    await expect(writeReport({ results: FIXTURE_RESULTS_DIR, out: path.join(tmp, 'x.html'), student: 'nobody' })).rejects.toThrow(/no results of student "nobody" .*students: ada-okafor, ben-tran/);
    await expect(writeReport({ results: FIXTURE_RESULTS_DIR, out: path.join(tmp, 'x.html'), assignment: 'lab9' })).rejects.toThrow(/found: csci5501-a2, fc-vs-conv/);
    await expect(writeReport({ results: FIXTURE_RESULTS_DIR, out: path.join(tmp, 'x.docx') })).rejects.toThrow(/give a file ending in \.pdf or \.html/);
  });

  test('`dlgrade report --results DIR --out FILE.html` prints one line naming the file', async () => {
    const out = path.join(tmp, 'cli.html');
    const { stdout } = await run(process.execPath, [path.join(ROOT, 'bin/dlgrade.js'), 'report', '--results', FIXTURE_RESULTS_DIR, '--out', out, '--assignment', 'fc-vs-conv'], { cwd: ROOT });
    expect(stdout).toMatch(new RegExp(`^dlgrade report: wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(class report, 3 results of fc-vs-conv, HTML, [\\d.]+ s\\)\\n$`));
    expect(await readFile(out, 'utf8')).toContain('Leaderboard: ConvNet challenge');
  });
});
