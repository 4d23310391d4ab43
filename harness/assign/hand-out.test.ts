// `dlgrade assign <id> --out DIR` for real: what the student bundle holds and does not hold, that it installs
// from the npm registry alone in a folder outside this repository and runs its visible tests there, that the
// Gradescope zip grades the reference to full marks the way Gradescope runs it (unzipped into
// /autograder/source, setup.sh, a submission in /autograder/submission, run_autograder, results.json), and the
// Classroom template, for every assignment; installing and running them: see `installed` below.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, test } from 'vitest';
import { allTests, loadAssignment } from '../assignment/load.ts';
import { readSubmissionResult } from '../results/read-result.ts';
import { loadManifest, stageSubmission } from './fixtures.ts';
import { handOut, type HandOut } from './hand-out.ts';
import { assignmentIds, sourcesOf } from './sources.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'dlgrade-handout-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const wanted = process.env.DLGRADE_HANDOUT;
// Installing the student folder and running the Gradescope zip take minutes each: csci5501-a2 in every run,
// the others with DLGRADE_HANDOUT (CI sets it to all). Every assignment's outputs are checked every time.
const installed = wanted === 'all' ? assignmentIds() : wanted ? wanted.split(',') : ['csci5501-a2'];
const root = typeof process.getuid === 'function' && process.getuid() === 0;
const unshare = root && spawnSync('unshare', ['--mount', '--', 'true']).status === 0;

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  // A clean environment for npm: no vitest variables, and nothing that points back into this checkout.
  const clean = Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('VITEST') && !k.startsWith('DLGRADE_') && k !== 'NODE_OPTIONS'));
  return spawnSync(cmd, args, { cwd, env: clean, encoding: 'utf8', timeout: 600_000 });
}

