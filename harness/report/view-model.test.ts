import { beforeAll, describe, expect, test } from 'vitest';
import type { SubmissionResult } from '../types/submission-result.ts';
import { studentId } from '../results/student-id.ts';
import { loadResults } from './load-results.ts';
import { FIXTURE_RESULTS_DIR } from './synthetic-class.ts';
import { buildClassReport, buildClassView, buildStudentView, commonFailures, failureKey, passRates, scoreHistogram } from './view-model.ts';

let a2: SubmissionResult[];
let all: SubmissionResult[];
const byName = (name: string): SubmissionResult => a2.find((r) => r.student === name)!;

beforeAll(async () => {
  all = (await loadResults(FIXTURE_RESULTS_DIR)).map((l) => l.result);
  a2 = all.filter((r) => r.assignment === 'csci5501-a2');
});

describe('class aggregates are counts of stored results', () => {
  test('histogram: one bin per student, a full score lands in the last bin, zero in the first', () => {
    const bins = scoreHistogram(a2);
    expect(bins).toHaveLength(10);
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(a2.length);
    const full = a2.filter((r) => r.score === r.maxScore).length;
    const zero = a2.filter((r) => r.score === 0).length;
    expect(full).toBeGreaterThan(0);
    expect(zero).toBeGreaterThan(0);
    expect(bins[9]!.bin).toBe('90–100');
    expect(bins[9]!.count).toBeGreaterThanOrEqual(full);
    expect(bins[0]!.count).toBeGreaterThanOrEqual(zero);
  });

  test('pass rate per test counts students whose test status is passed', () => {
    const rates = passRates(a2);
    const ids = [...new Set(a2.flatMap((r) => r.tests.map((t) => t.id)))];
    expect(rates.map((r) => r.test.id)).toEqual(ids);
    for (const r of rates) {
      const statuses = a2.map((s) => s.tests.find((t) => t.id === r.test.id)?.status);
      expect(r.total).toBe(statuses.filter((s) => s !== undefined).length);
      expect(r.passed).toBe(statuses.filter((s) => s === 'passed').length);
    }
  });

  test('common failures group messages that differ only in numbers, and leave timeouts/crashes to their section', () => {
    const failures = commonFailures(a2);
    const table = failures.filter((f) => f.test.id === 'B.shapes.table');
    // chen-wei (3 wrong cells) and dana-silva (1 wrong cell) hit the same failure.
    expect(table).toHaveLength(1);
    expect(table[0]!.students.sort()).toEqual(['chen-wei', 'dana-silva']);
    // B.params failed two different ways: a model that cannot be built, and a wrong parameter count.
    const params = failures.filter((f) => f.test.id === 'B.params');
    expect(params.map((f) => f.students)).toEqual([['chen-wei'], ['farah-haddad']]);
    expect(failureKey('has 134,922 parameters; expected 535,818.\nLayer dense')).toBe(failureKey('has 660,490 parameters; expected 3,805,450.'));
    expect(failures.every((f) => f.status === 'failed' || f.status === 'error')).toBe(true);
    expect(failures.flatMap((f) => f.students)).not.toContain('eli-novak');
    for (let i = 1; i < failures.length; i++) expect(failures[i - 1]!.students.length).toBeGreaterThanOrEqual(failures[i]!.students.length);
  });

  test('class view: incidents list the crashed run once and each test that timed out', async () => {
    const view = await buildClassView(a2, { audience: 'instructor' });
    const eli = view.incidents.filter((i) => i.student === 'eli-novak');
    expect(eli).toHaveLength(1);
    expect(eli[0]!.where).toBe('whole run');
    expect(eli[0]!.message).toContain('SyntaxError');
    const dana = view.incidents.filter((i) => i.student === 'dana-silva').map((i) => i.where);
    expect(dana).toEqual(['whole run', 'C.train.loss-decreases', 'D.convergence.mnist-fc']);
    expect(view.studentCount).toBe(6);
    expect(view.students.map((s) => s.student)).toEqual([...a2.map((r) => r.student)].sort());
    expect(view.engines).toEqual([{ engine: a2[0]!.engine, count: 6, who: 'every student' }]);
    expect(view.hasLeaderboards).toBe(false);
    expect(view.histogram).toContain('<svg');
  });

  test('leaderboard: ranked by accuracy, highest first, with a chart', async () => {
    const fvc = all.filter((r) => r.assignment === 'fc-vs-conv');
    const view = await buildClassView(fvc, { audience: 'instructor' });
    expect(view.leaderboards).toHaveLength(1);
    const board = view.leaderboards[0]!;
    expect(board.columns).toEqual(['params', 'accuracy']);
    const acc = fvc.map((r) => ({ s: r.student, a: r.artifacts.leaderboard![0]!.values.accuracy! })).sort((x, y) => y.a - x.a);
    expect(board.rows.map((r) => r.student)).toEqual(acc.map((x) => x.s));
    expect(board.rows[0]!.values[1]).toBe(`${(acc[0]!.a * 100).toFixed(1)}%`);
    expect(board.hasChart).toBe(true);
  });

  test('assignment title and authoring warnings: shown to instructors, counted once per result, hidden from students', async () => {
    const fvc = all.filter((r) => r.assignment === 'fc-vs-conv');
    const withWarnings = fvc.filter((r) => (r.warnings ?? []).length > 0);
    expect(withWarnings.length).toBeGreaterThan(0);
    const view = await buildClassView(fvc, { audience: 'instructor' });
    expect(view.warnings).toEqual([{ text: withWarnings[0]!.warnings![0]!, count: withWarnings.length }]);
    expect((await buildClassView(fvc, { audience: 'student' })).hasWarnings).toBe(false);
    const a2view = await buildClassView(a2, { audience: 'instructor' });
    expect(a2view.assignmentTitle).toBe(`${a2[0]!.assignmentTitle} · ${a2[0]!.course}`);
    expect(view.assignmentTitle).toBe('');
  });

  test('results of two assignments become two classes; mixing them in one class is refused', async () => {
    const report = await buildClassReport(all, { audience: 'instructor' });
    expect(report.classes.map((c) => c.assignment)).toEqual(['csci5501-a2', 'fc-vs-conv']);
    await expect(buildClassView(all, { audience: 'instructor' })).rejects.toThrow(/mixed; group by assignment first/);
  });
});

