// The in-process SubmissionHandle: imports the submission's entry in the current process (a vitest worker,
// so vite's loader handles TypeScript) and runs the assignment's probes there. For the student's own
// `dlgrade check` on their own code; no isolation: a busy loop in synchronous code cannot be interrupted,
// only an awaited probe can time out. Grading uses process isolation (isolated-submission.ts).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { engineInfo, initEngine } from '../engine/backend.ts';
import { runProbe, submissionFrame } from './probe-run.ts';
import { ProbeError, type CallOptions, type ProbeModule, type SubmissionHandle } from './submission.ts';
import type { SubmissionOpenOptions } from './context.ts';

/** The first entry candidate (index.ts, src/index.ts, ...) that exists in the submission folder. */
export function findEntry(submissionDir: string, entry: readonly string[]): string | undefined {
  return entry.map((e) => path.join(submissionDir, e)).find((f) => existsSync(f));
}

export async function loadProbes(assignmentDir: string): Promise<ProbeModule['probes']> {
  const file = path.join(assignmentDir, 'probes.ts');
  if (!existsSync(file)) throw new Error(`${file}: missing (an assignment needs probes.ts exporting \`probes\`)`);
  const mod = (await import(pathToFileURL(file).href)) as Partial<ProbeModule>;
  if (!mod.probes || typeof mod.probes !== 'object') throw new Error(`${file}: must export \`const probes: Record<string, Probe>\``);
  return mod.probes;
}

export async function openInProcess(opts: SubmissionOpenOptions): Promise<SubmissionHandle> {
  const probes = await loadProbes(opts.assignmentDir);
  await initEngine(opts.backend);
  let loaded: Promise<Record<string, unknown>> | undefined;
  const load = () =>
    (loaded ??= (async () => {
      const entry = findEntry(opts.submissionDir, opts.entry);
      if (!entry) {
        throw new ProbeError('import-error', `no entry file in ${opts.submissionDir} (looked for ${opts.entry.join(', ')})`, '(import)');
      }
      try {
        return (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
      } catch (err) {
        const at = submissionFrame(err, opts.submissionDir);
        const e = err as Error;
        // Transform errors come with a coloured code frame: keep it, without the colour codes.
        const message = stripVTControlCharacters(e.message).split('\n').slice(0, 12).join('\n');
        throw new ProbeError('import-error', `importing ${path.relative(opts.submissionDir, entry)} failed: ${e.name}: ${message}${at ? ` (at ${at})` : ''}`, '(import)');
      }
    })());

  return {
    dir: opts.submissionDir,
    async engine() {
      return engineInfo().label;
    },
    async call<R>(name: string, args?: unknown, callOpts?: CallOptions): Promise<R> {
      let mod: Record<string, unknown>;
      try {
        mod = await load();
      } catch (err) {
        // Same message for every probe, but named after the probe that hit it.
        const e = err as ProbeError;
        throw new ProbeError(e.kind, e.message, name);
      }
      const timeoutMs = callOpts?.timeoutMs ?? opts.timeoutMs;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new ProbeError('timeout', `probe "${name}" did not finish within ${timeoutMs} ms (the submission's code is too slow or never returns)`, name)),
          timeoutMs,
        );
      });
      try {
        // Arguments and results are cloned as they would be across a process boundary, so a probe that
        // works here also works isolated (no functions, no tensors in results).
        const outcome = await Promise.race([runProbe(probes, name, mod, structuredClone(args), opts.submissionDir), timeout]);
        if (!outcome.ok) throw new ProbeError(outcome.kind, outcome.message, name);
        try {
          return structuredClone(outcome.value) as R;
        } catch (err) {
          throw new Error(`probe "${name}" returned data that cannot cross a process boundary (${(err as Error).message}): return plain objects, arrays, numbers, strings or typed arrays`);
        }
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      loaded = undefined;
    },
  };
}
