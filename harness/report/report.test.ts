// End to end on the fixture class: HTML, then PDF in a real headless Chromium, checked with poppler's
// pdftotext (every student and score, no template leftovers) and pdftoppm (a page rendered to an image).
// CI installs chromium and poppler-utils (.ci/run).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SubmissionResult } from '../types/submission-result.ts';
import { findBrowser } from './browser.ts';
import { loadResults } from './load-results.ts';
import { writeReport, writeStudentReports } from './report.ts';
import { FIXTURE_RESULTS_DIR } from './synthetic-class.ts';
import { withEvidence } from './synthetic-evidence.ts';

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
    for (const heading of ['Score distribution', 'Pass rate per test', 'Mean per exercise', 'Most common failures', 'Timeouts and crashes', 'Leaderboard: ConvNet challenge', 'Model summary', 'Shape table', 'Training curves', 'Confusion matrix', 'Answers graded by hand', 'Across the class', 'Flagged for the graders', 'Per-category values', 'Comparisons', 'Run seed']) {
      expect(text).toContain(heading);
    }
    // The grader's flag, in the class table and with the item on ben-tran's page; the run seed in his header.
    const ben = results.find((r) => r.assignment === 'fc-vs-conv' && r.student === 'ben-tran')!;
    expect(text.split('the write-up claims 41,000 parameters').length - 1).toBe(2);
    expect(text).toContain('Flagged by the checks, for the grader');
    expect(text).toMatch(new RegExp(`Run seed\\s+${ben.runSeed} \\(dlgrade grade --run-seed ${ben.runSeed}`));
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

describe('evidence of every kind in a PDF', () => {
  test('figures print as vector text and one pixel-exact image per grid; a class with evidence stays small', async () => {
    const dir = path.join(tmp, 'evidence');
    const rs = withEvidence(results.filter((r) => r.assignment === 'csci5501-a2').slice(0, 3));
    for (const r of rs) {
      await mkdir(path.join(dir, r.id), { recursive: true });
      await writeFile(path.join(dir, r.id, 'dlgrade.json'), JSON.stringify(r));
    }
    const out = path.join(tmp, 'evidence.pdf');
    const outcome = await writeReport({ results: dir, out, generatedAt: GENERATED_AT });
    expect(outcome.format).toBe('pdf');
    const { stdout: text } = await run('pdftotext', ['-layout', out, '-'], { maxBuffer: 64 << 20 });
    expectNoPlaceholders(text);
    for (const title of [
      'Training loss every 10 steps (SGD lr 0.01, batch 50)',
      'First-layer gradient norm every 10 steps',
      'Per-class F1 on the held-out images',
      'Held-out accuracy against trainable parameters',
      'MLP1: first-layer weights (32 units, 28x28)',
      'XOR MLP: decision boundaries',
      'TinyVGG: held-out confusion matrix',
      'Images',
      'Per-class F1 on the held-out images · class mean',
      'Held-out accuracy against trainable parameters · the class',
    ]) expect(text).toContain(title);
    // Chart text is text: legend names, class names, cell labels and the baseline's name.
    for (const word of ['sigmoid', 'TinyVGG', 'automobile', 'SimpleMLP', 'unit 31', 'kernel 7']) expect(text).toContain(word);
    // Four image grids per student, each one embedded image drawn without interpolation.
    const { stdout: images } = await run('pdfimages', ['-list', out]);
    const rows = images.split('\n').slice(2).filter(Boolean).map((l) => l.trim().split(/\s+/));
    expect(rows).toHaveLength(4 * rs.length);
    expect(rows.every((r) => r[9] === 'no')).toBe(true);
    expect((await stat(out)).size).toBeLessThan(rs.length * 600_000);
    // The weights' page as an image: red and blue ink from the diverging scale.
    const page = text.split('\f').findIndex((p) => p.includes('MLP1: first-layer weights')) + 1;
    const prefix = path.join(tmp, 'weights');
    await run('pdftoppm', ['-r', '40', '-f', String(page), '-l', String(page), '-singlefile', out, prefix]);
    const ppm = await readFile(`${prefix}.ppm`);
    const px = ppm.subarray(ppm.indexOf('255\n') + 4); // after the P6 header
    let red = 0;
    let blue = 0;
    for (let i = 0; i + 2 < px.length; i += 3) {
      if (px[i]! > 150 && px[i + 1]! < 110 && px[i + 2]! < 120) red++;
      if (px[i + 2]! > 140 && px[i]! < 110) blue++;
    }
    expect(red).toBeGreaterThan(200);
    expect(blue).toBeGreaterThan(200);
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
      // Flags are for the graders: a student's own report has none.
      expect(stdout).not.toContain('Flagged');
      expect(stdout).not.toContain('41,000');
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
    expect(stdout).toMatch(new RegExp(`^dlgrade report: wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(class report, 3 results of fc-vs-conv, HTML, (\\d+ ms|[\\d.]+ s)\\)\\n$`));
    expect(await readFile(out, 'utf8')).toContain('Leaderboard: ConvNet challenge');
  });
});
