// What a graded test records about itself in vitest's task.meta (under the key `dlgrade`): written by the
// suites through harness/checks/report-helpers.ts, carried by the grading reporter, turned into scores and
// artifacts by harness/results/score.ts. task.meta is serialised from the worker to the reporter, so it
// holds plain data. (vitest's TaskMeta learns this key in harness/checks/test-meta.ts, next to its writers.)
import type { Artifacts } from './submission-result.ts';

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
  /** Engine line of the grader's own process (rebuilt models, grader-side training), set by useSubmission. */
  graderEngine?: string;
  /** Notes for the human grader of manual items (flagManual): e.g. a figure the student claims that the grader measured otherwise. */
  flags?: { manual: string; message: string }[];
}
