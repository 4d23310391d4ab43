// Which packages each of the submission's own files imports, as the grader's compiler saw them (the esbuild
// metafile of the bundle gradeSubmission built: harness/runner/bundle-submission.ts). Evidence the grader
// computed itself: "mlp-scratch.ts must not import @tensorflow/tfjs" is checked here, not asked of the sandbox.
import path from 'node:path';
import { readBundle } from '../runner/bundle-submission.ts';
import { GradingFailure } from '../checks/report-helpers.ts';

/**
 * File (relative to the submission folder) -> packages it imports. Available when grading in the sandbox
 * (the default, and `dlgrade check`); with --inprocess there is no bundle and this throws saying so.
 */
export function bundleImports(): Record<string, string[]> {
  const dir = process.env.DLGRADE_BUNDLE_DIR;
  const bundle = dir ? readBundle(dir) : undefined;
  if (!bundle) throw new GradingFailure('what each file imports is known only when the submission is compiled by the grader (run without --inprocess)');
  const sub = process.env.DLGRADE_SUBMISSION_DIR;
  if (sub && path.resolve(sub) !== bundle.submissionDir) throw new GradingFailure(`the compiled bundle is of ${bundle.submissionDir}, not ${sub}`);
  return bundle.imports;
}
