import path from 'node:path';
import type { Command } from 'commander';
import { BACKENDS } from '../engine/backend.ts';
import { gradeSubmission } from '../runner/grade-submission.ts';
import { writeSubmissionOutputs } from '../results/write-outputs.ts';
import { readGradescopeMetadata } from '../results/gradescope-metadata.ts';
import { submissionLine } from '../results/gradescope.ts';
import { formatResult } from './print-result.ts';
import { addClassOptions, runClassGrade } from './grade-class.ts';
import { stageExampleClasses } from '../assign/example-classes.ts';
import { parseRunSeed } from '../runner/run-seed.ts';

// `dlgrade grade`: grades one submission with every test (visible and hidden), the submission isolated in its
// own process, and writes OUT/results.json (Gradescope) and OUT/dlgrade.json. Class runs (--class, --shard,
// --force, --workers) are harness/cli/grade-class.ts, on top of gradeSubmission().
export function register(program: Command): void {
  const cmd = program
    .command('grade')
    .description('grade one submission (--submission) or a class (--class): all tests, isolated; writes results.json and dlgrade.json')
    .option('--assignment <id|path>', 'assignment id (assignments/<id>) or folder')
    .option('--submission <dir>', 'submission folder (index.ts or src/index.ts)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--backend <name>', `engine for the submission's code (${BACKENDS.join(', ')})`)
    .option('--scope <scope>', 'all (default) or visible', 'all')
    .option('--inprocess', 'run the submission in the test process (trusted code only: faster, no limits)')
    .option('--verbose', "show vitest's own output")
    .option('--run-seed <n>', 'repeat a grading run: use the run seed its result recorded instead of a fresh one')
    .option('--gradescope-metadata <file>', "Gradescope's submission_metadata.json (run_autograder passes it): its due dates decide when after_due_date tests show")
    .option('--examples', 'grade the bundled examples of every assignment (reference + fixtures) into OUT/<assignment>/');
  // Class runs (--class, --shard, --force, --workers): harness/cli/grade-class.ts.
  addClassOptions(cmd).action(
    async (o: { assignment?: string; submission?: string; class?: string; out: string; backend?: string; scope: string; inprocess?: boolean; verbose?: boolean; examples?: boolean; shard?: string; force?: boolean; workers?: string; gradescopeMetadata?: string; runSeed?: string }) => {
      const runSeed = parseRunSeed(o.runSeed);
      if (o.gradescopeMetadata !== undefined && !o.submission) throw new Error('--gradescope-metadata describes one submission: use it with --submission <dir>');
      if (o.examples) {
        if (o.submission || o.class || o.assignment) throw new Error('--examples grades every assignment\'s bundled examples: it takes no --assignment, --submission or --class');
        for (const ex of stageExampleClasses()) {
          console.log(`${ex.assignment}: grading ${ex.students.length} example submissions (${ex.students.join(', ')})`);
          await runClassGrade({ ...o, assignment: ex.assignment, class: ex.classDir, out: path.join(o.out, ex.assignment), runSeed });
        }
        return;
      }
      if (!o.assignment) throw new Error("dlgrade grade needs --assignment <id|path> (or --examples)");
      if (!!o.submission === !!o.class) throw new Error('dlgrade grade needs exactly one of --submission <dir> or --class <dir>');
      if (o.class) return runClassGrade({ ...o, assignment: o.assignment, runSeed });
      if (o.scope !== 'all' && o.scope !== 'visible') throw new Error(`--scope must be all or visible, got "${o.scope}"`);
      // Read before grading: a bad file fails in a second, not after the whole run.
      const timing = o.gradescopeMetadata !== undefined ? readGradescopeMetadata(o.gradescopeMetadata) : undefined;
      const result = await gradeSubmission({
        assignment: o.assignment,
        submissionDir: o.submission!,
        scope: o.scope,
        isolation: o.inprocess ? 'inprocess' : 'process',
        ...(runSeed !== undefined ? { runSeed } : {}),
        ...(o.backend ? { backend: o.backend } : {}),
        ...(o.verbose ? { verbose: true } : {}),
      });
      const files = writeSubmissionOutputs(path.resolve(o.out), result, { gradescope: { timing } });
      console.log(formatResult(result, { color: process.stdout.isTTY, showWarnings: true }));
      if (timing) console.log(submissionLine(timing, result.tests.some((t) => t.visibility === 'after_due_date')));
      console.log(`wrote ${path.relative(process.cwd(), files.resultsJson)} and ${path.relative(process.cwd(), files.dlgradeJson)}`);
      // A grader problem (not the student's) must not pass silently in CI.
      if (result.status === 'error' || result.tests.some((t) => t.status === 'error')) process.exitCode = 2;
    },
  );
}
