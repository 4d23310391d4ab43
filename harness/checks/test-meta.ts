// What a graded test records about itself in vitest's task.meta (under the key `dlgrade`), read by the
// grading reporter (harness/runner/outcome-reporter.ts) and turned into scores and artifacts by
// harness/results/score.ts. task.meta is serialised from the worker to the reporter, so it holds plain data.
import type {} from 'vitest';
import type { Artifacts } from '../results/types.ts';

export type ArtifactKind = keyof Artifacts;
export type ArtifactValue<K extends ArtifactKind> = NonNullable<Artifacts[K]>[number];

export type ArtifactRecord = { [K in ArtifactKind]: { kind: K; value: ArtifactValue<K> } }[ArtifactKind];

export interface DlgradeMeta {
  /** Fraction of the test's points earned (0..1); counts only when the yaml test has `partial: true`. */
  partial?: { fraction: number; note: string };
  /** Evidence for reports (model tables, curves, ...); never used for the score. */
  artifacts?: ArtifactRecord[];
  /** Extra feedback lines appended to the test's output (shown to the student even when it passed). */
  notes?: string[];
  /** Engine line of the process that ran the submission's code (set by context.ts on every probe call). */
  engine?: string;
}

declare module 'vitest' {
  interface TaskMeta {
    dlgrade?: DlgradeMeta;
  }
}
