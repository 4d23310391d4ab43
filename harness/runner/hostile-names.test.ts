// Student folder names are data. A class folder whose names attack the outputs (a class file's name, 255
// characters, "x y" next to "x_y", a newline, a GitHub workflow command, ANSI/OSC escapes, Markdown and HTML,
// control bytes, a formula), built on the fly (such names cannot be committed portably) and graded for real
// with the mini assignment through the CLI, as CI runs it: two shards, a resumed run, a merge, the HTML
// report, per-student HTML and PDF reports. Every student gets their own results and score, nothing is
// written outside OUT, the class files are intact and parse, and no raw control character, live link or
// workflow command appears where it must not.
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PACKAGE_ROOT } from '../assignment/load.ts';
import { findBrowser } from '../report/browser.ts';
import { gradescopeProblems } from '../results/gradescope.ts';
import { elements, parseCsv, parseXml, RAW_CONTROL, renderGfm } from '../results/parse-outputs.ts';
import { readSubmissionResult } from '../results/read-result.ts';
import { displayName, terminalText } from '../results/safe-text.ts';
import { studentId } from '../results/student-id.ts';
import { inShard } from './shard.ts';

const BIN = path.join(PACKAGE_ROOT, 'bin/dlgrade.js');
const SUBS = path.join(PACKAGE_ROOT, 'fixtures/submissions/mini');
const run = promisify(execFile);

/** name -> the fixture it is a copy of (correct scores 20, partial 11). */
const CLASS: Record<string, 'correct' | 'partial'> = {
  'summary.md': 'partial',
  'junit.xml': 'correct',
  ['n'.repeat(255)]: 'correct',
  'x y': 'correct',
  x_y: 'partial',
  'new\nline': 'partial',
  '::error title=pwned::owned by a folder name': 'correct',
  'two ##[error]commands': 'partial',
  '\u001b[31mred\u001b[0m\u001b]0;window title\u0007': 'correct',
  '\u001b]8;;https:evil.example\u0007osc link\u001b]8;;\u0007': 'partial',
  '[click me](https:evil.example) www.evil.example': 'correct',
  '<img src=x onerror=alert(1)> | `tick`': 'partial',
  'bell\u0007 tab\t del\u007f c1\u0085 nul?': 'correct',
  '=HYPERLINK("https:evil.example")': 'partial',
  'rtl\u202eevil': 'correct',
  'Ada-Okafor': 'partial',
  'ada-okafor': 'correct',
};
const NAMES = Object.keys(CLASS);
const SCORE = { correct: 20, partial: 11 } as const;

let root: string;
let cls: string;
const out = (name: string) => path.join(root, name);

function dlgrade(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // As CI runs it: no terminal, plain progress lines; vitest's own variables left out.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: PACKAGE_ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** What CI would print: no raw control character, no workflow command (`::x::` at a line start, `##[` anywhere). */
function expectSafeLog(text: string): void {
  expect(text).not.toMatch(RAW_CONTROL);
  for (const line of text.split('\n')) {
    expect(line.trimStart().startsWith('::'), line).toBe(false);
    expect(line, line).not.toContain('##[');
  }
}

/** Every file and folder below dir (relative path -> size or 'dir'), for "nothing else was written". */
function tree(dir: string): Record<string, number | 'dir'> {
  const found: Record<string, number | 'dir'> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel))) {
      const r = path.join(rel, name);
      const st = lstatSync(path.join(dir, r));
      found[r] = st.isDirectory() ? 'dir' : st.size;
      if (st.isDirectory()) walk(r);
    }
  };
  walk('');
  return found;
}

