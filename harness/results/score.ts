// Outcomes of the suites (what each vitest test did) + assignment.yaml -> SubmissionResult. The only place
// scores are computed; every output renders this result and never recomputes it.
import { stripVTControlCharacters } from 'node:util';
import { allTests } from '../assignment/load.ts';
import { testIdOfTitle } from '../assignment/test-id.ts';
import type { Assignment, TestSpec } from '../assignment/types.ts';
import type { ArtifactRecord } from '../types/dlgrade-meta.ts';
import type { OutcomeError, SuitesOutcome, TestOutcome } from '../types/suite-outcome.ts';
import { readAnswer } from './answers.ts';
import { studentId } from './student-id.ts';
import type { Artifacts, ExerciseScore, ManualItem, RunStatus, SubmissionResult, TestResult, TestStatus } from '../types/submission-result.ts';

export type Scope = 'visible' | 'all';

/** What running the suites produced (harness/runner/run-suites.ts RunSuitesResult, or a subset). */
export interface RunRecord {
  outcome?: SuitesOutcome;
  timedOut: boolean;
  exitCode: number | null;
  outputTail: string;
}

export interface ScoreInput {
  assignment: Assignment;
  scope: Scope;
  submissionDir: string;
  student: string;
  startedAt: string;
  durationMs: number;
  /** Undefined when the suites did not run (see `notRun`). */
  run?: RunRecord;
  /** Why the suites were not run (e.g. no entry file): every test scores 0 with this message. */
  notRun?: { status: RunStatus; message: string };
  /** The run seed the suites drew inputs from. */
  runSeed?: number;
  /** Engine line when no probe reported one (e.g. the suites never reached the submission). */
  engineFallback?: string;
}

/** Tests of the assignment the scope includes: visible ones for `dlgrade check`, all when grading. */
export function inScope(t: TestSpec, scope: Scope): boolean {
  return scope === 'all' || t.visibility === 'visible';
}

