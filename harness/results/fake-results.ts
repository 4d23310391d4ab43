// Hand-built SubmissionResults for the class outputs' tests (gradebook, JUnit, summary, merge): two
// exercises, a few tests, any run status.
import type { RunStatus, SubmissionResult, TestResult, TestStatus } from '../types/submission-result.ts';
import { studentId } from './student-id.ts';

export interface FakeTest {
  id: string;
  status: TestStatus;
  score?: number;
  max?: number;
  output?: string;
}

export function fakeResult(student: string, tests: FakeTest[], status: RunStatus = 'ok', statusMessage?: string): SubmissionResult {
  const rows: TestResult[] = tests.map((t) => ({
    id: t.id,
    name: `title of ${t.id}`,
    exercise: t.id.split('.')[0]!,
    score: t.score ?? (t.status === 'passed' ? (t.max ?? 2) : 0),
    maxScore: t.max ?? 2,
    visibility: 'visible',
    status: t.status,
    output: t.output ?? '',
    durationMs: 1500,
  }));
  const ex = [...new Set(rows.map((t) => t.exercise))].map((id) => {
    const mine = rows.filter((t) => t.exercise === id);
    return { id, title: `Exercise ${id}`, score: mine.reduce((s, t) => s + t.score, 0), maxScore: mine.reduce((s, t) => s + t.maxScore, 0), manualMaxScore: id === 'B' ? 1 : 0 };
  });
  return {
    assignment: 'toy',
    assignmentTitle: 'Toy assignment',
    course: 'T-100',
    student,
    id: studentId(student),
    engine: 'tfjs 4.22.0 wasm (simd, 1 thread)',
    status,
    ...(statusMessage ? { statusMessage } : {}),
    score: rows.reduce((s, t) => s + t.score, 0),
    maxScore: rows.reduce((s, t) => s + t.maxScore, 0),
    exercises: ex,
    tests: rows,
    manual: [],
    artifacts: {},
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 4000,
    scope: 'all',
  };
}