describe('student view renders what is stored', () => {
  test('scores are the stored ones, even when they disagree with the tests', async () => {
    const r = structuredClone(byName('ben-tran'));
    r.score = 61.5; // e.g. a late-penalty adjustment made by grading: the report must not "fix" it
    r.exercises[0]!.score = 4;
    const v = await buildStudentView(r, { audience: 'instructor' });
    expect(v.score).toBe('61.5');
    expect(v.exercises[0]!.score).toBe('4');
  });

  test('model summary marks layers whose trainable count differs from the expected one', async () => {
    const v = await buildStudentView(byName('ben-tran'), { audience: 'instructor' });
    const fc = v.models[0]!;
    expect(fc.wrongLayers).toBe(1);
    expect(fc.layers.find((l) => l.wrong)).toMatchObject({ name: 'dense', trainable: '1,024', expected: '401,920', outputShape: '(None, 28, 28, 512)' });
    expect(fc.totalWrong).toBe(true);
    expect(v.models[1]!.totalWrong).toBe(false);
  });

  test('shape table marks the wrong cells', async () => {
    const v = await buildStudentView(byName('chen-wei'), { audience: 'instructor' });
    expect(v.shapeWrong).toBe(3);
    expect(v.shapeTable.filter((s) => !s.correct).map((s) => s.submitted)).toEqual(['(16, 16, 24)', '48', '64']);
  });

  test('curves get a chart each, with best epoch and stop in the caption (1-based)', async () => {
    const r = byName('ada-okafor');
    const v = await buildStudentView(r, { audience: 'instructor' });
    expect(v.curves).toHaveLength(r.artifacts.curves!.length);
    const c = r.artifacts.curves![0]!;
    expect(v.curves[0]!.caption).toContain(`best epoch ${c.bestEpoch! + 1}`);
    expect(v.curves[0]!.caption).toContain(`early stopping after epoch ${c.stoppedEpoch! + 1}`);
    expect(v.confusion).toHaveLength(1);
  });

  test('for students, hidden tests keep their score but not their message', async () => {
    const r = byName('farah-haddad');
    const hidden = r.tests.find((t) => t.visibility === 'hidden' && t.output !== '')!;
    const forStudent = await buildStudentView(r, { audience: 'student' });
    const forInstructor = await buildStudentView(r, { audience: 'instructor' });
    const find = (v: typeof forStudent) => v.exercises.flatMap((e) => e.tests).find((t) => t.id === hidden.id)!;
    expect(find(forStudent)).toMatchObject({ output: '', withheld: true, score: String(hidden.score) });
    expect(find(forInstructor).output).toBe(hidden.output.trim());
  });

  test('manual items: answers carried, missing ones flagged, a stored grade shown', async () => {
    const v = await buildStudentView(byName('farah-haddad'), { audience: 'instructor' });
    const e1 = v.manual.find((m) => m.id === 'E.1')!;
    expect(e1.hasAnswer).toBe(false);
    const d1 = v.manual.find((m) => m.id === 'D.1')!;
    expect(d1).toMatchObject({ hasAnswer: true, graded: true, score: '6', maxScore: '8' });
  });
});

