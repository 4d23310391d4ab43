import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { toClassroom, type ClassroomResult } from '../results/classroom.ts';
import { fakeResult } from '../results/fake-results.ts';
import { writeClassroomOutput } from './classroom-output.ts';

/** The reporter's reading of one output line: result=<base64 of the JSON>. */
const asReporter = (line: string): ClassroomResult => JSON.parse(Buffer.from(line.replace(/^result=|\n$/g, ''), 'base64').toString('utf8')) as ClassroomResult;

describe('dlgrade check --classroom output', () => {
  test('--classroom appends result=<base64> to $GITHUB_OUTPUT; without it, writes the JSON to a file it names', () => {
    const r = fakeResult('a', [{ id: 'A.x', status: 'passed', max: 2 }, { id: 'A.y', status: 'failed', max: 3 }]);
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'dlgrade-gh-')), 'output');
    writeFileSync(out, 'earlier=1\n');
    expect(writeClassroomOutput(toClassroom(r), { GITHUB_OUTPUT: out })).toBe('GitHub Classroom: wrote the step output "result" to $GITHUB_OUTPUT (2 / 5 points, 2 tests, status fail)');
    const lines = readFileSync(out, 'utf8').split(/(?<=\n)/);
    expect(lines[0]).toBe('earlier=1\n');
    expect(asReporter(lines[1]!)).toEqual(toClassroom(r));
    const said = writeClassroomOutput(toClassroom(r), {});
    const file = said.match(/the result is in (\S+classroom-result\.json)/)?.[1];
    expect(file, said).toBeDefined();
    expect(JSON.parse(readFileSync(file!, 'utf8'))).toEqual(toClassroom(r));
    expect(() => writeClassroomOutput(toClassroom(r), { GITHUB_OUTPUT: path.join(out, 'not-a-dir', 'x') })).toThrow(/^--classroom: cannot append the result to \$GITHUB_OUTPUT \(.*not-a-dir\/x\): ENOTDIR/);
  });
});
