// Fixtures as patches: the manifest is checked with file:line errors, a patch round-trips through writePatch
// and stageSubmission, and a patch the reference has drifted from is refused naming the hunk.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadManifest, patchedSources, stageSubmission, writePatch } from './fixtures.ts';
import { sourcesOf, type AssignmentSources } from './sources.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'dlgrade-fixtures-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const real = sourcesOf('csci5501-a2');
/** The real assignment with its fixtures folder moved to a scratch copy we can break. */
function scratch(name: string): AssignmentSources {
  const fixturesDir = path.join(tmp, name);
  cpSync(real.fixturesDir, fixturesDir, { recursive: true });
  return { ...real, fixturesDir };
}

describe('fixtures as patches', () => {
  test('a patch written from an edited copy stages back to exactly that edit', () => {
    const src = scratch('roundtrip');
    const edited = path.join(tmp, 'edited');
    cpSync(real.referenceDir, edited, { recursive: true });
    const file = path.join(edited, 'activations.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace("return tf.layers.reLU();", "return tf.layers.activation({ activation: 'relu6' });"));
    expect(writePatch(src, edited, path.join(src.fixturesDir, 'relu6.patch')).files).toEqual(['activations.ts']);
    const patched = patchedSources(src, path.join(src.fixturesDir, 'relu6.patch'));
    expect(patched.get('activations.ts')).toBe(readFileSync(file, 'utf8'));
    expect(patched.get('trainer.ts')).toBe(readFileSync(path.join(real.referenceDir, 'trainer.ts'), 'utf8'));
  });

  test('every manifest fixture stages as a complete submission in the solution view (no markers left)', () => {
    for (const f of loadManifest(real).fixtures) {
      const out = path.join(tmp, 'stage', f.name);
      const files = stageSubmission(real, f.name, out);
      expect(files).toContain('index.ts');
      expect(files).toContain('contract.ts');
      for (const rel of files.filter((x) => x.endsWith('.ts'))) expect(readFileSync(path.join(out, rel), 'utf8'), `${f.name}/${rel}`).not.toMatch(/BEGIN SOLUTION|STARTER:/);
    }
  });

  test('a patch that no longer applies is refused, naming the file and the hunk', () => {
    const src = scratch('drift');
    writeFileSync(path.join(src.fixturesDir, 'fc-no-flatten.patch'), readFileSync(path.join(src.fixturesDir, 'fc-no-flatten.patch'), 'utf8').replaceAll('model.add(tf.layers.flatten', 'model.add(tf.layers.flattenX'));
    expect(() => stageSubmission(src, 'fc-no-flatten', path.join(tmp, 'drift-out'))).toThrow(/fc-no-flatten\.patch: does not apply to reference\/csci5501-a2\/fully-connected\.ts \(hunk at line \d+/);
  });

  test('manifest problems are reported with file:line and field', () => {
    const src = scratch('bad');
    const file = path.join(src.fixturesDir, 'manifest.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('    score: 54.33\n', '    score: "fifty"\n').replace('patch: freeze-by-substring.patch', 'patch: missing.patch'));
    expect(() => loadManifest(src)).toThrow(/manifest\.yaml:\d+:\d+ fixtures\.fc-no-flatten\.score: must be a number, got "fifty"/);
    writeFileSync(file, readFileSync(file, 'utf8').replace('score: "fifty"', 'score: 54.33'));
    expect(() => loadManifest(src)).toThrow(/manifest\.yaml:\d+:\d+ fixtures\.freeze-by-substring\.patch: no file missing\.patch next to the manifest/);
    expect(() => stageSubmission(real, 'no-such-fixture', path.join(tmp, 'x'))).toThrow(/has no fixture "no-such-fixture" \(fixtures: fc-no-flatten, .*; or reference, starter\)/);
  });
});