describe('evidence on student pages and for graders', () => {
  const fvcOf = (name: string): SubmissionResult => all.find((r) => r.assignment === 'fc-vs-conv' && r.student === name)!;

  test('run seed in the header; the new artifact kinds each get a figure with a caption', async () => {
    const ben = fvcOf('ben-tran');
    const v = await buildStudentView(ben, { audience: 'instructor' });
    expect(v.runSeed).toBe(String(ben.runSeed));
    expect(v.scatter).toHaveLength(1);
    expect(v.scatter[0]!.caption).toBe('2 points · baseline (diamond): SimpleMLP · Pareto front (fewer trainable parameters, higher held-out accuracy (%); ringed, step line): your ConvNet');
    expect(v.bars[0]!.caption).toBe('10 categories · sorted by your ConvNet, highest first');
    expect(v.confusion[0]!.caption).toContain('cells and shade: share of the row (rows normalised; the counts stay in the results)');
    const withEvidence = (await import('./synthetic-evidence.ts')).withEvidence([byName('ada-okafor')])[0]!;
    const e = await buildStudentView(withEvidence, { audience: 'instructor' });
    expect(e.series.map((s) => s.caption)).toEqual(['2 lines · 50 points', '2 lines · 50 points · log scale']);
    expect(e.hasCurves).toBe(true);
    expect(e.images.map((i) => i.caption)).toEqual([
      '32 images · one channel: blue negative, white zero, red positive · each image on its own range',
      '32 images · one channel: blue negative, white zero, red positive · each image on its own range',
      '3 images · one channel: grey, low dark · each image on its given range',
      '12 images · three channels: RGB · each image on its given range',
    ]);
  });

  test('manual flags: shown to the instructor with the item and in the header, never to the student', async () => {
    const ben = fvcOf('ben-tran');
    const forInstructor = await buildStudentView(ben, { audience: 'instructor' });
    expect(forInstructor.manual[0]!.flags).toEqual(ben.manual[0]!.flags);
    expect(forInstructor.flagged).toBe('B.write-up (1)');
    const forStudent = await buildStudentView(ben, { audience: 'student' });
    expect([forStudent.manual[0]!.flags, forStudent.flagged]).toEqual([[], '']);
    const fvc = all.filter((r) => r.assignment === 'fc-vs-conv');
    expect((await buildClassView(fvc, { audience: 'instructor' })).flags).toEqual([{ student: 'ben-tran', anchor: 's-fc-vs-conv-ben-tran', item: 'B.write-up', message: ben.manual[0]!.flags![0]! }]);
    expect((await buildClassView(fvc, { audience: 'student' })).hasFlags).toBe(false);
  });

  test('leaderboard: the declared order ranks the board; the chart has the Pareto front; class figures aggregate the scatter', async () => {
    const fvc = all.filter((r) => r.assignment === 'fc-vs-conv').map((r) => structuredClone(r));
    // Declared: fewer parameters first (the opposite of accuracy-first), so the board ranks by params.
    for (const r of fvc) r.artifacts.leaderboard![0]!.order = { params: 'desc', accuracy: 'asc' };
    const flipped = (await buildClassView(fvc, { audience: 'instructor' })).leaderboards[0]!;
    expect(flipped.sortedBy).toBe('params (highest first)');
    const view = await buildClassView(all.filter((r) => r.assignment === 'fc-vs-conv'), { audience: 'instructor' });
    const board = view.leaderboards[0]!;
    expect(board.sortedBy).toBe('accuracy (highest first)');
    expect(board.chartCaption).toBe('Pareto front (fewer params, higher accuracy; ringed, step line): ada-okafor');
    expect(view.figures.map((f) => f.title)).toEqual([
      'Held-out accuracy against trainable parameters · the class',
      'Per-class held-out accuracy of your ConvNet · class mean',
      'Your ConvNet: held-out confusion matrix · class mean',
      'ConvNet · synthetic CIFAR (42,362 params): validation loss · the class',
      'ConvNet · synthetic CIFAR (42,362 params): validation accuracy · the class',
    ].filter((t) => view.figures.some((f) => f.title === t)));
    expect(view.figures[0]!.caption).toMatch(/^3 students, 3 points · baseline \(diamond\): SimpleMLP, median of 3 runs \(held-out accuracy \(%\) 26\.1–27\.9\) · Pareto front .*: ada-okafor$/);
  });
});

