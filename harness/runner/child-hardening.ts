// In-process restrictions the sandboxed child applies to itself before it imports the submission. They
// complement, never replace, the process-level ones (Node's permission model, a network namespace, a
// dropped uid; see sandbox.ts and docs/isolation.md): Node 20's permission model does not cover sockets
// or signals, so on platforms without a network namespace these are the only network barrier there is.
// They hold because the submission runs after them in the same realm and cannot reach the raw bindings
// (process.binding is denied under the permission model); they are weaker than a namespace because a
// bug in Node's own networking code paths could bypass a JS-level patch.
import dgram from 'node:dgram';
import dns from 'node:dns';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import v8 from 'node:v8';

export class SandboxDenied extends Error {
  readonly code = 'ERR_DLGRADE_SANDBOX';
  constructor(what: string) {
    super(`${what} is not allowed while grading (the submission runs in a sandbox)`);
    this.name = 'SandboxDenied';
  }
}

function denier(what: string): (...args: unknown[]) => never {
  return () => {
    throw new SandboxDenied(what);
  };
}

/** Sockets, servers, UDP, DNS, http(s)/http2 clients and fetch all throw SandboxDenied. */
export function blockNetwork(): void {
  // Every TCP/TLS/http client ends in Socket.prototype.connect, every server in Server.prototype.listen.
  net.Socket.prototype.connect = denier('opening a network connection (net.Socket.connect)');
  net.Server.prototype.listen = denier('listening on a network port (net.Server.listen)');
  for (const m of ['bind', 'connect', 'send'] as const) dgram.Socket.prototype[m] = denier(`UDP (dgram.Socket.${m})`);
  const dnsFns = ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveMx', 'resolveNs', 'resolveTxt', 'resolveSrv', 'resolvePtr', 'resolveNaptr', 'resolveSoa', 'reverse'] as const;
  const dnsMut = dns as unknown as Record<string, unknown>;
  const dnsPromises = dns.promises as unknown as Record<string, unknown>;
  for (const f of dnsFns) {
    dnsMut[f] = denier(`DNS (dns.${f})`);
    dnsPromises[f] = denier(`DNS (dns.promises.${f})`);
  }
  (dns.Resolver.prototype as unknown as Record<string, unknown>).resolve = denier('DNS (dns.Resolver)');
  for (const [name, mod] of [['http', http], ['https', https]] as const) {
    const m = mod as unknown as Record<string, unknown>;
    m.request = denier(`${name}.request`);
    m.get = denier(`${name}.get`);
  }
  (http2 as unknown as Record<string, unknown>).connect = denier('http2.connect');
  const g = globalThis as unknown as Record<string, unknown>;
  g.fetch = denier('fetch()');
  if ('WebSocket' in g) g.WebSocket = denier('WebSocket');
  if ('EventSource' in g) g.EventSource = denier('EventSource');
  // ESM named imports of builtins (`import { connect } from 'node:net'`) read a snapshot: refresh it.
  syncBuiltinESMExports();
}

/**
 * process.kill may only signal the child itself: without it a submission could stop the grader (its parent)
 * or its neighbours, which run under the same user wherever the uid is not dropped.
 */
export function confineSignals(): void {
  const proc = process as unknown as { _kill: (pid: number, sig: number) => number; kill: typeof process.kill };
  const rawKill = proc._kill.bind(process);
  const self = process.pid;
  proc._kill = (pid: number, sig: number) => {
    if (pid !== self) throw new SandboxDenied(`signalling process ${pid} (process.kill)`);
    return rawKill(pid, sig);
  };
  const kill = process.kill.bind(process);
  proc.kill = (pid: number, signal?: string | number) => {
    if (pid !== self) throw new SandboxDenied(`signalling process ${pid} (process.kill)`);
    return kill(pid, signal);
  };
}

/**
 * Freezes tfjs's shared surfaces: the exports of its packages (CommonJS objects every tfjs module calls
 * through, so replacing `randomNormal` there would reach the probes' model.fit) and the prototypes of
 * Tensor, Variable, LayersModel, Sequential, the optimizers and the engine (so `dataSync` or `fit` cannot be
 * swapped for one that reports fake numbers). A submission that tries gets a TypeError at the assignment.
 * Math.random stays writable: seeding it (seedrandom's `global: true`) is a legitimate student choice, and
 * probes draw their randomness from seeded tfjs ops. Not frozen: the engine instance and the kernel registry
 * (tfjs mutates them itself), so probe data stays untrusted (see docs/isolation.md).
 */
