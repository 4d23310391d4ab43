// The one writer of a graded submission's files, for a single `dlgrade grade --submission` and for every
// student of a class run: <dir>/results.json (Gradescope) and <dir>/dlgrade.json (the SubmissionResult,
// which reports, merges and resumed runs read). Both atomically (a reader sees the old file or the new,
// never half), dlgrade.json last: its presence marks the submission as graded. A result that the reader
// would reject is refused here, so what is written can always be read back.
import path from 'node:path';
import type { SubmissionResult } from '../types/submission-result.ts';
import { writeFileAtomic, writeJsonAtomic } from './atomic-write.ts';
import { toGradescope, type GradescopeOptions } from './gradescope.ts';
import { GRADESCOPE_FILE, RESULT_FILE, submissionResultProblems } from './read-result.ts';
import { displayName } from './safe-text.ts';

/** `gradescope`: what results.json needs beyond the result (the submission's dates on Gradescope). */
export function writeSubmissionOutputs(dir: string, r: SubmissionResult, opts: { gradescope?: GradescopeOptions } = {}): { resultsJson: string; dlgradeJson: string } {
  // Checked as it will be read back: JSON drops undefined fields and turns NaN into null.
  const text = `${JSON.stringify(r, null, 2)}\n`;
  const problems = submissionResultProblems(JSON.parse(text));
  if (problems.length) throw new Error(`the result of ${displayName(r.student)} does not follow the dlgrade.json schema (a grader bug): ${problems.join('; ')}`);
  const resultsJson = path.join(dir, GRADESCOPE_FILE);
  const dlgradeJson = path.join(dir, RESULT_FILE);
  writeJsonAtomic(resultsJson, toGradescope(r, opts.gradescope));
  writeFileAtomic(dlgradeJson, text);
  return { resultsJson, dlgradeJson };
}
