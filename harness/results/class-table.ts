// What the class outputs (gradebook CSV, JUnit XML, Markdown summary) share: the students in a stable order,
// the exercise columns, and messages as one visible line for a cell. Renders what SubmissionResult says;
// never rescores.
import type { SubmissionResult } from '../types/submission-result.ts';
import { visibleText } from './safe-text.ts';

export interface ExerciseColumn {
  id: string;
  title: string;
  maxScore: number;
}

/** Results sorted by student (the gradebook's row order). */
export function byStudent(results: readonly SubmissionResult[]): SubmissionResult[] {
  return [...results].sort((a, b) => (a.student < b.student ? -1 : a.student > b.student ? 1 : 0));
}

/** Every exercise that appears in any result, in first-seen order (results with status missing have none). */
export function exerciseColumns(results: readonly SubmissionResult[]): ExerciseColumn[] {
  const seen = new Map<string, ExerciseColumn>();
  for (const r of results) for (const x of r.exercises) if (!seen.has(x.id)) seen.set(x.id, { id: x.id, title: x.title, maxScore: x.maxScore });
  return [...seen.values()];
}

function shorten(line: string, max: number): string {
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The first line of a message, shortened for a table cell; control characters shown escaped. */
export function firstLine(s: string | undefined, max = 160): string {
  const line = visibleText(s ?? '').split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  return shorten(visibleText(line, { oneLine: true }), max);
}

/** Several lines as one table cell: " · " between them, shortened; control characters shown escaped. */
export function oneLine(s: string | undefined, max = 300): string {
  const line = visibleText(s ?? '').split('\n').map((l) => l.trim()).filter(Boolean).join(' · ');
  return shorten(visibleText(line, { oneLine: true }), max);
}

/**
 * How a student's run ended, for class tables: the run status, or, for a run that ended normally, the
 * first test the submission's process did not survive (a per-test timeout does not change the run status,
 * but an instructor scanning the gradebook wants to see it).
 */
export function runOutcome(r: SubmissionResult): { status: string; message: string } {
  // For a process that died in a test, that test's whole message (the run's holds only its first line).
  const died = r.tests.find((t) => t.status === r.status);
  if (died && (r.status === 'oom' || r.status === 'crash' || r.status === 'timeout')) return { status: r.status, message: oneLine(`${died.id}: ${died.output}`) };
  if (r.status !== 'ok') return { status: r.status, message: oneLine(r.statusMessage) };
  for (const k of ['oom', 'crash', 'timeout'] as const) {
    const t = r.tests.find((x) => x.status === k);
    if (t) return { status: k, message: oneLine(`${t.id}: ${t.output}`) };
  }
  return { status: 'ok', message: '' };
}