/** Suite folder a test of this visibility must live in (hidden tests never ship to students). */
export function folderFor(t: TestSpec): 'tests/public' | 'tests/hidden' {
  return t.visibility === 'visible' ? 'tests/public' : 'tests/hidden';
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

function errorText(e: OutcomeError): string {
  const name = ['Error', 'GradingFailure', 'ProbeError', 'AssertionError'].includes(e.name) ? '' : `${e.name}: `;
  const diff = e.diff ? `\n${stripVTControlCharacters(e.diff)}` : '';
  return `${name}${stripVTControlCharacters(e.message)}${diff}`;
}

function statusOf(o: TestOutcome): TestStatus {
  if (o.state === 'passed') return 'passed';
  if (o.state === 'skipped' || o.state === 'pending') return 'skipped';
  for (const k of ['oom', 'crash', 'timeout'] as const) if (o.errors.some((e) => e.probeKind === k)) return k;
  // vitest's own per-test limit (the test as a whole, not one call).
  if (o.errors.some((e) => /^Test timed out in \d+ms/.test(e.message))) return 'timeout';
  return 'failed';
}

export function scoreSubmission(input: ScoreInput): SubmissionResult {
  const { assignment: a, scope } = input;
  const warnings: string[] = [];
  const outcome = input.run?.outcome;
  const byId = new Map<string, TestOutcome[]>();
  const specs = new Map(allTests(a).map((t) => [t.id, t]));

  for (const o of outcome?.tests ?? []) {
    const id = testIdOfTitle(o.title);
    if (!id) {
      warnings.push(`${o.file}: test "${o.title}" does not start with an assignment.yaml test id and ": " (not scored)`);
      continue;
    }
    const spec = specs.get(id);
    if (!spec) {
      warnings.push(`${o.file}: test "${o.title}" names "${id}", which is not a test in ${a.file} (not scored)`);
      continue;
    }
    if (!o.file.startsWith(`${folderFor(spec)}/`)) {
      warnings.push(`${o.file}: ${id} is ${spec.visibility} in assignment.yaml, so its test belongs in ${folderFor(spec)}/`);
    }
    byId.set(id, [...(byId.get(id) ?? []), o]);
  }

  const moduleTrouble = (outcome?.moduleErrors ?? []).map((m) => `${m.file}: ${m.errors.map(errorText).join('; ')}`);
  const artifacts: Artifacts = {};
  const flags: Record<string, string[]> = {};
  let engine: string | undefined;
  let graderEngine: string | undefined;

  const tests: TestResult[] = [];
  for (const x of a.exercises) {
    for (const spec of x.tests) {
      if (!inScope(spec, scope)) continue;
      const base = { id: spec.id, name: spec.title, exercise: x.id, maxScore: spec.points, visibility: spec.visibility, ...(spec.tags.length ? { tags: spec.tags } : {}) };
      const found = byId.get(spec.id) ?? [];
      if (input.notRun) {
        tests.push({ ...base, score: 0, status: 'failed', output: input.notRun.message, durationMs: 0 });
        continue;
      }
      if (found.length !== 1) {
        // Not reported at all: cut off by the total limit, lost with a run that ended early, or never written.
        const cutOff = found.length === 0 && !!input.run?.timedOut;
        const endedEarly = found.length === 0 && !cutOff && !!outcome && !outcome.complete;
        const why = found.length
          ? `${found.length} suite tests claim this id (${found.map((o) => o.file).join(', ')}); each yaml test needs exactly one`
          : cutOff
            ? 'not run: the submission used up the total time limit before this test ran'
            : endedEarly
              ? `not run: the test run ended early (exit code ${input.run?.exitCode ?? '?'})`
              : `no suite test for this id in ${folderFor(spec)}/${moduleTrouble.length ? ` (suite files that failed: ${moduleTrouble.join(' | ')})` : ''}`;
        if (!cutOff && !endedEarly) warnings.push(`${spec.id}: ${why}`);
        tests.push({ ...base, score: 0, status: cutOff ? 'timeout' : endedEarly ? 'crash' : 'error', output: why, durationMs: 0 });
        continue;
      }
      const o = found[0]!;
      const meta = o.meta;
      engine ??= meta?.engine;
      graderEngine ??= meta?.graderEngine;
      let status = statusOf(o);
      let score = status === 'passed' ? spec.points : 0;
      const lines = o.errors.map(errorText);
      if (status === 'skipped') {
        warnings.push(`${o.file}: ${spec.id} was skipped (graded tests must run)`);
        lines.push(moduleTrouble.length ? `not run: ${moduleTrouble.join(' | ')}` : 'not run (skipped)');
      }
      if (meta?.partial) {
        if (spec.partial) {
          score = round4(spec.points * meta.partial.fraction);
          if (status === 'passed' && score < spec.points) {
            status = 'failed';
            lines.unshift(`partial credit: ${meta.partial.note}`);
          }
        } else if (meta.partial.fraction < 1) {
          warnings.push(`${spec.id}: the suite awards partial credit but the yaml test has no "partial: true" (ignored)`);
        }
      }
      lines.push(...(meta?.notes ?? []));
      for (const r of meta?.artifacts ?? []) addArtifact(artifacts, r);
      for (const f of meta?.flags ?? []) (flags[f.manual] ??= []).push(`${spec.id}: ${f.message}`);
      tests.push({ ...base, score, status, output: lines.join('\n'), durationMs: o.durationMs });
    }
  }

  const manual: ManualItem[] = a.exercises.flatMap((x) =>
    x.manual.map((m) => {
      const answer = readAnswer(input.submissionDir, m.answer);
      return { id: m.id, exercise: x.id, title: m.title, maxScore: m.points, ...(answer !== undefined ? { answer } : {}), ...(flags[m.id] ? { flags: flags[m.id] } : {}) };
    }),
  );

  const exercises: ExerciseScore[] = a.exercises.map((x) => {
    const mine = tests.filter((t) => t.exercise === x.id);
    return {
      id: x.id,
      title: x.title,
      score: round4(mine.reduce((s, t) => s + t.score, 0)),
      maxScore: round4(mine.reduce((s, t) => s + t.maxScore, 0)),
      manualMaxScore: round4(x.manual.reduce((s, m) => s + m.points, 0)),
    };
  });

  const { status, statusMessage } = runStatus(input, tests);
  if (outcome) for (const e of outcome.unhandledErrors) warnings.push(`unhandled error during the run: ${errorText(e)}`);
  return {
    assignment: a.id,
    assignmentTitle: a.title,
    course: a.course,
    student: input.student,
    id: studentId(input.student),
    // The submission's code ran on one engine (the sandbox), the grader's checks and trainings on another.
    engine: `${engine ?? input.engineFallback ?? 'unknown (no probe reached the submission)'}${graderEngine && graderEngine !== engine ? `; grader: ${graderEngine}` : ''}`,
    status,
    ...(statusMessage ? { statusMessage } : {}),
    score: round4(tests.reduce((s, t) => s + t.score, 0)),
    maxScore: round4(tests.reduce((s, t) => s + t.maxScore, 0)),
    exercises,
    tests,
    manual,
    artifacts,
    startedAt: input.startedAt,
    durationMs: input.durationMs,
    ...(input.runSeed !== undefined ? { runSeed: input.runSeed } : {}),
    scope,
    ...(warnings.length ? { warnings } : {}),
  };
}

function addArtifact(into: Artifacts, r: ArtifactRecord): void {
  // One switch arm per kind keeps the element type tied to its list.
  switch (r.kind) {
    case 'models': (into.models ??= []).push(r.value); break;
    case 'shapeTable': (into.shapeTable ??= []).push(r.value); break;
    case 'curves': (into.curves ??= []).push(r.value); break;
    case 'confusion': (into.confusion ??= []).push(r.value); break;
    case 'leaderboard': (into.leaderboard ??= []).push(r.value); break;
    case 'series': (into.series ??= []).push(r.value); break;
    case 'images': (into.images ??= []).push(r.value); break;
    case 'bars': (into.bars ??= []).push(r.value); break;
    case 'scatter': (into.scatter ??= []).push(r.value); break;
  }
}

function runStatus(input: ScoreInput, tests: TestResult[]): { status: RunStatus; statusMessage?: string } {
  if (input.notRun) return { status: input.notRun.status, statusMessage: input.notRun.message };
  const run = input.run;
  if (run?.timedOut) return { status: 'timeout', statusMessage: `the suites did not finish within the total time limit; tests not reached score 0` };
  if (!run?.outcome) {
    return { status: 'error', statusMessage: `the grader's test run failed to start or report (exit ${run?.exitCode ?? '?'}): ${stripVTControlCharacters(run?.outputTail ?? '').trim().split('\n').slice(-15).join('\n')}` };
  }
  const errs = run.outcome.tests.flatMap((t) => t.errors).filter((e) => e.probeKind === 'import-error');
  const importErr = errs.find((e) => e.name === 'ProbeError') ?? errs[0];
  if (importErr) return { status: 'import-error', statusMessage: stripVTControlCharacters(importErr.message) };
  for (const k of ['oom', 'crash'] as const) {
    const t = tests.find((x) => x.status === k);
    if (t) return { status: k, statusMessage: `${t.id}: ${t.output.split('\n')[0]}` };
  }
  if (!run.outcome.complete) return { status: 'error', statusMessage: 'the test run ended before reporting all tests' };
  return { status: 'ok' };
}
