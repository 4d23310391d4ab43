// The class gradebook as CSV (RFC 4180): one row per student with the total, each exercise's points, the
// points still to grade by hand, and the run status (ok, timeout, crash, oom, import-error, missing, error)
// with its message. Opens in any spreadsheet; cells that a spreadsheet would run as a formula are defused.
import { byStudent, exerciseColumns, points, runOutcome } from './class-table.ts';
import type { SubmissionResult } from './types.ts';

function cell(v: string | number): string {
  if (typeof v === 'number') return points(v);
  // Student text (folder names, error messages) must not become a formula (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toGradebookCsv(results: readonly SubmissionResult[]): string {
  const cols = exerciseColumns(results);
  const header = ['student', 'total', 'max_score', ...cols.map((c) => c.id), 'manual_to_grade', 'status', 'message'];
  const rows = byStudent(results).map((r) => {
    const ex = new Map(r.exercises.map((x) => [x.id, x]));
    const end = runOutcome(r);
    return [
      r.student,
      r.score,
      r.maxScore,
      ...cols.map((c) => ex.get(c.id)?.score ?? 0),
      r.exercises.reduce((s, x) => s + x.manualMaxScore, 0),
      end.status,
      end.message,
    ].map(cell);
  });
  return `${[header, ...rows].map((row) => row.join(',')).join('\r\n')}\r\n`;
}
