// Messages between the grader (isolated-submission.ts) and the sandboxed child (submission-child.ts), sent
// over Node's IPC channel with `serialization: 'advanced'` (structured clone: typed arrays cross intact).
// Everything the child sends is untrusted: the parent checks shape, id and nonce before using a reply.
import type { ProbeFailureKind } from './submission.ts';

/** What the child is started with (environment variable DLGRADE_CHILD, JSON). */
export interface ChildConfig {
  /** file:// URLs of the bundles, in the scratch folder. */
  probesUrl: string;
  submissionUrl: string;
  /** The submission's original folder: only used to name its files in messages (the child cannot read it). */
  submissionDir: string;
  /** Entry file name relative to submissionDir, for messages ("importing index.ts failed"). */
  entryName: string;
  backend?: string;
  /** Send {type:'rss'} heartbeats (platforms where the parent cannot read the child's memory itself). */
  heartbeat: boolean;
}

export interface CallRequest {
  type: 'call';
  id: number;
  /** Random per call; a reply must echo it, so stray messages the submission sends are not taken as results. */
  nonce: string;
  probe: string;
  args: unknown;
}
/** The first message, sent at start: the secret the runtime's messages carry (the submission is not loaded yet). */
export interface Hello {
  type: 'hello';
  secret: string;
}
export type ParentMessage = Hello | CallRequest;

/** Every message but heartbeats carries the child's secret (sent in Hello, before the submission loads). */
export type ChildMessage =
  /** The engine is up (before the submission is imported). */
  | { type: 'engine'; secret: string; label: string }
  /** The submission's module loaded; calls may start. */
  | { type: 'ready'; secret: string; exports: string[] }
  /** Importing the submission failed (a throw at import, a missing module, ...). */
  | { type: 'import-error'; secret: string; message: string }
  /** The harness side of the child failed (engine or probes did not load): not the submission's fault. */
  | { type: 'fatal'; secret: string; message: string }
  | { type: 'result'; secret: string; id: number; nonce: string; ok: true; value: unknown }
  | { type: 'result'; secret: string; id: number; nonce: string; ok: false; kind: ProbeFailureKind | 'harness'; message: string }
  | { type: 'rss'; bytes: number };

/** Parent-side validation: the child's messages are data from untrusted code. */
export function asChildMessage(m: unknown): ChildMessage | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const o = m as Record<string, unknown>;
  if (o.type !== 'rss' && typeof o.secret !== 'string') return undefined;
  switch (o.type) {
    case 'engine':
      return typeof o.label === 'string' ? (o as ChildMessage) : undefined;
    case 'ready':
      return Array.isArray(o.exports) ? (o as ChildMessage) : undefined;
    case 'import-error':
    case 'fatal':
      return typeof o.message === 'string' ? (o as ChildMessage) : undefined;
    case 'rss':
      return typeof o.bytes === 'number' ? (o as ChildMessage) : undefined;
    case 'result':
      if (typeof o.id !== 'number' || typeof o.nonce !== 'string' || typeof o.ok !== 'boolean') return undefined;
      if (!o.ok && (typeof o.kind !== 'string' || typeof o.message !== 'string')) return undefined;
      return o as ChildMessage;
    default:
      return undefined;
  }
}
