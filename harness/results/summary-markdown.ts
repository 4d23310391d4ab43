// A Markdown summary of a class run, written for a CI job summary ($GITHUB_STEP_SUMMARY): the score
// distribution, how many runs ended how (ok, timeout, crash, ...), every student's row, each test's pass
// rate, and the students whose run did not end normally with the reason.
import { byStudent, exerciseColumns, points, runOutcome } from './class-table.ts';
import type { SubmissionResult } from './types.ts';

/** A Markdown table cell: no pipes or line breaks from the data. */
function md(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/([<>])/g, '\\$1');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? 0 : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const pct = (x: number, of: number) => (of > 0 ? `${Math.round((100 * x) / of)}%` : '–');

export interface SummaryOptions {
  /** e.g. "shard 2/4"; shown in the heading. */
  scopeNote?: string;
  /** Wall-clock of the run, when known. */
  durationMs?: number;
}

export function toSummaryMarkdown(results: readonly SubmissionResult[], opts: SummaryOptions = {}): string {
  const rows = byStudent(results);
  const first = rows[0];
  const title = first ? `${first.assignmentTitle ?? first.assignment}${first.course ? ` (${first.course})` : ''}` : 'dlgrade';
  const out: string[] = [`## dlgrade: ${md(title)}${opts.scopeNote ? ` — ${md(opts.scopeNote)}` : ''}`, ''];
  if (!rows.length) return `${out.join('\n')}No submissions graded.\n`;

  const max = Math.max(...rows.map((r) => r.maxScore));
  const totals = rows.map((r) => r.score);
  const mean = totals.reduce((a, b) => a + b, 0) / totals.length;
  out.push(
    `**${rows.length} student${rows.length === 1 ? '' : 's'}** · mean ${points(mean)} / ${points(max)} (${pct(mean, max)}) · median ${points(median(totals))} · min ${points(Math.min(...totals))} · max ${points(Math.max(...totals))}` +
      (opts.durationMs !== undefined ? ` · ${(opts.durationMs / 1000).toFixed(0)} s` : ''),
    '',
  );
  const ends = new Map(rows.map((r) => [r, runOutcome(r)]));
  const statusCount = new Map<string, number>();
  for (const r of rows) statusCount.set(ends.get(r)!.status, (statusCount.get(ends.get(r)!.status) ?? 0) + 1);
  out.push(`Runs: ${[...statusCount].map(([s, n]) => `${n} ${s}`).join(' · ')}`, '');
  const engines = [...new Set(rows.map((r) => r.engine).filter((e) => !e.startsWith('unknown')))];
  if (engines.length) out.push(`Engine: ${md(engines.join('; '))}`, '');

  const cols = exerciseColumns(rows);
  out.push(`| Student | Total | ${cols.map((c) => `${md(c.id)} (${points(c.maxScore)})`).join(' | ')} | Status |`);
  out.push(`|---|---:|${cols.map(() => '---:|').join('')}---|`);
  for (const r of rows) {
    const ex = new Map(r.exercises.map((x) => [x.id, x.score]));
    out.push(`| ${md(r.student)} | ${points(r.score)} / ${points(r.maxScore)} | ${cols.map((c) => points(ex.get(c.id) ?? 0)).join(' | ')} | ${ends.get(r)!.status === 'ok' ? 'ok' : `**${ends.get(r)!.status}**`} |`);
  }
  out.push('');

  const tests = new Map<string, { name: string; passed: number; total: number; statuses: Map<string, number> }>();
  for (const r of rows) {
    for (const t of r.tests) {
      const e = tests.get(t.id) ?? { name: t.name, passed: 0, total: 0, statuses: new Map<string, number>() };
      e.total++;
      if (t.status === 'passed') e.passed++;
      else e.statuses.set(t.status, (e.statuses.get(t.status) ?? 0) + 1);
      tests.set(t.id, e);
    }
  }
  if (tests.size) {
    out.push('### Tests', '', '| Test | Passed | Rate | Did not pass |', '|---|---:|---:|---|');
    for (const [id, e] of tests) {
      const not = [...e.statuses].map(([s, n]) => `${n} ${s}`).join(', ');
      out.push(`| ${md(`${id}: ${e.name}`)} | ${e.passed} / ${e.total} | ${pct(e.passed, e.total)} | ${md(not)} |`);
    }
    out.push('');
  }

  const problems = rows.filter((r) => ends.get(r)!.status !== 'ok');
  if (problems.length) {
    out.push('### Runs that did not end normally', '');
    for (const r of problems) out.push(`- **${md(r.student)}** — ${ends.get(r)!.status}: ${md(ends.get(r)!.message)}`);
    out.push('');
  }
  return `${out.join('\n')}`;
}
