import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { BACKENDS } from '../engine/backend.ts';
import { gradeSubmission } from '../runner/grade-submission.ts';
import { classroomError, toClassroom } from '../results/classroom.ts';
import { writeClassroomOutput } from './classroom-output.ts';
import { formatResult } from './print-result.ts';
import { parseRunSeed } from '../runner/run-seed.ts';

// `dlgrade check`: the student's command (the starter's `npm test`). Runs the visible tests on the student's
// own code, in-process, prints each exercise with points earned and possible and every failure message, and
// exits non-zero when anything failed.

/**
 * The assignment named by the nearest package.json at or above dir with "dlgrade": {"assignment": "<id>"}
 * (an id, or a path relative to that package.json when it starts with "." or "/").
 */
export function assignmentFromPackage(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const pkg = path.join(d, 'package.json');
    if (existsSync(pkg)) {
      const json = JSON.parse(readFileSync(pkg, 'utf8')) as { dlgrade?: { assignment?: unknown } };
      const a = json.dlgrade?.assignment;
      if (typeof a === 'string') return a.startsWith('.') || a.startsWith('/') ? path.resolve(d, a) : a;
    }
    if (path.dirname(d) === d) return undefined;
  }
}

export function register(program: Command): void {
  program
    .command('check')
    .description('run the visible tests on your submission and show your points (students)')
    .option('--assignment <id|path>', 'assignment id or folder (default: "dlgrade.assignment" in package.json)')
    .option('--submission <dir>', 'submission folder', '.')
    .option('--all', 'also run hidden tests (instructors; needs the hidden suites)')
    .option('--backend <name>', `engine (${BACKENDS.join(', ')})`)
    .option('--verbose', "show vitest's own output")
    .option('--inprocess', "run your code inside the test process (faster to start; no time limits on busy loops; needs the grader's own copy of @tensorflow/tfjs)")
    .option('--run-seed <n>', 'repeat a run: the run seed a previous result printed')
    .option('--classroom', 'also write the result for GitHub Classroom\'s grading reporter (step output "result", to $GITHUB_OUTPUT)')
    .action(async (o: CheckOptions) => {
      try {
        await check(o);
      } catch (e) {
        // The reporter still gets a result, which says why there are no points (an empty output breaks it).
        if (o.classroom) console.log(writeClassroomOutput(classroomError(`dlgrade check failed: ${(e as Error).message}`)));
        throw e;
      }
    });
}

interface CheckOptions {
  assignment?: string;
  submission: string;
  all?: boolean;
  backend?: string;
  verbose?: boolean;
  inprocess?: boolean;
  classroom?: boolean;
  runSeed?: string;
}

async function check(o: CheckOptions): Promise<void> {
  const assignment = o.assignment ?? assignmentFromPackage(o.submission);
  if (!assignment) {
    throw new Error(`no assignment given: pass --assignment <id>, or add "dlgrade": {"assignment": "<id>"} to ${path.resolve(o.submission, 'package.json')}`);
  }
  const result = await gradeSubmission({
    assignment,
    submissionDir: o.submission,
    scope: o.all ? 'all' : 'visible',
    // The sandbox by default: it compiles the student's code against the grader's @tensorflow/tfjs, so a
    // starter with its own node_modules does not end up with two tfjs instances (tensors and models of
    // one are not instances of the other's classes), and per-call time limits hold even for busy loops.
    isolation: o.inprocess ? 'inprocess' : 'process',
    ...(o.runSeed !== undefined ? { runSeed: parseRunSeed(o.runSeed)! } : {}),
    ...(o.backend ? { backend: o.backend } : {}),
    ...(o.verbose ? { verbose: true } : {}),
  });
  console.log(formatResult(result, { color: process.stdout.isTTY, showWarnings: !!o.all }));
  if (o.classroom) console.log(writeClassroomOutput(toClassroom(result)));
  if (result.status !== 'ok' || result.score < result.maxScore) process.exitCode = 1;
}
