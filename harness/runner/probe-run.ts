// Runs one probe against a submission's exports and classifies what happened. Shared by the in-process
// handle and the isolated child process (harness/runner/isolated-submission.ts), so both report the same
// failure kinds with the same messages. Runs WHERE THE SUBMISSION RUNS; returns plain data only.
import path from 'node:path';
import type { Probe, ProbeFailureKind } from './submission.ts';

/** Thrown by the exports proxy when a probe reads an export the submission does not have. */
export class MissingExportError extends Error {
  constructor(readonly exportName: string, available: string[]) {
    super(`the submission does not export "${exportName}" (it exports: ${available.length ? available.join(', ') : 'nothing'})`);
    this.name = 'MissingExportError';
  }
}

/**
 * The submission's module namespace, wrapped so that reading a missing export throws MissingExportError
 * naming it (instead of "undefined is not a constructor" deep inside a probe). `in` still works for
 * optional exports.
 */
export function guardExports(mod: Record<string, unknown>): Record<string, unknown> {
  const names = Object.keys(mod).filter((k) => k !== 'default' || mod[k] !== undefined);
  return new Proxy(mod, {
    get(target, key, receiver) {
      // then: so that awaiting the proxy does not look for a thenable; symbols: inspection by node/vitest.
      if (typeof key === 'symbol' || key === 'then' || key in target) return Reflect.get(target, key, receiver);
      throw new MissingExportError(key, names);
    },
  });
}

export type ProbeOutcome = { ok: true; value: unknown } | { ok: false; kind: ProbeFailureKind; message: string };

/**
 * The first stack frame inside the submission folder, as "file:line:col" relative to it (e.g.
 * "index.ts:14:11"), or undefined when the error did not come from the submission's own code.
 */
export function submissionFrame(err: unknown, submissionDir: string): string | undefined {
  const stack = err instanceof Error ? err.stack : undefined;
  if (!stack) return undefined;
  const root = path.resolve(submissionDir);
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m) continue;
    const file = m[1]!.startsWith('file://') ? new URL(m[1]!).pathname : m[1]!;
    const abs = path.resolve(file);
    if (abs.startsWith(root + path.sep) && !abs.includes(`${path.sep}node_modules${path.sep}`)) {
      return `${path.relative(root, abs)}:${m[2]}:${m[3]}`;
    }
  }
  return undefined;
}

function describeThrown(err: unknown): string {
  // Node's permission model (grading sandbox) says only "Access to this API has been restricted": name what.
  const denied = err as { code?: unknown; permission?: unknown; resource?: unknown };
  if (err instanceof Error && denied.code === 'ERR_ACCESS_DENIED') {
    return `${err.name}: ${err.message} (the grading sandbox denies ${String(denied.permission ?? 'this')}${denied.resource ? ` on ${String(denied.resource)}` : ''})`;
  }
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return `a non-Error value: ${typeof err === 'string' ? JSON.stringify(err) : String(err)}`;
}

/** Calls `probes[name]` with the guarded exports; never throws. The value is returned as is (not cloned). */
export async function runProbe(
  probes: Record<string, Probe>,
  name: string,
  exports: Record<string, unknown>,
  args: unknown,
  submissionDir: string,
): Promise<ProbeOutcome> {
  const probe = probes[name];
  if (!probe) {
    return { ok: false, kind: 'threw', message: `no probe named "${name}" in the assignment's probes.ts (it has: ${Object.keys(probes).join(', ')})` };
  }
  try {
    return { ok: true, value: await probe(guardExports(exports), args as never) };
  } catch (err) {
    if (err instanceof MissingExportError) return { ok: false, kind: 'missing-export', message: err.message };
    const at = submissionFrame(err, submissionDir);
    return {
      ok: false,
      kind: 'threw',
      message: `the submission's code threw ${describeThrown(err)}${at ? ` (at ${at})` : ''} while running probe "${name}"`,
    };
  }
}
