// gradebook.csv, junit.xml and summary.md rendered from hand-built results.
import { describe, expect, test } from 'vitest';
import { fakeResult } from './fake-results.ts';
import { toGradebookCsv } from './gradebook.ts';
import { toJUnitXml, xmlEscape } from './junit.ts';
import { elements, parseCsv, parseXml, RAW_CONTROL, renderGfm } from './parse-outputs.ts';
import { displayName } from './safe-text.ts';
import { studentId } from './student-id.ts';
import { mdCode, toSummaryMarkdown } from './summary-markdown.ts';

const bob = fakeResult('bob', [
  { id: 'A.one', status: 'passed' },
  { id: 'A.two', status: 'timeout', output: "the submission's process did not finish within 10 s while running probe \"relu\"" },
  { id: 'B.one', status: 'passed', max: 3 },
]);
const alice = fakeResult('alice', [
  { id: 'A.one', status: 'passed' },
  { id: 'A.two', status: 'failed', score: 0.5, output: 'relu([-1]): expected [0], got [-1]\nwhere to look: relu' },
  { id: 'B.one', status: 'passed', max: 3 },
]);
const carol = fakeResult('=carol', [{ id: 'A.one', status: 'failed', output: 'x' }], 'import-error', 'importing index.ts failed: Error: boom, "quoted"\n(at index.ts:3:7)');
const dave = fakeResult('dave', [], 'missing', 'no submission folder at /c/dave');
const all = [bob, alice, carol, dave];

describe('gradebook.csv', () => {
  const csv = toGradebookCsv(all);
  const lines = csv.trimEnd().split('\r\n');

  test('one header, one row per student in name order, each exercise a column', () => {
    expect(lines[0]).toBe('student,folder,total,max_score,A,B,manual_to_grade,status,message');
    expect(lines.map((l) => l.split(',')[0])).toEqual(['student', "'=carol", 'alice', 'bob', 'dave']);
    expect(lines[2]).toBe('alice,alice,5.5,7,2.5,3,1,ok,');
  });

  test('a per-test timeout shows as the status with its message, though the run status is ok', () => {
    expect(lines[3]).toBe(`bob,bob,5,7,2,3,1,timeout,"A.two: the submission's process did not finish within 10 s while running probe ""relu"""`);
  });

  test('quotes commas, quotes and line breaks; defuses formulas; missing exercises are 0', () => {
    expect(lines[1]).toBe(`'=carol,${studentId('=carol')},0,2,0,0,0,import-error,"importing index.ts failed: Error: boom, ""quoted"" · (at index.ts:3:7)"`);
    expect(lines[4]).toBe('dave,dave,0,0,0,0,0,missing,no submission folder at /c/dave');
  });
});

describe('junit.xml', () => {
  const xml = toJUnitXml(all);

  test('totals: tests, failures (timeouts included), no errors', () => {
    // bob 3 (1 timeout), alice 3 (1 failed), carol 1 failed, dave: 1 synthetic failed case.
    expect(xml).toMatch(/<testsuites name="toy" tests="8" failures="4" errors="0"/);
  });

  test('a timeout is a failure typed by its status, with the message escaped', () => {
    expect(xml).toContain(`<failure type="timeout" message="the submission's process did not finish within 10 s`);
    expect(xml).toContain('probe &quot;relu&quot;');
  });

  test('a submission that never ran still shows as a failed case', () => {
    expect(xml).toMatch(/<testsuite name="dave" tests="1" failures="1"[\s\S]*?<failure type="missing" message="no submission folder at \/c\/dave">/);
  });

  test('characters XML cannot carry are dropped, markup escaped', () => {
    expect(xmlEscape('a\u0000b\u001bc<d>&"e')).toBe('abc&lt;d&gt;&amp;&quot;e');
  });
});

