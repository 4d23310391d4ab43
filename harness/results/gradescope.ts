// SubmissionResult -> Gradescope's autograder results.json
// (https://gradescope-autograders.readthedocs.io/en/latest/specs/#output-format). Renders, never rescores.
import { Ajv } from 'ajv';
import type { SubmissionResult, TestResult } from './types.ts';

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

export interface GradescopeResults {
  score: number;
  execution_time: number;
  output: string;
  output_format: 'text' | 'md';
  test_output_format: 'text' | 'md';
  stdout_visibility: GradescopeVisibility;
  extra_data: Record<string, unknown>;
  tests: GradescopeTest[];
}

const STATUS_LABEL: Partial<Record<TestResult['status'], string>> = {
  timeout: '[time limit exceeded] ',
  crash: '[the submission crashed] ',
  oom: '[memory limit exceeded] ',
  error: '[grader problem, not your fault: tell the course staff] ',
  skipped: '[not run] ',
};

const fmt = (x: number) => String(Math.round(x * 100) / 100);

export function summaryText(r: SubmissionResult): string {
  const lines = [`${r.assignmentTitle ?? r.assignment}: ${fmt(r.score)} / ${fmt(r.maxScore)} points (${r.scope === 'all' ? 'all tests' : 'visible tests only'})`];
  if (r.status !== 'ok') lines.push(`Run status: ${r.status}${r.statusMessage ? ` — ${r.statusMessage}` : ''}`);
  for (const x of r.exercises) {
    const manual = x.manualMaxScore ? ` (+ ${fmt(x.manualMaxScore)} graded by hand)` : '';
    lines.push(`  ${x.id}. ${x.title}: ${fmt(x.score)} / ${fmt(x.maxScore)}${manual}`);
  }
  const missing = r.manual.filter((m) => m.answer === undefined);
  if (missing.length) lines.push(`Written answers not found: ${missing.map((m) => m.id).join(', ')}`);
  lines.push(`Engine: ${r.engine}`);
  return lines.join('\n');
}

export function toGradescope(r: SubmissionResult): GradescopeResults {
  return {
    score: r.score,
    execution_time: Math.round(r.durationMs / 1000),
    output: summaryText(r),
    output_format: 'text',
    test_output_format: 'text',
    // Grader stdout can contain hidden-test details: instructors only.
    stdout_visibility: 'hidden',
    extra_data: { assignment: r.assignment, student: r.student, engine: r.engine, status: r.status, scope: r.scope },
    tests: r.tests.map((t) => ({
      score: t.score,
      max_score: t.maxScore,
      status: t.status === 'passed' ? 'passed' : 'failed',
      name: t.name,
      number: t.id,
      output: `${STATUS_LABEL[t.status] ?? ''}${t.output}`.trim(),
      output_format: 'text',
      tags: [t.exercise, ...(t.tags ?? [])],
      visibility: t.visibility,
    })),
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
