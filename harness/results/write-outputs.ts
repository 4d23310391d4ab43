// Writes one submission's outputs into a folder: results.json (Gradescope) and dlgrade.json (the full
// SubmissionResult, which reports read).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { toGradescope } from './gradescope.ts';
import type { SubmissionResult } from './types.ts';

export function writeSubmissionOutputs(outDir: string, r: SubmissionResult): { resultsJson: string; dlgradeJson: string } {
  mkdirSync(outDir, { recursive: true });
  const resultsJson = path.join(outDir, 'results.json');
  const dlgradeJson = path.join(outDir, 'dlgrade.json');
  writeFileSync(resultsJson, `${JSON.stringify(toGradescope(r), null, 2)}\n`);
  writeFileSync(dlgradeJson, `${JSON.stringify(r, null, 2)}\n`);
  return { resultsJson, dlgradeJson };
}
