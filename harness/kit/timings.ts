// What grader-side verification costs: with DLGRADE_TIMINGS=<file>, the kit appends one JSON line per piece of
// work it does in the grader (rebuilding a model, replaying a training, training a rebuilt model), so a grading
// run can be summed up (docs/isolation.md quotes the figures). Without it, nothing is recorded.
import { appendFileSync } from 'node:fs';
import { expect } from 'vitest';

/** The running vitest test's title, when there is one (the line says which test the work was for). */
function currentTest(): string | undefined {
  try {
    return expect.getState().currentTestName?.split(' > ').at(-1);
  } catch {
    return undefined;
  }
}

export function timed<T>(kind: string, what: string, f: () => T): T {
  const file = process.env.DLGRADE_TIMINGS;
  if (!file) return f();
  const t0 = performance.now();
  const test = currentTest();
  const done = () => appendFileSync(file, `${JSON.stringify({ kind, what, ms: Math.round((performance.now() - t0) * 10) / 10, ...(test ? { test } : {}) })}\n`);
  const r = f();
  if (r instanceof Promise) return r.finally(done) as T;
  done();
  return r;
}
