import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findResultFiles, loadResults } from './load-results.ts';
import { FIXTURE_RESULTS_DIR } from './synthetic-class.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'dlgrade-load-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function fixture(student: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(FIXTURE_RESULTS_DIR, 'csci5501-a2', student, 'dlgrade.json'), 'utf8')) as Record<string, unknown>;
}

async function put(dir: string, value: unknown): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'dlgrade.json');
  await writeFile(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

describe('loadResults', () => {
  test('finds every dlgrade.json at any depth of the fixture class, in path order', async () => {
    const files = await findResultFiles(FIXTURE_RESULTS_DIR);
    expect(files.length).toBeGreaterThanOrEqual(6);
    expect([...files].sort()).toEqual(files);
    const loaded = await loadResults(FIXTURE_RESULTS_DIR);
    expect(loaded.map((l) => l.file)).toEqual(files);
    const students = loaded.filter((l) => l.result.assignment === 'csci5501-a2').map((l) => l.result.student);
    expect(students).toEqual(['ada-okafor', 'ben-tran', 'chen-wei', 'dana-silva', 'eli-novak', 'farah-haddad']);
  });

  test('a missing field names the file and the field path', async () => {
    const r = await fixture('ben-tran');
    const tests = r.tests as Record<string, unknown>[];
    delete tests[2]!.status;
    const file = await put(path.join(tmp, 'missing', 'ben'), r);
    await expect(loadResults(path.join(tmp, 'missing'))).rejects.toThrow(`${file}: result.tests[2].status is missing`);
  });

  test('a wrong type says what came', async () => {
    const r = await fixture('ada-okafor');
    r.score = 'seventy';
    await put(path.join(tmp, 'type', 'ada'), r);
    await expect(loadResults(path.join(tmp, 'type'))).rejects.toThrow('result.score must be number, got "seventy"');
  });

  test('invalid JSON, an empty folder, a missing folder and duplicate students are clear errors', async () => {
    const bad = await put(path.join(tmp, 'json', 'x'), '{"assignment": ');
    await expect(loadResults(path.join(tmp, 'json'))).rejects.toThrow(`${bad}: not valid JSON`);
    await mkdir(path.join(tmp, 'empty'), { recursive: true });
    await expect(loadResults(path.join(tmp, 'empty'))).rejects.toThrow(/no dlgrade\.json below .*empty: run `dlgrade grade/);
    await expect(loadResults(path.join(tmp, 'nope'))).rejects.toThrow(/results folder .*nope does not exist/);
    const r = await fixture('chen-wei');
    await put(path.join(tmp, 'dup', 'a'), r);
    await put(path.join(tmp, 'dup', 'b'), r);
    await expect(loadResults(path.join(tmp, 'dup'))).rejects.toThrow(/student "chen-wei" \(chen-wei\) of csci5501-a2 also comes from .*dup\/a\/dlgrade\.json/);
    // Two students with one id would share report files and anchors.
    await put(path.join(tmp, 'dupid', 'a'), r);
    await put(path.join(tmp, 'dupid', 'b'), { ...r, student: 'Chen Wei' });
    await expect(loadResults(path.join(tmp, 'dupid'))).rejects.toThrow(/student "Chen Wei" \(chen-wei\) of csci5501-a2 also comes from .*dupid\/a\/dlgrade\.json/);

  });
});
