// A Markdown summary of a class run, written for a CI job summary ($GITHUB_STEP_SUMMARY): the score
// distribution, how many runs ended how (ok, timeout, crash, ...), every student's row, each test's pass
// rate, and the students whose run did not end normally with the reason. GitHub renders it (GFM, HTML
// allowed), so text from students (names, messages, the engine line their process reported) goes into
// code spans, where nothing is a link, markup or HTML; the assignment's own text is escaped.
import type { SubmissionResult } from '../types/submission-result.ts';
import { byStudent, exerciseColumns, runOutcome } from './class-table.ts';
import { formatDuration, formatPercent, formatPoints } from './format.ts';
import { displayName, visibleText } from './safe-text.ts';

/** The assignment's own text (titles, test ids) on one line, Markdown's inline punctuation escaped. */
export function md(s: string): string {
  return visibleText(s.replace(/[\r\n]+/g, ' '), { oneLine: true }).replace(/[\\`*_[\]<>|~!&#]/g, '\\$&');
}

/**
 * Untrusted text as an inline code span: shown as written, never a link (GFM does not look for autolinks
 * in code), emphasis or HTML. The fence is longer than any run of backticks inside. In a table cell every
 * pipe is escaped: GFM splits cells before it reads code spans, reading `\x` as a pair, and turns `\|`
 * back into `|`. So a pipe gets an odd run of backslashes in front (an odd run already there shows one more
 * backslash than it had; displayName's doubled backslashes show exactly).
 */
export function mdCode(s: string, opts: { inTable?: boolean } = {}): string {
  const text = visibleText(s, { oneLine: true });
  if (text === '') return '';
  const fence = '`'.repeat(Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  // CommonMark strips one space from each end of a padded span, so padding keeps edge spaces and backticks.
  const pad = /^[` ]|[` ]$/.test(text) ? ' ' : '';
  const body = opts.inTable ? text.replace(/(\\*)\|/g, (_, run: string) => `${run}${run.length % 2 ? '\\' : ''}\\|`) : text;
  return `${fence}${pad}${body}${pad}${fence}`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? 0 : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}


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
    `**${rows.length} student${rows.length === 1 ? '' : 's'}** · mean ${formatPoints(mean)} / ${formatPoints(max)} (${formatPercent(mean, max)}) · median ${formatPoints(median(totals))} · min ${formatPoints(Math.min(...totals))} · max ${formatPoints(Math.max(...totals))}` +
      (opts.durationMs !== undefined ? ` · ${formatDuration(opts.durationMs)}` : ''),
    '',
  );
  const ends = new Map(rows.map((r) => [r, runOutcome(r)]));
  const statusCount = new Map<string, number>();
  for (const r of rows) statusCount.set(ends.get(r)!.status, (statusCount.get(ends.get(r)!.status) ?? 0) + 1);
  out.push(`Runs: ${[...statusCount].map(([s, n]) => `${n} ${s}`).join(' · ')}`, '');
  const engines = [...new Set(rows.map((r) => r.engine).filter((e) => !e.startsWith('unknown')))];
  // The engine line is reported by the submission's own process: untrusted.
  if (engines.length) out.push(`Engine: ${engines.map((e) => mdCode(e)).join('; ')}`, '');

  const cols = exerciseColumns(rows);
  out.push(`| Student | Total | ${cols.map((c) => `${md(c.id)} (${formatPoints(c.maxScore)})`).join(' | ')} | Status |`);
  out.push(`|---|---:|${cols.map(() => '---:|').join('')}---|`);
  for (const r of rows) {
    const ex = new Map(r.exercises.map((x) => [x.id, x.score]));
    const name = mdCode(displayName(r.student), { inTable: true });
    out.push(`| ${name} | ${formatPoints(r.score)} / ${formatPoints(r.maxScore)} | ${cols.map((c) => formatPoints(ex.get(c.id) ?? 0)).join(' | ')} | ${ends.get(r)!.status === 'ok' ? 'ok' : `**${ends.get(r)!.status}**`} |`);
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
      out.push(`| ${md(`${id}: ${e.name}`)} | ${e.passed} / ${e.total} | ${formatPercent(e.passed, e.total)} | ${md(not)} |`);
    }
    out.push('');
  }

  const problems = rows.filter((r) => ends.get(r)!.status !== 'ok');
  if (problems.length) {
    out.push('### Runs that did not end normally', '');
    for (const r of problems) out.push(`- ${mdCode(displayName(r.student))} — ${ends.get(r)!.status}: ${mdCode(ends.get(r)!.message)}`);
    out.push('');
  }
  return `${out.join('\n')}`;
}
