// The class gradebook as CSV (RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote or line
// break quoted, quotes doubled): one row per student with the student's name as given, their folder in the
// output (OUT/<folder>/), the total, each exercise's points, the points still to grade by hand, and the run
// status (ok, timeout, crash, oom, import-error, missing, error) with its message. Opens in any spreadsheet;
// names and messages show control characters escaped, and a cell a spreadsheet would run as a formula is
// defused.
import type { SubmissionResult } from '../types/submission-result.ts';
import { byStudent, exerciseColumns, runOutcome } from './class-table.ts';
import { formatPoints } from './format.ts';
import { displayName } from './safe-text.ts';

function cell(v: string | number): string {
  if (typeof v === 'number') return formatPoints(v);
  // Student text must not become a formula (CSV injection): a leading quote is what spreadsheets take as
  // "this is text" (OWASP's list of triggering first characters).
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toGradebookCsv(results: readonly SubmissionResult[]): string {
  const cols = exerciseColumns(results);
  const header = ['student', 'folder', 'total', 'max_score', ...cols.map((c) => c.id), 'manual_to_grade', 'status', 'message'];
  const rows = byStudent(results).map((r) => {
    const ex = new Map(r.exercises.map((x) => [x.id, x]));
    const end = runOutcome(r);
    return [
      displayName(r.student),
      r.id,
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
