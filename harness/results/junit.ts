// The class run as JUnit XML (the format CI systems display): one <testsuite> per student, one <testcase>
// per graded test. A test that did not pass is a <failure> whose type is its status (failed, timeout, crash,
// oom); a grader problem is an <error>; a skipped test is <skipped/>. A submission that never ran (missing,
// import error) has its tests failed with the run's message. Student names and messages show control
// characters escaped (XML 1.0 cannot hold most of them), then markup is escaped.
import type { SubmissionResult, TestResult } from '../types/submission-result.ts';
import { byStudent, firstLine, runOutcome } from './class-table.ts';
import { decimalSeconds, formatPoints } from './format.ts';
import { displayName, visibleText } from './safe-text.ts';

/** XML 1.0 text: escape markup and drop characters XML cannot carry (whatever visibleText left: U+FFFE, U+FFFF). */
export function xmlEscape(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const body = (s: string) => xmlEscape(visibleText(s));

function testcase(r: SubmissionResult, t: TestResult): string {
  const open = `    <testcase classname="${xmlEscape(`${displayName(r.student)}.${t.exercise}`)}" name="${xmlEscape(`${t.id}: ${t.name}`)}" time="${decimalSeconds(t.durationMs)}">`;
  const score = `<system-out>${xmlEscape(`${formatPoints(t.score)} / ${formatPoints(t.maxScore)} points`)}</system-out>`;
  const msg = xmlEscape(firstLine(t.output, 300) || t.status);
  switch (t.status) {
    case 'passed':
      return `${open}${score}</testcase>`;
    case 'skipped':
      return `${open}<skipped message="${msg}"/>${score}</testcase>`;
    case 'error':
      return `${open}<error type="error" message="${msg}">${body(t.output)}</error>${score}</testcase>`;
    default:
      return `${open}<failure type="${t.status}" message="${msg}">${body(t.output)}</failure>${score}</testcase>`;
  }
}

export function toJUnitXml(results: readonly SubmissionResult[], name = results[0]?.assignment ?? 'dlgrade'): string {
  const count = (r: SubmissionResult, pred: (t: TestResult) => boolean) => r.tests.filter(pred).length;
  const isFailure = (t: TestResult) => t.status !== 'passed' && t.status !== 'skipped' && t.status !== 'error';
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let time = 0;
  const suites = byStudent(results).map((r) => {
    const cases = r.tests.map((t) => testcase(r, t));
    let f = count(r, isFailure);
    const e = count(r, (t) => t.status === 'error');
    let n = r.tests.length;
    if (n === 0 && r.status !== 'ok') {
      // Nothing ran (e.g. no submission folder): one failed case so CI shows it.
      cases.push(`    <testcase classname="${xmlEscape(displayName(r.student))}" name="submission" time="0.000"><failure type="${xmlEscape(r.status)}" message="${xmlEscape(firstLine(r.statusMessage, 300) || r.status)}">${body(r.statusMessage ?? '')}</failure></testcase>`);
      n = 1;
      f = 1;
    }
    tests += n;
    failures += f;
    errors += e;
    time += r.durationMs;
    const props = [
      ['folder', r.id],
      ['score', formatPoints(r.score)],
      ['max_score', formatPoints(r.maxScore)],
      ['status', runOutcome(r).status],
      ['engine', visibleText(r.engine, { oneLine: true })],
    ]
      .map(([k, v]) => `      <property name="${k}" value="${xmlEscape(v ?? '')}"/>`)
      .join('\n');
    return [
      `  <testsuite name="${xmlEscape(displayName(r.student))}" tests="${n}" failures="${f}" errors="${e}" skipped="${count(r, (t) => t.status === 'skipped')}" time="${decimalSeconds(r.durationMs)}" timestamp="${xmlEscape(r.startedAt)}">`,
      `    <properties>\n${props}\n    </properties>`,
      ...cases,
      '  </testsuite>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(name)}" tests="${tests}" failures="${failures}" errors="${errors}" time="${decimalSeconds(time)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
