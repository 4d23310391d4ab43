// gradebook.csv, junit.xml and summary.md rendered from hand-built results.
import { describe, expect, test } from 'vitest';
import { fakeResult } from './fake-results.ts';
import { toGradebookCsv } from './gradebook.ts';
import { toJUnitXml, xmlEscape } from './junit.ts';
import { toSummaryMarkdown } from './summary-markdown.ts';

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
    expect(lines[0]).toBe('student,total,max_score,A,B,manual_to_grade,status,message');
    expect(lines.map((l) => l.split(',')[0])).toEqual(['student', "'=carol", 'alice', 'bob', 'dave']);
    expect(lines[2]).toBe('alice,5.5,7,2.5,3,1,ok,');
  });

  test('a per-test timeout shows as the status with its message, though the run status is ok', () => {
    expect(lines[3]).toBe(`bob,5,7,2,3,1,timeout,"A.two: the submission's process did not finish within 10 s while running probe ""relu"""`);
  });

  test('quotes commas, quotes and line breaks; defuses formulas; missing exercises are 0', () => {
    expect(lines[1]).toBe(`'=carol,0,2,0,0,0,import-error,"importing index.ts failed: Error: boom, ""quoted"" · (at index.ts:3:7)"`);
    expect(lines[4]).toBe('dave,0,0,0,0,0,missing,no submission folder at /c/dave');
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
    expect(md).toContain('**4 students** · mean 2.63 / 7 (38%) · median 2.5 · min 0 · max 5.5 · 61 s');
    expect(md).toContain('Runs: 1 import-error · 1 ok · 1 timeout · 1 missing');
  });

  test('a row per student and a pass rate per test', () => {
    expect(md).toContain('| bob | 5 / 7 | 2 | 3 | **timeout** |');
    expect(md).toContain('| A.two: title of A.two | 0 / 2 | 0% | 1 failed, 1 timeout |');
  });

  test('students whose run did not end normally, with why', () => {
    expect(md).toContain("- **bob** — timeout: A.two: the submission's process did not finish within 10 s");
    expect(md).toContain('- **=carol** — import-error: importing index.ts failed: Error: boom, "quoted" · (at index.ts:3:7)');
  });
});