describe('summary.md', () => {
  const md = toSummaryMarkdown(all, { scopeNote: 'shard 1/2', durationMs: 61_000 });

  test('heading, distribution and run outcomes', () => {
    expect(md).toMatch(/^## dlgrade: Toy assignment \(T-100\) — shard 1\/2/);
    expect(md).toContain('**4 students** · mean 2.63 / 7 (38%) · median 2.5 · min 0 · max 5.5 · 1 min 1 s');
    expect(md).toContain('Runs: 1 import-error · 1 ok · 1 timeout · 1 missing');
  });

  test('a row per student and a pass rate per test', () => {
    expect(md).toContain('| `bob` | 5 / 7 | 2 | 3 | **timeout** |');
    expect(md).toContain('| A.two: title of A.two | 0 / 2 | 0% | 1 failed, 1 timeout |');
  });

  test('students whose run did not end normally, with why', () => {
    expect(md).toContain("- `bob` — timeout: `A.two: the submission's process did not finish within 10 s");
    expect(md).toContain('- `=carol` — import-error: `importing index.ts failed: Error: boom, "quoted" · (at index.ts:3:7)`');
  });
});

// Folder names are data: each output shows them as written, escaped for its format, and stays well formed.
// (A whole class graded under such names: harness/runner/hostile-names.test.ts.)
const HOSTILE = [
  'summary.md',
  'x y',
  'x_y',
  'new\nline',
  'cr\rreturn',
  '::error file=x,line=1::pwned',
  'a ##[error]b',
  '\u001b[31mred\u001b[0m',
  '\u001b]8;;https:evil.example\u0007link\u001b]8;;\u0007',
  '[click](https:evil.example) www.evil.example mail@evil.example https://evil.example',
  '<img src=x onerror=alert(1)>',
  'pipe | back`tick ``x``',
  'back\\slash|',
  '@SUM(1+1)',
  '+1',
  '-2',
  '\tlead tab',
  'bell\u0007nul\u0000del\u007fc1\u009b',
  'rtl\u202eevil',
  'a'.repeat(255),
];
const hostile = HOSTILE.map((name, i) =>
  fakeResult(name, [{ id: 'A.one', status: i % 2 ? 'passed' : 'failed', output: `${name}\n<b>${name}</b> [x](https://evil.example)` }], i % 3 ? 'ok' : 'crash', `crashed: ${name}`),
);

describe('hostile student names in the class outputs', () => {
  test('gradebook.csv parses (RFC 4180) into one row per student, names shown escaped, formulas defused', () => {
    const csv = toGradebookCsv(hostile);
    expect(csv).not.toMatch(RAW_CONTROL);
    const [header, ...rows] = parseCsv(csv);
    expect(header![0]).toBe('student');
    expect(rows).toHaveLength(HOSTILE.length);
    const byName = new Map(rows.map((r) => [r[0]!, r]));
    for (const r of hostile) {
      const shown = displayName(r.student);
      const cell = /^[=+\-@]/.test(shown) ? `'${shown}` : shown;
      expect(byName.get(cell)?.[1], cell).toBe(r.id);
      expect(byName.get(cell)?.[2]).toBe(String(r.score));
    }
    for (const row of rows) for (const c of row) expect(c, c).not.toMatch(/^[=+\-@\t\r]/);
    expect(new Set(rows.map((r) => r[1])).size).toBe(HOSTILE.length);
  });

  test('junit.xml is well-formed XML 1.0 with one suite per student named as shown', () => {
    const xml = toJUnitXml(hostile);
    expect(xml).not.toMatch(RAW_CONTROL);
    const root = parseXml(xml);
    const suites = elements(root, 'testsuite');
    expect(suites.map((x) => x.attributes.name).sort()).toEqual(hostile.map((r) => displayName(r.student)).sort());
    const bell = suites.find((x) => x.attributes.name!.startsWith('bell'))!;
    expect(bell.attributes.name).toBe('bell\\u0007nul\\u0000del\\u007fc1\\u009b');
    // Markup in a message is text: parsed back, it reads as written.
    expect(elements(root, 'failure').map((f) => f.text)).toContain('summary.md\n<b>summary.md</b> [x](https://evil.example)');

  });

  test('summary.md renders (GFM) with no link, no HTML element and no broken table: every name in code', () => {
    const md = toSummaryMarkdown(hostile);
    expect(md).not.toMatch(RAW_CONTROL);
    const html = renderGfm(md);
    expect(html).not.toMatch(/<a[\s>]/);
    expect(html).not.toMatch(/<(img|b|script)[\s>]/);
    const table = html.slice(html.indexOf('<table>'), html.indexOf('</table>'));
    const rows = table.split('<tr>').slice(2);
    expect(rows).toHaveLength(HOSTILE.length);
    // Four cells a row (student, total, A, status): a pipe in a name split none.
    for (const row of rows) expect(row.match(/<td/g)).toHaveLength(4);
    const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    const names = rows.map((row) => unescape(/<td><code>(.*?)<\/code><\/td>/.exec(row)![1]!));
    expect(names.sort()).toEqual(hostile.map((r) => displayName(r.student)).sort());
  });

  test('code spans: a fence longer than any backtick run, edge backticks padded, pipes escaped only in tables', () => {
    expect(mdCode('a `b` c')).toBe('``a `b` c``');
    expect(mdCode('`x')).toBe('`` `x ``');
    expect(mdCode('a|b')).toBe('`a|b`');
    expect(mdCode('a|b', { inTable: true })).toBe('`a\\|b`');
    // An even run of backslashes before a pipe (as displayName writes them) shows exactly.
    expect(mdCode('a\\\\|b', { inTable: true })).toBe('`a\\\\\\|b`');
    expect(renderGfm(`| h |\n|---|\n| ${mdCode('a\\\\|b', { inTable: true })} |`)).toContain('<td><code>a\\\\|b</code></td>');
  });
});