describe('hostile student names in reports', () => {
  test('names and messages show control characters escaped; anchors come from the unique id; chart labels are escaped SVG text', async () => {
    const fvc = all.filter((r) => r.assignment === 'fc-vs-conv');
    const rename = (r: SubmissionResult, student: string): SubmissionResult => ({ ...structuredClone(r), student, id: studentId(student) });
    const hostile = [
      rename(fvc[0]!, 'x y'),
      rename(fvc[1]!, 'x_y'),
      { ...rename(fvc[2]!, '<img src=x onerror=alert(1)>\n\u001b[31m'), statusMessage: 'boom\u0007\u001b]0;t\u0007' },
    ];
    const view = await buildClassView(hostile, { audience: 'instructor' });
    expect(view.students.map((s) => s.anchor).sort()).toEqual(hostile.map((r) => `s-fc-vs-conv-${r.id}`).sort());
    expect(new Set(view.students.map((s) => s.anchor)).size).toBe(3);
    const evil = view.students.find((s) => s.student.startsWith('<img'))!;
    expect(evil.student).toBe('<img src=x onerror=alert(1)>\\n\\u001b[31m');
    expect(evil.statusMessage).toBe('boom\\u0007\\u001b]0;t\\u0007');
    expect(view.leaderboards[0]!.rows.map((r) => r.student).sort()).toEqual(['<img src=x onerror=alert(1)>\\n\\u001b[31m', 'x y', 'x_y']);
    // The leaderboard chart is inlined raw ({{{svg}}}): the name must arrive as escaped text, not markup.
    const svg = view.leaderboards[0]!.chart;
    expect(svg).toContain('&lt;img src=x onerror=alert'); // long labels are cut with "…" in the chart
    expect(svg).not.toContain('<img');
    expect(svg).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/);
  });
});
