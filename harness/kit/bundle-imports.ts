// Which packages each of the submission's own files imports (and reaches through its own imports), as the grader's compiler saw them (the esbuild
// metafile of the bundle gradeSubmission built: harness/runner/bundle-submission.ts). Evidence the grader
// computed itself: "mlp-scratch.ts must not import @tensorflow/tfjs" is checked here, not asked of the sandbox.
import path from 'node:path';
import { readBundle, type Bundle } from '../runner/bundle-submission.ts';
import { GradingFailure } from '../checks/report-helpers.ts';

/**
 * File -> every package it reaches, directly or through the submission's own files it imports (at any depth),
 * with the own file that imports each: a from-scratch file cannot hide tfjs behind a helper of its own.
 */
export function bundleReach(): Record<string, { packages: string[]; via: Record<string, string> }> {
  const bundle = currentBundle();
  const out: Record<string, { packages: string[]; via: Record<string, string> }> = {};
  for (const file of Object.keys(bundle.imports)) {
    const via: Record<string, string> = {};
    const seen = new Set<string>();
    const todo = [file];
    while (todo.length) {
      const f = todo.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      for (const p of bundle.imports[f] ?? []) via[p] ??= f;
      todo.push(...(bundle.localImports?.[f] ?? []));
    }
    out[file] = { packages: Object.keys(via).sort(), via };
  }
  return out;
}

/**
 * File (relative to the submission folder) -> packages it imports. Available when grading in the sandbox
 * (the default, and `dlgrade check`); with --inprocess there is no bundle and this throws saying so.
 */
export function bundleImports(): Record<string, string[]> {
  return currentBundle().imports;
}

function currentBundle(): Bundle {
  const dir = process.env.DLGRADE_BUNDLE_DIR;
  const bundle = dir ? readBundle(dir) : undefined;
  if (!bundle) throw new GradingFailure('what each file imports is known only when the submission is compiled by the grader (run without --inprocess)');
  const sub = process.env.DLGRADE_SUBMISSION_DIR;
  if (sub && path.resolve(sub) !== bundle.submissionDir) throw new GradingFailure(`the compiled bundle is of ${bundle.submissionDir}, not ${sub}`);
  return bundle;
}
