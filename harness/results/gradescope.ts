// SubmissionResult -> Gradescope's autograder results.json
// (https://gradescope-autograders.readthedocs.io/en/latest/specs/#output-format). Renders, never rescores.
import { Ajv } from 'ajv';
import type { LeaderboardOrder, SubmissionResult, TestResult, Visibility } from '../types/submission-result.ts';
import { formatDuration, formatPoints, formatTimestamp } from './format.ts';
import { latenessOf, type SubmissionTiming } from './gradescope-metadata.ts';
import { valueOrder } from './leaderboard-order.ts';

export type GradescopeVisibility = 'hidden' | 'after_due_date' | 'after_published' | 'visible';

export interface GradescopeTest {
  score: number;
  max_score: number;
  status: 'passed' | 'failed';
  name: string;
  number: string;
  output: string;
  output_format: 'text' | 'md';
  tags: string[];
  visibility: GradescopeVisibility;
}

/** One column of Gradescope's leaderboard (https://gradescope-autograders.readthedocs.io/en/latest/leaderboards/). */
export interface GradescopeLeaderboardEntry {
  name: string;
  value: number;
  order: LeaderboardOrder;
}

export interface GradescopeResults {
  score: number;
  execution_time: number;
  output: string;
  output_format: 'text' | 'md';
  test_output_format: 'text' | 'md';
  stdout_visibility: GradescopeVisibility;
  extra_data: Record<string, unknown>;
  tests: GradescopeTest[];
  leaderboard?: GradescopeLeaderboardEntry[];
}

export interface GradescopeOptions {
  /** From submission_metadata.json (`dlgrade grade --gradescope-metadata`): when it was made and due. */
  timing?: SubmissionTiming;
}

const STATUS_LABEL: Partial<Record<TestResult['status'], string>> = {
  timeout: '[time limit exceeded] ',
  crash: '[the submission crashed] ',
  oom: '[memory limit exceeded] ',
  error: '[grader problem, not your fault: tell the course staff] ',
  skipped: '[not run] ',
};

export function summaryText(r: SubmissionResult, timing?: SubmissionTiming): string {
  const lines = [`${r.assignmentTitle ?? r.assignment}: ${formatPoints(r.score)} / ${formatPoints(r.maxScore)} points (${r.scope === 'all' ? 'all tests' : 'visible tests only'})`];
  if (timing) lines.push(submissionLine(timing, r.tests.some((t) => t.visibility === 'after_due_date')));
  if (r.status !== 'ok') lines.push(`Run status: ${r.status}${r.statusMessage ? ` — ${r.statusMessage}` : ''}`);
  for (const x of r.exercises) {
    const manual = x.manualMaxScore ? ` (+ ${formatPoints(x.manualMaxScore)} graded by hand)` : '';
    lines.push(`  ${x.id}. ${x.title}: ${formatPoints(x.score)} / ${formatPoints(x.maxScore)}${manual}`);
  }
  const missing = r.manual.filter((m) => m.answer === undefined);
  if (missing.length) lines.push(`Written answers not found: ${missing.map((m) => m.id).join(', ')}`);
  // ManualItem.flags are for the human grader: kept in dlgrade.json, never written here.
  lines.push(`Engine: ${r.engine}`);
  return lines.join('\n');
}

/** "Submitted ..., 2 h after the due date (...)": what the student reads about their submission's time. */
export function submissionLine(t: SubmissionTiming, hasAfterDueTests: boolean): string {
  const at = `Submitted ${formatTimestamp(t.submittedAt)}`;
  const due = `the due date (${formatTimestamp(t.dueDate)}${t.extended ? ', your extension' : ''})`;
  const late = t.lateDueDate ? `the late due date (${formatTimestamp(t.lateDueDate)})` : '';
  const shown = hasAfterDueTests ? ' Tests released after the due date are shown.' : '';
  switch (latenessOf(t)) {
    case 'on-time':
      return `${at}, before ${due}.`;
    case 'after-due-date':
      return `${at}, ${formatDuration(t.submittedAt.getTime() - t.dueDate.getTime())} after ${due}${late ? `, before ${late}` : ''}.${shown}`;
    case 'after-late-due-date':
      return `${at}, ${formatDuration(t.submittedAt.getTime() - t.lateDueDate!.getTime())} after ${late}; ${due} had passed.${shown}`;
  }
}

/**
 * A test's visibility in results.json: an `after_due_date` test of a submission made after its (extended)
 * due date is `visible` (the date has passed for this student); everything else as the yaml says.
 */
