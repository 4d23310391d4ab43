// A test file's handle on the submission: `const sub = useSubmission()` at the top level opens it before the
// file's tests, and closes it after. Around each test it marks the start (calls share what is left of the
// test's limit), and afterwards disposes the models rebuilt during the test and stops a call still running,
// so a runaway call never runs on into the next test.
import type * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { engineInfo, initEngine } from '../engine/backend.ts';
import { markTestStart, openSubmission } from '../runner/context.ts';
import type { CallOptions, SubmissionHandle } from '../runner/submission.ts';
import { rebuildModel } from './rebuild.ts';

export interface Submission {
  /** Runs probe `name` where the submission runs; its data is the submission's word (check it in the grader). */
  call<R = unknown>(name: string, args?: unknown, opts?: CallOptions): Promise<R>;
  /** Runs a probe that returns exportModel(...) data and rebuilds the model in the grader (disposed after the test). */
  model(name: string, args?: unknown, opts?: CallOptions & { what?: string }): Promise<tf.LayersModel>;
  /** Rebuilds exportModel(...) data a probe returned inside other data (disposed after the test). */
  rebuild(data: unknown, what: string): Promise<tf.LayersModel>;
  /** Engine line of the process that runs the submission's code. */
  engine(): Promise<string>;
}

export function useSubmission(): Submission {
  let handle: SubmissionHandle | undefined;
  const rebuilt: tf.LayersModel[] = [];
  beforeAll(async () => {
    // The grader's own engine (rebuilt models, expected values computed with tfjs), and the submission.
    await initEngine();
    handle = await openSubmission();
  });
  beforeEach((ctx) => {
    markTestStart();
    (ctx.task.meta.dlgrade ??= {}).graderEngine = engineInfo().label;
  });
  afterEach(async () => {
    for (const m of rebuilt.splice(0)) {
      try {
        m.dispose();
      } catch {
        // disposed by the test already
      }
    }
    await handle?.abortRunning?.();
  });
  afterAll(async () => {
    await handle?.close();
  });
  const open = (): SubmissionHandle => {
    if (!handle) throw new Error('useSubmission(): the submission is opened in beforeAll; call it inside a test');
    return handle;
  };
  const rebuild = async (data: unknown, what: string) => {
    const m = await rebuildModel(data, what);
    rebuilt.push(m);
    return m;
  };
  return {
    call: (name, args, opts) => open().call(name, args, opts),
    async model(name, args, opts) {
      return rebuild(await open().call(name, args, opts), opts?.what ?? `the model of probe "${name}"`);
    },
    rebuild,
    engine: () => open().engine(),
  };
}