const shardRuns: { code: number | null; stdout: string; stderr: string }[] = [];
let classBefore: Record<string, number | 'dir'>;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'dlgrade-names-'));
  cls = path.join(root, 'class');
  for (const [name, from] of Object.entries(CLASS)) cpSync(path.join(SUBS, from), path.join(cls, name), { recursive: true });
  classBefore = tree(cls);
  for (const i of [1, 2]) {
    shardRuns.push(
      await dlgrade(['grade', '--assignment', 'fixtures/assignments/mini', '--class', cls, '--out', out(`shard-${i}`), '--shard', `${i}/2`, '--workers', '2'], {
        GITHUB_STEP_SUMMARY: path.join(root, `step-summary-${i}.md`),
      }),
    );
  }
}, 400_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a class whose folder names attack the outputs', () => {
  test('the names really are on disk as written (the test is not testing a sanitised class)', () => {
    expect(readdirSync(cls).sort()).toEqual([...NAMES].sort());
  });

  test('both shards exit normally; their progress and summary lines are safe for a CI log and name every student', () => {
    for (const r of shardRuns) {
      expect(r.code, r.stderr + r.stdout).toBe(0);
      expectSafeLog(r.stdout + r.stderr);
    }
    const log = shardRuns.map((r) => r.stderr).join('\n');
    // Each as displayName shows it (and `##[` broken, as every log line has it).
    for (const name of NAMES) expect(log).toContain(terminalText(`] ${displayName(name)}: ${SCORE[CLASS[name]!]}/20`));
  });

  test('every student has their own folder with their own results and score; nothing else was written', () => {
    for (const i of [1, 2]) {
      const dir = out(`shard-${i}`);
      const mine = NAMES.filter((n) => inShard(n, { index: i, count: 2 }));
      expect(mine.length).toBeGreaterThan(0);
      expect(readdirSync(dir).sort()).toEqual([...mine.map(studentId), 'gradebook.csv', 'junit.xml', 'summary.md'].sort());
      for (const name of mine) {
        const r = readSubmissionResult(path.join(dir, studentId(name), 'dlgrade.json'));
        expect([r.student, r.id, r.score, r.status]).toEqual([name, studentId(name), SCORE[CLASS[name]!], 'ok']);
        const gs = JSON.parse(readFileSync(path.join(dir, r.id, 'results.json'), 'utf8')) as { score: number; extra_data: { student: string } };
        expect(gradescopeProblems(gs)).toEqual([]);
        expect([gs.score, gs.extra_data.student]).toEqual([r.score, name]);
      }
    }
    // The class folder is as it was, and next to OUT there is only what the test made.
    expect(tree(cls)).toEqual(classBefore);
    expect(readdirSync(root).sort()).toEqual(['class', 'shard-1', 'shard-2', 'step-summary-1.md', 'step-summary-2.md']);
  });

  test('the class files are intact and parse: gradebook.csv (RFC 4180), junit.xml (XML 1.0), summary.md (GFM, no link, no HTML)', () => {
    for (const i of [1, 2]) {
      const dir = out(`shard-${i}`);
      const mine = NAMES.filter((n) => inShard(n, { index: i, count: 2 }));
      for (const f of ['gradebook.csv', 'junit.xml', 'summary.md']) expect(lstatSync(path.join(dir, f)).isFile()).toBe(true);

      const csv = readFileSync(path.join(dir, 'gradebook.csv'), 'utf8');
      expect(csv).not.toMatch(RAW_CONTROL);
      const [header, ...rows] = parseCsv(csv);
      expect(header!.slice(0, 3)).toEqual(['student', 'folder', 'total']);
      const rowOf = new Map(rows.map((r) => [r[1]!, r]));
      expect(rows).toHaveLength(mine.length);
      for (const name of mine) {
        const row = rowOf.get(studentId(name))!;
        expect(row[0]!.replace(/^'(?=[=+\-@])/, '')).toBe(displayName(name));
        expect(row[2]).toBe(String(SCORE[CLASS[name]!]));
      }
      for (const row of rows) expect(row[0]).not.toMatch(/^[=+\-@\t\r]/);

      const xml = readFileSync(path.join(dir, 'junit.xml'), 'utf8');
      expect(xml).not.toMatch(RAW_CONTROL);
      const suites = elements(parseXml(xml), 'testsuite');
      expect(suites.map((s) => s.attributes.name).sort()).toEqual(mine.map(displayName).sort());

      const md = readFileSync(path.join(dir, 'summary.md'), 'utf8');
      expect(md).not.toMatch(RAW_CONTROL);
      const html = renderGfm(md);
      expect(html).not.toMatch(/<a[\s>]|<img[\s>]|<script/);
      for (const name of mine) expect(html).toContain(`<code>${displayName(name).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}</code>`);
      // What GitHub's job summary got is the same summary.
      expect(readFileSync(path.join(root, `step-summary-${i}.md`), 'utf8')).toBe(md);
    }
  });

  test('a resumed shard finds every finished student by its id and grades nobody again', async () => {
    const again = await dlgrade(['grade', '--assignment', 'fixtures/assignments/mini', '--class', cls, '--out', out('shard-1'), '--shard', '1/2']);
    expect(again.code, again.stderr).toBe(0);
    const mine = NAMES.filter((n) => inShard(n, { index: 1, count: 2 }));
    expect(again.stdout).toContain(`${mine.length} students: 0 graded, ${mine.length} skipped`);
    rmSync(path.join(root, 'step-summary-1.md'));
  }, 60_000);

  test('`dlgrade merge` of the two shards: every student once, in their own folder, class files for all', async () => {
    const m = await dlgrade(['merge', out('shard-1'), out('shard-2'), '--out', out('merged')]);
    expect(m.code, m.stderr).toBe(0);
    expectSafeLog(m.stdout + m.stderr);
    expect(m.stdout).toContain(`merged ${NAMES.length} students from 2 folders`);
    expect(readdirSync(out('merged')).sort()).toEqual([...NAMES.map(studentId), 'gradebook.csv', 'junit.xml', 'summary.md'].sort());
    for (const name of NAMES) expect(readSubmissionResult(path.join(out('merged'), studentId(name), 'dlgrade.json')).student).toBe(name);
    const [, ...rows] = parseCsv(readFileSync(path.join(out('merged'), 'gradebook.csv'), 'utf8'));
    expect(rows.map((r) => [r[1], r[2]]).sort()).toEqual(NAMES.map((n) => [studentId(n), String(SCORE[CLASS[n]!])]).sort());
    expect(elements(parseXml(readFileSync(path.join(out('merged'), 'junit.xml'), 'utf8')), 'testsuite')).toHaveLength(NAMES.length);
  });

  test('`dlgrade report`: one HTML class report with a page and a unique anchor per student, names escaped', async () => {
    const file = path.join(out('reports'), 'class.html');
    const r = await dlgrade(['report', '--results', out('merged'), '--out', file]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(RAW_CONTROL);
    expect(html).not.toMatch(/<img src=x|<script/);
    const anchors = [...html.matchAll(/<section class="student" id="([^"]+)"/g)].map((m) => m[1]);
    expect(anchors.sort()).toEqual(NAMES.map((n) => `s-mini-${studentId(n)}`).sort());
    expect(html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; | &#x60;tick&#x60;');
    expect(html).toContain('new\\nline');
  });

  test('--per-student HTML and PDF: one file per student named by id, each with only their own name and score', async () => {
    const browser = await findBrowser();
    expect(browser, 'no Chrome/Chromium found: apt-get install chromium (CI does, in .ci/run)').toBeDefined();
    for (const format of ['html', 'pdf'] as const) {
      const dir = path.join(out('reports'), format);
      const r = await dlgrade(['report', '--results', out('merged'), '--per-student', dir, '--format', format]);
      expect(r.code, r.stderr).toBe(0);
      expect(readdirSync(path.join(dir, 'mini')).sort()).toEqual(NAMES.map((n) => `${studentId(n)}.${format}`).sort());
    }
    // The PDF of "x y" names x y and its score, not its neighbour x_y.
    const { stdout } = await run('pdftotext', [path.join(out('reports'), 'pdf', 'mini', `${studentId('x y')}.pdf`), '-']);
    expect(stdout).toContain('x y');
    expect(stdout).not.toContain('x_y');
    expect(stdout).toMatch(/20\s*\/\s*20/);
    const html = readFileSync(path.join(out('reports'), 'html', 'mini', `${studentId('x_y')}.html`), 'utf8');
    expect(html).toContain('<h1>x_y</h1>');
    expect(html).toMatch(/11 <span class="of">\/ 20<\/span>/);
    // Nothing was written outside the output folders.
    expect(readdirSync(root).sort()).toEqual(['class', 'merged', 'reports', 'shard-1', 'shard-2', 'step-summary-2.md']);
    expect(existsSync(path.join(cls, 'summary.md', 'dlgrade.json'))).toBe(false);
  }, 180_000);
});