describe.each(assignmentIds())('%s handed out', (id) => {
  const src = sourcesOf(id);
  const manifest = loadManifest(src);
  let made: Promise<HandOut> | undefined;
  const out = () => (made ??= handOut(src, path.join(tmp, id), () => {}));

  test('the student bundle holds the starter and public grading files only; the zip and the template are complete', { timeout: 120_000 }, async () => {
    const h = await out();
    const text = (f: string) => readFileSync(path.join(h.student, f), 'utf8');
    const pkg = JSON.parse(text('package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string>; dlgrade: { assignment: string } };
    // Every dependency installs from the registry, except dlgrade, which comes from the tarball inside the folder.
    for (const [name, spec] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      if (name === 'dlgrade') expect(existsSync(path.join(h.student, spec.replace(/^file:/, '')))).toBe(true);
      else expect(spec, name).toMatch(/^[\^~]?\d/);
    }
    const files = spawnSync('find', ['.', '-type', 'f'], { cwd: h.student, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    expect(files.filter((f) => /tests\/hidden|fixtures|\.patch$|manifest\.yaml/.test(f))).toEqual([]);
    for (const f of files.filter((x) => /\.(ts|md)$/.test(x))) expect(text(f), f).not.toMatch(/BEGIN SOLUTION|END SOLUTION|STARTER:/);
    // The student's yaml lists every test with its points, but nothing only hidden grading uses.
    const theirs = loadAssignment(path.join(h.student, pkg.dlgrade.assignment));
    expect(theirs.exercises.map((x) => x.points)).toEqual(loadAssignment(id).exercises.map((x) => x.points));
    expect(allTests(theirs).filter((t) => t.visibility !== 'visible' && (t.threshold || t.timeoutMs)).map((t) => t.id)).toEqual([]);
    // The runtime tarball: no assignment, reference, fixture or test file.
    const tgz = files.find((f) => f.endsWith('.tgz'))!;
    const listing = spawnSync('tar', ['tzf', tgz], { cwd: h.student, encoding: 'utf8' }).stdout;
    expect(listing).toMatch(/package\/harness\/kit\/index\.ts/);
    expect(listing.split('\n').filter((f) => /^package\/(assignments|reference|fixtures|tests)\/|\.test\.ts$/.test(f))).toEqual([]);
    // Nor the harness's ports of the seed architectures: answers to architecture exercises (only the grader's
    // runtime, in the Gradescope zip, carries them for hidden suites).
    expect(listing.split('\n').filter((f) => /^package\/harness\/(models\/(?!adaptive-avg-pool|local-response-norm|resize-bilinear|spatial-dropout2d|batch-norm2d)|kit\/models)/.test(f))).toEqual([]);
    const zip = unzipSync(readFileSync(h.gradescopeZip));
    expect(Object.keys(zip)).toEqual(expect.arrayContaining(['setup.sh', 'run_autograder', 'package.json', 'assignment/assignment.yaml', 'assignment/probes.ts']));
    expect(Object.keys(zip).some((f) => f.startsWith('assignment/tests/hidden/'))).toBe(true);
    expect(Object.keys(zip).some((f) => /^(reference|fixtures)\//.test(f))).toBe(false);
    expect(readFileSync(path.join(h.classroom, '.github/workflows/classroom.yml'), 'utf8')).toMatch(/npx dlgrade check --classroom[\s\S]*autograding-grading-reporter@v1[\s\S]*runners: dlgrade/);
    expect(existsSync(path.join(h.classroom, 'index.ts'))).toBe(true);
  });

  test.runIf(installed.includes(id))("outside the repository, `npm install && npm test` in the student bundle prints every exercise and the starter's total", { timeout: 900_000 }, async () => {
    const h = await out();
    // A copy far from this checkout: no node_modules or package.json above it but the system's.
    const dir = mkdtempSync(path.join(os.tmpdir(), `dlgrade-student-${id}-`));
    try {
      cpSync(h.student, dir, { recursive: true });
      const install = run('npm', ['install', '--no-audit', '--no-fund'], dir);
      expect(install.status, install.stderr).toBe(0);
      // The starter type-checks against the installed runtime (its types, type-only modules included).
      const tsc = run('npm', ['run', '--silent', 'typecheck'], dir);
      expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
      const t = run('npm', ['test'], dir);
      const shown = t.stdout + t.stderr;
      // Failing visible tests: npm test exits non-zero, and says why.
      expect(t.status, shown).toBe(1);
      const visible = manifest.starter?.visible;
      expect(shown).toMatch(new RegExp(`Total: ${visible !== undefined ? String(visible).replace('.', '\\.') : '[\\d.]+'}/\\d+`));
      for (const x of loadAssignment(id).exercises) expect(shown).toContain(`${x.id}. ${x.title}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Gradescope runs as root in its own container; here a private mount namespace puts a fresh /autograder over
  // the real one, so nothing is left behind on the machine.
  test.runIf(unshare && installed.includes(id))('the Gradescope autograder grades the reference to full marks in the /autograder layout', { timeout: 900_000 }, async () => {
    const h = await out();
    const reference = path.join(tmp, `${id}-reference`);
    stageSubmission(src, 'reference', reference);
    const metadata = path.join(tmp, `${id}-metadata.json`);
    writeFileSync(metadata, JSON.stringify({ id: 1, created_at: '2026-11-01T10:00:00Z', assignment: { due_date: '2026-12-01T23:59:00Z', late_due_date: null, title: id, total_points: '100.0' }, users: [{ email: 's@example.edu', id: 7, name: 'Student' }], previous_submissions: [] }));
    const results = path.join(tmp, `${id}-results`);
    mkdirSync(results, { recursive: true });
    if (!existsSync('/autograder')) mkdirSync('/autograder');
    const script = [
      'set -e',
      'mount -t tmpfs -o mode=0755 dlgrade-autograder /autograder',
      'mkdir -p /autograder/source /autograder/submission /autograder/results',
      `cd /autograder/source && unzip -q "${h.gradescopeZip}"`,
      'chmod +x /autograder/source/setup.sh /autograder/source/run_autograder',
      'cp /autograder/source/run_autograder /autograder/run_autograder',
      'bash /autograder/source/setup.sh',
      `cp -r "${reference}/." /autograder/submission/`,
      `cp "${metadata}" /autograder/submission_metadata.json`,
      'cd /autograder && /autograder/run_autograder || true',
      `cp /autograder/results/* "${results}/"`,
    ].join('\n');
    const r = run('unshare', ['--mount', '--propagation', 'private', '--', 'bash', '-c', script], tmp);
    expect(r.status, `${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`).toBe(0);
    const gs = JSON.parse(readFileSync(path.join(results, 'results.json'), 'utf8')) as { score: number; tests: { name: string; score: number; max_score: number }[] };
    const full = readSubmissionResult(path.join(results, 'dlgrade.json'));
    expect([full.status, full.score, full.maxScore], JSON.stringify(full.tests.filter((t) => t.score < t.maxScore).map((t) => [t.id, t.output.slice(0, 200)]))).toEqual(['ok', full.maxScore, full.maxScore]);
    expect(gs.score).toBe(full.maxScore);
    expect(gs.tests.every((t) => t.score === t.max_score)).toBe(true);
    expect(statSync(path.join(results, 'results.json')).size).toBeGreaterThan(100);
  });
});
