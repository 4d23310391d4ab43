// Helpers graded suites use inside a vitest test: partial credit, artifacts, notes, and assertions whose
// failure says what was expected, what came, and where to look. They write to the current test's task.meta
// (harness/types/dlgrade-meta.ts; vitest learns the key in test-meta.ts); the grading reporter carries that
// to the score.
import { TestRunner } from 'vitest';
import type { ArtifactKind, ArtifactRecord, ArtifactValue, DlgradeMeta } from '../types/dlgrade-meta.ts';
import type {} from './test-meta.ts';

function meta(helper: string): DlgradeMeta {
  const task = TestRunner.getCurrentTest();
  if (!task) throw new Error(`${helper}() must be called inside a running test (not at module level or in beforeAll)`);
  task.meta.dlgrade ??= {};
  return task.meta.dlgrade;
}

/**
 * Awards `fraction` (0..1) of this test's points, with a note saying why (e.g. "3 of 4 shapes right").
 * Only honoured when the yaml test has `partial: true`. The last call wins. The test may still fail
 * afterwards (throw) to explain what was missing: the recorded fraction is kept.
 */
export function partialCredit(fraction: number, note: string): void {
  if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
    throw new Error(`partialCredit(${fraction}, ...): the fraction must be a number in [0, 1]`);
  }
  meta('partialCredit').partial = { fraction, note };
}

/** Stores evidence for the reports: attachArtifact('curves', {title, trainLoss, valLoss}). */
export function attachArtifact<K extends ArtifactKind>(kind: K, value: ArtifactValue<K>): void {
  const m = meta('attachArtifact');
  // structuredClone: typed arrays and class instances become plain data the reporter can serialise.
  (m.artifacts ??= []).push({ kind, value: toPlain(value) } as ArtifactRecord);
}

/**
 * Flags something for the human grader of manual item `manualId` (shown with that item in results and
 * reports, never scored): e.g. a figure the student's report claims that the grader measured otherwise.
 */
export function flagManual(manualId: string, message: string): void {
  (meta('flagManual').flags ??= []).push({ manual: manualId, message });
}

/** A feedback line shown with the test's result even when it passed (e.g. the measured accuracy). */
export function note(line: string): void {
  (meta('note').notes ??= []).push(line);
}

function toPlain<T>(v: T): T {
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (ArrayBuffer.isView(x) && !(x instanceof DataView) ? Array.from(x as unknown as ArrayLike<number>) : x))) as T;
}

/** A named sub-check of a partial-credit test. */
export interface Part {
  name: string;
  check: () => void | Promise<void>;
}

/**
 * Runs every part (none stops the others), awards the fraction that passed as partial credit, and fails
 * with one message listing each failed part and why. For tests with `partial: true`.
 */
export async function gradeParts(parts: Part[]): Promise<void> {
  const failures: Array<{ name: string; message: string; kind?: string }> = [];
  for (const p of parts) {
    try {
      await p.check();
    } catch (e) {
      const err = e as Error & { kind?: unknown };
      failures.push({ name: p.name, message: err.message, ...(typeof err.kind === 'string' ? { kind: err.kind } : {}) });
    }
  }
  const passed = parts.length - failures.length;
  partialCredit(parts.length ? passed / parts.length : 0, `${passed} of ${parts.length} parts right`);
  if (!failures.length) return;
  // A submission that timed out, crashed or did not import is reported as such, not as a wrong answer.
  const kind = SEVERE.find((k) => failures.some((f) => f.kind === k));
  const same = failures.length > 1 && failures.every((f) => f.message === failures[0]!.message);
  const body = same ? `every failed part: ${failures[0]!.message}` : failures.map((f) => `- ${f.name}: ${f.message}`).join('\n');
  throw new GradingFailure(`${passed} of ${parts.length} parts right:\n${body}`, kind);
}

const SEVERE = ['oom', 'crash', 'timeout', 'import-error', 'missing-export'] as const;

