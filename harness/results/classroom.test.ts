import { describe, expect, test } from 'vitest';
import { classroomOutputLine, MAX_JSON_BYTES, toClassroom, type ClassroomResult } from './classroom.ts';
import { fakeResult } from './fake-results.ts';

/** What the reporter does with the env variable: base64 -> JSON; its points: the sum of tests[].score. */
function asReporter(line: string): ClassroomResult {
  const m = line.match(/^result=([A-Za-z0-9+/=]+)\n$/);
  if (!m) throw new Error(`not a one-line step output: ${line.slice(0, 80)}`);
  return JSON.parse(Buffer.from(m[1]!, 'base64').toString('utf8')) as ClassroomResult;
}

describe('GitHub Classroom result', () => {
  test('one test per visible dlgrade test, points earned with partial credit, max_score the visible total', () => {
    const r = fakeResult('ada', [
      { id: 'A.one', status: 'passed', max: 3 },
      { id: 'A.two', status: 'failed', score: 1.5, max: 4, output: 'expected 3, got 4' },
      { id: 'A.hang', status: 'timeout', max: 2, output: 'did not finish within 10 s' },
      { id: 'B.hidden', status: 'passed', max: 5 },
    ]);
    r.tests[3]!.visibility = 'hidden';
    const c = asReporter(classroomOutputLine(toClassroom(r)));
    expect(c).toMatchObject({ version: 1, status: 'fail', max_score: 9 });
    expect(c.tests.map((t) => [t.name, t.status, t.score])).toEqual([
      ['A.one title of A.one', 'pass', 3],
      ['A.two title of A.two', 'fail', 1.5],
      ['A.hang title of A.hang', 'fail', 0],
    ]);
    expect(c.tests.reduce((s, t) => s + t.score, 0)).toBe(4.5);
    expect(c.tests[1]!.message).toBe('expected 3, got 4');
    expect(c.tests[2]!.message).toBe('[time limit exceeded] did not finish within 10 s');
    expect(c.tests[0]!.execution_time).toBe('1.50s');
  });

  test('status: pass when every test passed, error for a grader problem', () => {
    expect(toClassroom(fakeResult('a', [{ id: 'A.x', status: 'passed' }])).status).toBe('pass');
    const err = toClassroom(fakeResult('a', [{ id: 'A.x', status: 'passed' }, { id: 'A.y', status: 'error', output: 'no vitest test for A.y' }]));
    expect([err.status, err.tests[1]!.status, err.tests[1]!.message]).toEqual(['error', 'error', '[grader problem, not your fault: tell the course staff] no vitest test for A.y']);
    expect(toClassroom(fakeResult('a', [{ id: 'A.x', status: 'crash' }], 'crash', 'exit 134')).status).toBe('fail');
  });

  test("a submission's text cannot issue workflow commands or escape sequences in the Actions log", () => {
    const r = fakeResult('a', [{ id: 'A.x', status: 'failed', output: 'bad\n::error file=x::pwned\n\u001b[31mred ##[group]x' }]);
    const m = toClassroom(r).tests[0]!.message;
    expect(m).toBe('bad\n\\::error file=x::pwned\n\\u001b[31mred ##\\[group]x');
  });

  test('long messages are cut so the base64 fits one environment variable (128 KiB)', () => {
    const tests = Array.from({ length: 60 }, (_, i) => ({ id: `A.t${i}`, status: 'failed' as const, output: `line ${i} `.repeat(2000) }));
    const c = toClassroom(fakeResult('a', tests));
    expect(Buffer.byteLength(JSON.stringify(c))).toBeLessThanOrEqual(MAX_JSON_BYTES);
    expect(classroomOutputLine(c).length).toBeLessThan(128 * 1024);
    expect(c.tests).toHaveLength(60);
    expect(c.tests[0]!.message).toMatch(/^line 0 line 0 .*\n… \(\d+ more characters\)$/s);
  });
});
