// The sandboxed child's entry: the grader bundles it (with the assignment's probes and the submission) into a
// scratch folder and starts it under Node's permission model (see sandbox.ts). It initialises the engine,
// loads the probes, restricts itself, imports the submission, then answers `call` requests one at a time.
// It gives no verdicts: it returns probe data, and the parent treats every byte it sends as untrusted.
import { initEngine } from '../engine/backend.ts';
import { blockNetwork, confineSignals, lockTfjs, privateMessages, sealChannel } from './child-hardening.ts';
import type { CallRequest, ChildConfig, ChildMessage, Hello } from './isolation-protocol.ts';
import { runProbe, submissionFrame } from './probe-run.ts';
import type { Probe } from './submission.ts';

// Bound before the submission runs, so that replacing process.send later does not reroute our replies.
const rawSend = process.send?.bind(process);
if (!rawSend) {
  console.error('submission-child: must be started by the grader with an IPC channel');
  process.exit(70);
}
const send = rawSend;

// The parent's first message holds the secret every later message of ours carries. It arrives before the
// submission is imported, so the submission never sees it (module-private from here on).
const secret = await new Promise<string>((resolve) => {
  const onHello = (m: unknown) => {
    const h = m as Partial<Hello>;
    if (h?.type !== 'hello' || typeof h.secret !== 'string') return;
    process.off('message', onHello);
    resolve(h.secret);
  };
  process.on('message', onHello);
});

type Unsigned<M> = M extends unknown ? Omit<M, 'secret'> : never;

/** Sends a message with the secret (heartbeats without); false when it cannot be serialised (a probe returned a function). */
function post(m: Unsigned<ChildMessage>): boolean {
  try {
    send(m.type === 'rss' ? m : { ...m, secret });
    return true;
  } catch {
    return false;
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const e = err as Error & { code?: unknown; permission?: unknown; resource?: unknown };
    if (e.code === 'ERR_ACCESS_DENIED') {
      return `${e.name}: the sandbox denied ${String(e.permission ?? 'access')}${e.resource ? ` to ${String(e.resource)}` : ''}`;
    }
    return `${e.name}: ${e.message}`;
  }
  return `a non-Error value: ${String(err)}`;
}

const config = JSON.parse(process.env.DLGRADE_CHILD ?? '{}') as ChildConfig;
// The parent dies -> the channel closes -> so do we (on Linux setpriv --pdeathsig also covers a busy loop).
process.on('disconnect', () => process.exit(0));

if (config.heartbeat) {
  setInterval(() => post({ type: 'rss', bytes: process.memoryUsage.rss() }), 200).unref();
}

let probes: Record<string, Probe>;
try {
  const info = await initEngine(config.backend);
  post({ type: 'engine', label: info.label });
  // Stack traces through source maps ("index.ts:12:5"), enabled only now: with --enable-source-maps Node
  // would also parse tfjs's multi-megabyte maps at load (about half a second per process).
  process.setSourceMapsEnabled(true);
  const mod = (await import(config.probesUrl)) as { probes?: Record<string, Probe> };
  if (!mod.probes || typeof mod.probes !== 'object') throw new Error('the assignment\'s probes.ts does not export `probes`');
  probes = mod.probes;
} catch (err) {
  post({ type: 'fatal', message: `the grader's child process could not start: ${describe(err)}` });
  await new Promise(() => {}); // the parent stops us
  throw err; // unreachable; tells the type checker `probes` is assigned below
}

blockNetwork();
confineSignals();
await lockTfjs();
sealChannel();

// Calls are answered one at a time, once the submission has loaded (the parent waits for 'ready' anyway).
let loaded!: () => void;
const submissionLoaded = new Promise<void>((r) => (loaded = r));
let queue: Promise<void> = submissionLoaded;
privateMessages((m: unknown) => {
  const req = m as Partial<CallRequest>;
  if (req?.type !== 'call' || typeof req.id !== 'number' || typeof req.nonce !== 'string' || typeof req.probe !== 'string') return;
  queue = queue.then(() => answer(req as CallRequest));
});

/** The call being answered, so an exception thrown outside its promise chain still answers it. */
let current: CallRequest | undefined;

process.on('uncaughtException', (err) => {
  const at = submissionFrame(err, config.submissionDir);
  const message = `the submission's code threw ${describe(err)}${at ? ` (at ${at})` : ''} outside any awaited code while running probe "${current?.probe ?? '?'}"`;
  if (current) {
    post({ type: 'result', id: current.id, nonce: current.nonce, ok: false, kind: 'threw', message });
    current = undefined;
  } else {
    console.error(message);
  }
});

let exportsOf: Record<string, unknown>;
try {
  exportsOf = (await import(config.submissionUrl)) as Record<string, unknown>;
} catch (err) {
  const at = submissionFrame(err, config.submissionDir);
  post({ type: 'import-error', message: `importing ${config.entryName} failed: ${describe(err)}${at ? ` (at ${at})` : ''}` });
  await new Promise(() => {}); // the parent stops us
  throw err;
}
post({ type: 'ready', exports: Object.keys(exportsOf) });
loaded();

async function answer(req: CallRequest): Promise<void> {
  current = req;
  const outcome = await runProbe(probes, req.probe, exportsOf, req.args, config.submissionDir);
  if (current !== req) return; // already answered (uncaught exception)
  current = undefined;
  if (outcome.ok) {
    if (!post({ type: 'result', id: req.id, nonce: req.nonce, ok: true, value: outcome.value })) {
      post({
        type: 'result', id: req.id, nonce: req.nonce, ok: false, kind: 'harness',
        message: `probe "${req.probe}" returned data that cannot cross a process boundary: return plain objects, arrays, numbers, strings or typed arrays`,
      });
    }
  } else {
    post({ type: 'result', id: req.id, nonce: req.nonce, ok: false, kind: outcome.kind, message: outcome.message });
  }
}