/** A failed check whose message is already complete feedback (no assertion diff appended). */
export class GradingFailure extends Error {
  /** The ProbeError kind behind it, when a probe failure caused it (timeout, crash, ...). */
  readonly kind?: string;
  constructor(message: string, kind?: string) {
    super(message);
    this.name = 'GradingFailure';
    if (kind) this.kind = kind;
  }
}

function fmtShape(s: readonly (number | null)[]): string {
  return `[${s.map((d) => (d === null ? 'None' : String(d))).join(', ')}]`;
}

/** Shapes equal, `null` in `expected` matching any size: "where: expected shape [2, 10], got [2, 1, 10]". */
export function expectShape(got: readonly (number | null)[] | undefined, expected: readonly (number | null)[], where: string): void {
  const ok = Array.isArray(got) && got.length === expected.length && expected.every((d, i) => d === null || d === got[i]);
  if (!ok) throw new GradingFailure(`${where}: expected shape ${fmtShape(expected)}, got ${got === undefined ? 'nothing' : Array.isArray(got) ? fmtShape(got) : JSON.stringify(got)}`);
}

/** Equality of plain values with a message naming both. */
export function expectEqual<T>(got: T, expected: T, where: string): void {
  if (JSON.stringify(got) !== JSON.stringify(expected)) {
    throw new GradingFailure(`${where}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
  }
}

/**
 * Numbers (or equal-length number arrays) within `tol`: |got - expected| <= tol.abs + tol.rel * |expected|
 * (a bare number is an absolute tolerance). Names the first offending index and the largest difference.
 */
export function expectClose(
  got: number | ArrayLike<number> | undefined,
  expected: number | ArrayLike<number>,
  tol: number | { abs?: number; rel?: number },
  where: string,
): void {
  const { abs = 0, rel = 0 } = typeof tol === 'number' ? { abs: tol } : tol;
  const tolText = `${abs ? `abs ${abs}` : ''}${abs && rel ? ' + ' : ''}${rel ? `rel ${rel}` : ''}` || '0';
  if (typeof expected === 'number') {
    if (typeof got !== 'number' || !(Math.abs(got - expected) <= abs + rel * Math.abs(expected))) {
      throw new GradingFailure(`${where}: expected ${expected} (± ${tolText}), got ${typeof got === 'number' ? got : JSON.stringify(got)}`);
    }
    return;
  }
  if (got === undefined || typeof got === 'number' || got.length !== expected.length) {
    const len = got === undefined ? 'nothing' : typeof got === 'number' ? 'a single number' : `${got.length} values`;
    throw new GradingFailure(`${where}: expected ${expected.length} values, got ${len}`);
  }
  let first = -1;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(got[i]! - expected[i]!);
    if (!(d <= abs + rel * Math.abs(expected[i]!))) {
      if (first < 0) first = i;
      worst = Number.isNaN(d) ? NaN : Math.max(worst, d);
    }
  }
  if (first >= 0) {
    throw new GradingFailure(`${where}: values differ beyond ${tolText}; first at index ${first}: expected ${expected[first]}, got ${got[first]} (largest difference ${worst})`);
  }
}

/** A measured value against a yaml threshold {min|max, reference, margin}; records it as a note. */
export function expectThreshold(
  value: number,
  th: { metric: string; min?: number; max?: number; reference: number; margin: number },
  where: string,
): void {
  const bound = th.min !== undefined ? `>= ${th.min}` : `<= ${th.max}`;
  note(`${where}: ${th.metric} ${value} (needs ${bound}; the reference reaches ${th.reference}, margin ${th.margin})`);
  const ok = th.min !== undefined ? value >= th.min : th.max !== undefined && value <= th.max;
  if (!ok) throw new GradingFailure(`${where}: ${th.metric} ${value} does not meet ${bound} (the reference solution reaches ${th.reference} with the same budget and seed)`);
}
