// The terminal summary of a SubmissionResult: per exercise earned/possible, then each failure with its
// message (what was expected, what came, where to look). Messages come from the submission's run: they are
// printed as visible text, with no escape sequence or CI workflow command left live.
import { formatDuration, formatPoints } from '../results/format.ts';
import { terminalText } from '../results/safe-text.ts';
import type { SubmissionResult } from '../types/submission-result.ts';

export function formatResult(r: SubmissionResult, opts: { color?: boolean; showWarnings?: boolean } = {}): string {
  const c = (code: number, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out: string[] = [];
  out.push(c(1, `${r.assignmentTitle ?? r.assignment} — ${r.scope === 'all' ? 'all tests' : 'visible tests'}`));
  // When the submission did not load at all, say why once instead of under every test.
  const whole = r.status === 'import-error' || r.status === 'missing';
  if (r.status !== 'ok') out.push(c(31, indent(terminalText(`  Run status: ${r.status}${r.statusMessage ? `: ${r.statusMessage}` : ''}`), '    ')));
  for (const x of r.exercises) {
    if (!x.maxScore && !x.manualMaxScore) continue;
    const ok = x.score >= x.maxScore;
    const manual = x.manualMaxScore ? c(2, `  (+${formatPoints(x.manualMaxScore)} graded by hand)`) : '';
    out.push(`  ${c(ok ? 32 : 31, ok ? '✓' : '✗')} ${x.id}. ${x.title}: ${formatPoints(x.score)}/${formatPoints(x.maxScore)}${manual}`);
    for (const t of r.tests.filter((t) => t.exercise === x.id && t.status !== 'passed')) {
      out.push(`      ${c(31, `✗ ${t.id}`)} ${t.name} (${formatPoints(t.score)}/${formatPoints(t.maxScore)}${t.status !== 'failed' ? `, ${t.status}` : ''})`);
      if (!whole) for (const line of terminalText(t.output).split('\n')) if (line) out.push(`          ${line}`);
    }
  }
  const missing = r.manual.filter((m) => m.answer === undefined);
  if (missing.length) out.push(c(33, `  Written answers not found (answers.md headings): ${missing.map((m) => m.id).join(', ')}`));
  out.push(c(1, `  Total: ${formatPoints(r.score)}/${formatPoints(r.maxScore)}`) + c(2, `   (${terminalText(r.engine)}; ${formatDuration(r.durationMs)}${r.runSeed !== undefined ? `; run seed ${r.runSeed}` : ''})`));
  if (opts.showWarnings && r.warnings?.length) {
    out.push(c(33, '  Assignment warnings (for its authors):'));
    for (const w of r.warnings) out.push(c(33, `    - ${terminalText(w)}`));
  }
  return out.join('\n');
}

function indent(text: string, by: string): string {
  return text.split('\n').join(`\n${by}`);
}