export function visibilityFor(v: Visibility, timing?: SubmissionTiming): Visibility {
  return v === 'after_due_date' && timing && latenessOf(timing) !== 'on-time' ? 'visible' : v;
}

/**
 * Gradescope's leaderboard from the result's `leaderboard` artifacts: one column per board and value,
 * named "board: value", ordered as the artifact declares (leaderboard-order.ts). Non-finite values are left
 * out (JSON cannot carry them); no artifact, no field.
 */
export function gradescopeLeaderboard(r: SubmissionResult): GradescopeLeaderboardEntry[] | undefined {
  const out: GradescopeLeaderboardEntry[] = [];
  for (const e of r.artifacts.leaderboard ?? []) {
    for (const [key, value] of Object.entries(e.values)) {
      if (Number.isFinite(value)) out.push({ name: `${e.board}: ${key}`, value, order: valueOrder(e, key) });
    }
  }
  return out.length ? out : undefined;
}

export function toGradescope(r: SubmissionResult, opts: GradescopeOptions = {}): GradescopeResults {
  const { timing } = opts;
  const leaderboard = gradescopeLeaderboard(r);
  return {
    score: r.score,
    execution_time: Math.round(r.durationMs / 1000),
    output: summaryText(r, timing),
    output_format: 'text',
    test_output_format: 'text',
    // Grader stdout can contain hidden-test details: instructors only.
    stdout_visibility: 'hidden',
    extra_data: {
      assignment: r.assignment,
      student: r.student,
      engine: r.engine,
      status: r.status,
      scope: r.scope,
      ...(r.runSeed !== undefined ? { runSeed: r.runSeed } : {}),
      ...(timing
        ? {
            submittedAt: timing.submittedAt.toISOString(),
            dueDate: timing.dueDate.toISOString(),
            ...(timing.lateDueDate ? { lateDueDate: timing.lateDueDate.toISOString() } : {}),
            extended: timing.extended,
            lateness: latenessOf(timing),
          }
        : {}),
    },
    tests: r.tests.map((t) => ({
      score: t.score,
      max_score: t.maxScore,
      status: t.status === 'passed' ? 'passed' : 'failed',
      name: t.name,
      number: t.id,
      output: `${STATUS_LABEL[t.status] ?? ''}${t.output}`.trim(),
      output_format: 'text',
      tags: [t.exercise, ...(t.tags ?? [])],
      visibility: visibilityFor(t.visibility, timing),
    })),
    ...(leaderboard ? { leaderboard } : {}),
  };
}

/** JSON Schema of the results.json fields we write (Gradescope's spec), for tests and `dlgrade` self-checks. */
export const gradescopeSchema = {
  type: 'object',
  required: ['score', 'tests'],
  properties: {
    score: { type: 'number', minimum: 0 },
    execution_time: { type: 'number', minimum: 0 },
    output: { type: 'string' },
    output_format: { enum: ['text', 'html', 'simple_format', 'md', 'ansi'] },
    test_output_format: { enum: ['text', 'html', 'simple_format', 'md', 'ansi'] },
    visibility: { enum: ['hidden', 'after_due_date', 'after_published', 'visible'] },
    stdout_visibility: { enum: ['hidden', 'after_due_date', 'after_published', 'visible'] },
    extra_data: { type: 'object' },
    leaderboard: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'value'],
        properties: { name: { type: 'string' }, value: { type: 'number' }, order: { enum: ['asc', 'desc'] } },
      },
    },
    tests: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['max_score', 'name'],
        properties: {
          score: { type: 'number', minimum: 0 },
          max_score: { type: 'number', minimum: 0 },
          status: { enum: ['passed', 'failed'] },
          name: { type: 'string' },
          name_format: { enum: ['text', 'html', 'simple_format', 'md', 'ansi'] },
          number: { type: 'string' },
          output: { type: 'string' },
          output_format: { enum: ['text', 'html', 'simple_format', 'md', 'ansi'] },
          tags: { type: 'array', items: { type: 'string' } },
          visibility: { enum: ['hidden', 'after_due_date', 'after_published', 'visible'] },
          extra_data: { type: 'object' },
        },
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true }).compile(gradescopeSchema);

/** Problems with a results.json object ([] when it follows the spec; also checks score <= max_score). */
export function gradescopeProblems(json: unknown): string[] {
  const out = validate(json) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
  const tests = (json as Partial<GradescopeResults>).tests ?? [];
  tests.forEach((t, i) => {
    if (t.score > t.max_score + 1e-9) out.push(`/tests/${i} score ${t.score} exceeds max_score ${t.max_score}`);
  });
  return out;
}
