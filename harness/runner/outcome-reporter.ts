// vitest reporter (vitest 4 Reporter API) for grading runs: after every test it rewrites
// DLGRADE_OUTCOMES_FILE with each test's title, state, duration, errors and task.meta.dlgrade, so a run
// killed by the total time limit still leaves the outcomes of the tests that finished.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SerializedError, TestError } from 'vitest';
import type { Reporter, TestCase, TestModule, TestRunEndReason } from 'vitest/node';
import type {} from '../checks/test-meta.ts';
import type { ModuleFailure, OutcomeError, SuitesOutcome, TestOutcome } from '../types/suite-outcome.ts';

export default class OutcomeReporter implements Reporter {
  private readonly file: string;
  private readonly root: string;
  private readonly tests = new Map<string, TestOutcome>();
  private readonly moduleErrors: ModuleFailure[] = [];

  constructor(opts: { file?: string; assignmentDir?: string } = {}) {
    const file = opts.file ?? process.env.DLGRADE_OUTCOMES_FILE;
    if (!file) throw new Error('OutcomeReporter: DLGRADE_OUTCOMES_FILE is not set');
    this.file = file;
    this.root = opts.assignmentDir ?? process.env.DLGRADE_ASSIGNMENT_DIR ?? process.cwd();
    mkdirSync(path.dirname(file), { recursive: true });
  }

  onTestRunStart(): void {
    this.write(false);
  }

  onTestCaseResult(test: TestCase): void {
    this.tests.set(test.id, this.outcome(test));
    this.write(false);
  }

  onTestModuleEnd(mod: TestModule): void {
    // Tests a failed beforeAll or import kept from running are reported here too (as skipped/failed).
    for (const t of mod.children.allTests()) if (!this.tests.has(t.id)) this.tests.set(t.id, this.outcome(t));
    const errors = mod.errors();
    if (errors.length) this.moduleErrors.push({ file: this.rel(mod.moduleId), errors: errors.map((e) => this.error(e)) });
    this.write(false);
  }

  onTestRunEnd(_modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError>, reason: TestRunEndReason): void {
    this.write(true, reason, unhandled.map((e) => this.error(e)));
  }

  private outcome(test: TestCase): TestOutcome {
    const r = test.result();
    const meta = test.meta().dlgrade;
    return {
      file: this.rel(test.module.moduleId),
      title: test.name,
      fullName: test.fullName,
      state: r.state,
      durationMs: Math.round(test.diagnostic()?.duration ?? 0),
      errors: (r.errors ?? []).map((e) => this.error(e)),
      ...(meta ? { meta } : {}),
    };
  }

  private error(e: TestError | SerializedError): OutcomeError {
    // ProbeError (and GradingFailure wrapping one) carry the probe failure kind; vitest serialises own props.
    const kind = typeof e.kind === 'string' ? e.kind : undefined;
    const at = this.suiteFrame(e.stack);
    return {
      name: e.name ?? 'Error',
      message: e.message,
      ...(kind ? { probeKind: kind } : {}),
      ...(typeof e.diff === 'string' && e.diff ? { diff: e.diff } : {}),
      ...(at ? { at } : {}),
    };
  }

  private suiteFrame(stack: string | undefined): string | undefined {
    for (const line of (stack ?? '').split('\n')) {
      const m = /((?:file:\/\/)?\/[^\s()]+\.test\.ts):(\d+):\d+/.exec(line);
      if (m) return `${this.rel(m[1]!.replace(/^file:\/\//, ''))}:${m[2]}`;
    }
    return undefined;
  }

  private rel(file: string): string {
    const r = path.relative(this.root, file);
    return r.startsWith('..') ? file : r.split(path.sep).join('/');
  }

  private write(complete: boolean, reason?: TestRunEndReason, unhandled: OutcomeError[] = []): void {
    const out: SuitesOutcome = {
      version: 1,
      complete,
      ...(reason ? { reason } : {}),
      tests: [...this.tests.values()],
      moduleErrors: this.moduleErrors,
      unhandledErrors: unhandled,
    };
    // Write then rename: a reader (or a kill) never sees half a file.
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(out, null, 1));
    renameSync(tmp, this.file);
  }
}