export async function lockTfjs(): Promise<string[]> {
  const frozen: string[] = [];
  // Literal specifiers: the grader's bundler rewrites them to the installed files (a computed one would not resolve).
  const loaders: [string, () => Promise<unknown>][] = [
    ['@tensorflow/tfjs-core', () => import('@tensorflow/tfjs-core')],
    ['@tensorflow/tfjs-layers', () => import('@tensorflow/tfjs-layers')],
    ['@tensorflow/tfjs', () => import('@tensorflow/tfjs')],
    ['@tensorflow/tfjs-backend-wasm', () => import('@tensorflow/tfjs-backend-wasm')],
    ['@tensorflow/tfjs-backend-cpu', () => import('@tensorflow/tfjs-backend-cpu')],
  ];
  const mods: Record<string, Record<string, unknown>> = {};
  for (const [p, load] of loaders) {
    try {
      // `default` of a CommonJS package is its module.exports, the object tfjs's own modules share.
      const ns = (await load()) as { default?: Record<string, unknown> };
      if (ns.default && typeof ns.default === 'object') mods[p] = ns.default;
    } catch {
      // not installed: nothing to protect
    }
  }
  const core = mods['@tensorflow/tfjs-core'] ?? {};
  const layers = mods['@tensorflow/tfjs-layers'] ?? {};
  const classes: [string, unknown][] = [
    ['Tensor', core.Tensor],
    ['Variable', core.Variable],
    ['LayersModel', layers.LayersModel],
    ['Sequential', layers.Sequential],
    ...Object.entries(core).filter(([k]) => /Optimizer$/.test(k)),
  ];
  for (const [name, cls] of classes) {
    if (typeof cls === 'function' && cls.prototype) {
      Object.freeze(cls.prototype);
      frozen.push(`${name}.prototype`);
    }
  }
  const engine = typeof core.engine === 'function' ? (core.engine as () => object)() : undefined;
  if (engine) {
    Object.freeze(Object.getPrototypeOf(engine));
    frozen.push('Engine.prototype');
  }
  for (const [p, exportsObj] of Object.entries(mods)) {
    Object.freeze(exportsObj);
    frozen.push(p);
  }
  return frozen;
}

/**
 * Makes the grader's messages private to the runtime: `message` events reach `onMessage` only, whoever else
 * listens (process.on, EventEmitter.prototype.on.call, ...), so a submission cannot learn a call's nonce
 * and answer in the probe's place; `process.emit` and the channel's read callback are pinned so neither can
 * be swapped back. (Residual: reading the channel's file descriptor directly; see docs/isolation.md.)
 */
export function privateMessages(onMessage: (m: unknown) => void): void {
  const emit = process.emit.bind(process) as (event: string | symbol, ...args: unknown[]) => boolean;
  // Node emits 'message' only while someone listens.
  process.on('message', () => {});
  const guarded = (event: string | symbol, ...args: unknown[]): boolean => {
    if (event === 'message') {
      onMessage(args[0]);
      return true;
    }
    return emit(event, ...args);
  };
  Object.defineProperty(process, 'emit', { value: guarded, writable: false, configurable: false, enumerable: false });
  const channel = (process as unknown as { channel?: Record<string, unknown> }).channel;
  if (channel && 'onread' in channel) Object.defineProperty(channel, 'onread', { value: channel.onread, writable: false, configurable: false });
}

/**
 * Closes the in-process routes to the runtime's outgoing messages (which carry the per-child secret): the V8
 * serializer classes Node's IPC uses, the channel handle's methods and Buffer's statics the framing calls.
 * A submission reading or writing the channel's file descriptor directly is still possible (the permission
 * model does not cover open descriptors): what it could learn or send is checked in the grader anyway
 * (docs/isolation.md).
 */
export function sealChannel(): void {
  for (const cls of [v8.Serializer, v8.DefaultSerializer, v8.Deserializer, v8.DefaultDeserializer]) Object.freeze(cls.prototype);
  const channel = (process as unknown as { channel?: object }).channel;
  if (channel) Object.freeze(Object.getPrototypeOf(channel));
  for (const key of ['concat', 'alloc', 'allocUnsafe', 'from'] as const) {
    Object.defineProperty(Buffer, key, { value: Buffer[key], writable: false, configurable: false });
  }
}
