// The class options of `dlgrade grade` (--class, --shard, --force, --workers) and what they run. Kept apart
// from grade.ts (the single-submission verb) so each stays one idea; grade.ts hands over when --class is set.
import { appendFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { runOutcome } from '../results/class-table.ts';
import { formatDuration } from '../results/format.ts';
import { displayName, terminalText } from '../results/safe-text.ts';
import { gradeClass } from '../runner/grade-class.ts';
import { createProgress } from '../runner/progress.ts';
import { parseShard } from '../runner/shard.ts';

export interface ClassCliOptions {
  assignment: string;
  class?: string;
  out: string;
  shard?: string;
  force?: boolean;
  workers?: string;
  backend?: string;
  inprocess?: boolean;
  /** Parsed --run-seed: every student graded with it (repeats a class run). */
  runSeed?: number | undefined;
}

export function addClassOptions(cmd: Command): Command {
  return cmd
    .option('--class <dir>', 'grade a whole class: one sub-folder per student (instead of --submission)')
    .option('--shard <i/n>', 'with --class: grade only the stable i-th of n shards (merge them with `dlgrade merge`)')
    .option('--force', 'with --class: regrade students that already have results in --out')
    .option('--workers <n>', `with --class: students graded at once (default: ${os.availableParallelism()}, the cores here)`);
}

function parseWorkers(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--workers must be a whole number >= 1, got "${text}"`);
  return n;
}

export async function runClassGrade(o: ClassCliOptions): Promise<void> {
  const run = await gradeClass({
    assignment: o.assignment,
    classDir: o.class!,
    outDir: o.out,
    ...(o.shard ? { shard: parseShard(o.shard) } : {}),
    ...(o.force ? { force: true } : {}),
    ...(parseWorkers(o.workers) ? { workers: parseWorkers(o.workers)! } : {}),
    ...(o.backend ? { backend: o.backend } : {}),
    ...(o.runSeed !== undefined ? { runSeed: o.runSeed } : {}),
    isolation: o.inprocess ? 'inprocess' : 'process',
    progress: createProgress(),
  });
  const rel = (f: string) => path.relative(process.cwd(), f) || '.';
  const problems = run.results.map((r) => ({ student: r.student, status: runOutcome(r).status })).filter((r) => r.status !== 'ok');
  console.log(
    terminalText(
      `${run.students.length} student${run.students.length === 1 ? '' : 's'}: ${run.graded.length} graded, ${run.skipped.length} skipped (already graded)` +
        `${problems.length ? `, ${problems.length} did not run normally (${problems.map((r) => `${displayName(r.student)}: ${r.status}`).join(', ')})` : ''} in ${formatDuration(run.durationMs)}`,
    ),
  );
  console.log(terminalText(`wrote ${rel(run.files.gradebook)}, ${rel(run.files.junit)}, ${rel(run.files.summary)} and one folder per student in ${rel(o.out)}`));
  // In GitHub Actions the summary also goes to the job's summary page.
  if (process.env.GITHUB_STEP_SUMMARY) {
    appendFileSync(process.env.GITHUB_STEP_SUMMARY, readFileSync(run.files.summary, 'utf8'));
  }
  // Students' failures are grades, not errors; a grader problem must not pass silently in CI.
  if (run.results.some((r) => r.status === 'error')) process.exitCode = 2;
}
