// Where `dlgrade check --classroom` puts the GitHub Classroom result (harness/results/classroom.ts): appended
// to the file named by $GITHUB_OUTPUT as `result=<base64>` (the workflow's `id: dlgrade` step then has
// `steps.dlgrade.outputs.result`, which the reporter reads as DLGRADE_RESULTS). Outside Actions there is no
// such file: the JSON goes to a temporary file, for looking at. Returns the line to print.
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { classroomOutputLine, type ClassroomResult } from '../results/classroom.ts';
import { formatPoints } from '../results/format.ts';

export function writeClassroomOutput(result: ClassroomResult, env: NodeJS.ProcessEnv = process.env): string {
  const points = `${formatPoints(result.tests.reduce((s, t) => s + t.score, 0))} / ${formatPoints(result.max_score)} points, ${result.tests.length} tests, status ${result.status}`;
  const target = env.GITHUB_OUTPUT;
  if (target) {
    try {
      appendFileSync(target, classroomOutputLine(result));
    } catch (e) {
      throw new Error(`--classroom: cannot append the result to $GITHUB_OUTPUT (${target}): ${(e as Error).message}`);
    }
    return `GitHub Classroom: wrote the step output "result" to $GITHUB_OUTPUT (${points})`;
  }
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'dlgrade-classroom-')), 'classroom-result.json');
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return `GitHub Classroom: GITHUB_OUTPUT is not set (not in GitHub Actions); the result is in ${file} (${points}); in Actions its base64 becomes the step output "result"`;
}
