// The command line that starts a submission's child process, with every barrier this machine offers:
//   - Node's permission model (all platforms): reads only the scratch folder and the packages it imports,
//     writes only its work folder; no child processes, workers, native addons or inspector.
//   - Linux: a new network namespace (`unshare --net`, util-linux; as root, or through a user namespace
//     where unprivileged ones are allowed): no interface but a down loopback, so no socket reaches anything.
//   - Linux as root: the child runs as nobody (setpriv --reuid/--regid 65534 --clear-groups --nnp), so the
//     kernel, not only Node, refuses writes outside its folder and signals to the grader.
//   - Linux, with the namespace: a private mount namespace where the grader's secrets (the assignment with its
//     hidden tests, the reference solutions, the class and output folders) are covered by empty tmpfs mounts,
//     so even a bypass of Node's permission model ("a seat belt, not a security boundary", its docs say)
//     finds nothing there.
//   - Linux: setpriv --pdeathsig KILL, so a child stuck in a busy loop dies with its parent.
// docs/isolation.md is the per-platform table. Detection runs once per process (a few ms of spawnSync).
import { spawnSync } from 'node:child_process';
import os from 'node:os';

export type MemoryWatch = 'proc' | 'ps' | 'heartbeat';

export interface SandboxCapabilities {
  /** The permission-model flag this Node spells (--permission from 22.13/23.5, else --experimental-permission). */
  permissionFlag: string;
  /** How the network is cut: a namespace (as root or via a user namespace), else in-process patches only. */
  network: 'netns' | 'netns-userns' | 'in-process';
  /** Secret folders can be hidden under empty tmpfs mounts in a private mount namespace. */
  hideMounts: boolean;
  /** The child runs as uid/gid 65534 (nobody). */
  dropUid: boolean;
  /** The child is killed when its parent dies, even while busy. */
  pdeathsig: boolean;
  /** How the parent reads the child's resident memory. */
  memory: MemoryWatch;
}

export const NOBODY = 65534;

function permissionFlag(): string {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major >= 24 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13) ? '--permission' : '--experimental-permission';
}

function works(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
  return r.status === 0;
}

let detected: SandboxCapabilities | undefined;

/** What this machine offers (cached). DLGRADE_SANDBOX=node-only turns the OS layers off (debugging). */
export function detectSandbox(): SandboxCapabilities {
  if (detected) return detected;
  const linux = process.platform === 'linux';
  const osLayers = linux && process.env.DLGRADE_SANDBOX !== 'node-only';
  const node = process.execPath;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const pdeathsig = osLayers && works('setpriv', ['--pdeathsig', 'KILL', '--', node, '-e', '0']);
  let network: SandboxCapabilities['network'] = 'in-process';
  if (osLayers && root && works('unshare', ['--net', '--', node, '-e', '0'])) network = 'netns';
  else if (osLayers && works('unshare', ['--user', '--map-root-user', '--net', '--', node, '-e', '0'])) network = 'netns-userns';
  const unshareArgs = network === 'netns' ? ['--net', '--mount'] : ['--user', '--map-root-user', '--net', '--mount'];
  const hideMounts = network !== 'in-process' && works('unshare', [...unshareArgs, '--', '/bin/sh', '-c', `mount -t tmpfs -o size=16k,mode=0 dlgrade-hidden "$0"`, os.tmpdir()]);
  // nobody must still be able to run node (a node under a 0700 home would not be).
  // (Not inside a user namespace: only our own uid is mapped there.)
  const dropUid = osLayers && root && pdeathsig && network !== 'netns-userns' && works('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', node, '-e', '0']);
  detected = {
    permissionFlag: permissionFlag(),
    network,
    hideMounts,
    dropUid,
    pdeathsig,
    memory: linux ? 'proc' : process.platform === 'darwin' || process.platform === 'freebsd' ? 'ps' : 'heartbeat',
  };
  return detected;
}

export interface SandboxSpec {
  script: string;
  readPaths: string[];
  writePaths: string[];
  memoryMb: number;
  /** Folders to cover with an empty tmpfs (when caps.hideMounts). */
  hidePaths?: string[];
}

/** Mounts an empty, mode-000 tmpfs over each argument up to "--", then execs the rest. */
const HIDE_SCRIPT = 'while [ "$1" != "--" ]; do mount -t tmpfs -o size=16k,mode=0 dlgrade-hidden "$1" || exit 97; shift; done; shift; exec "$@"';

/** The program and arguments that run `script` under every barrier in `caps`. */
export function sandboxCommand(caps: SandboxCapabilities, spec: SandboxSpec): { command: string; args: string[] } {
  const nodeArgs = [
    caps.permissionFlag,
    ...spec.readPaths.map((p) => `--allow-fs-read=${p}`),
    ...spec.writePaths.map((p) => `--allow-fs-write=${p}`),
    '--no-addons',
    `--max-old-space-size=${spec.memoryMb}`,
    '--disable-warning=ExperimentalWarning',
    spec.script,
  ];
  const prefix: string[] = [];
  const hide = caps.hideMounts ? (spec.hidePaths ?? []) : [];
  const mount = hide.length ? ['--mount'] : [];
  if (caps.network === 'netns') prefix.push('unshare', '--net', ...mount, '--');
  else if (caps.network === 'netns-userns') prefix.push('unshare', '--user', '--map-root-user', '--net', ...mount, '--');
  if (hide.length) prefix.push('/bin/sh', '-c', HIDE_SCRIPT, 'dlgrade-hide', ...hide, '--');
  if (caps.pdeathsig) {
    prefix.push('setpriv', '--pdeathsig', 'KILL', '--nnp');
    if (caps.dropUid) prefix.push(`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups');
    prefix.push('--');
  }
  // unshare, sh (exec) and setpriv exec without forking, so the pid the parent watches is node's own.
  const [command = process.execPath, ...rest] = [...prefix, process.execPath, ...nodeArgs];
  return { command, args: rest };
}

/** One line per barrier in force, for logs and the engine line. */
export function describeSandbox(caps: SandboxCapabilities): string {
  const parts = [`node ${caps.permissionFlag}`];
  parts.push(caps.network === 'in-process' ? 'network blocked in-process' : `network namespace${caps.network === 'netns-userns' ? ' (user ns)' : ''}`);
  if (caps.hideMounts) parts.push('secrets hidden by mounts');
  if (caps.dropUid) parts.push('uid nobody');
  if (caps.pdeathsig) parts.push('dies with parent');
  parts.push(`memory via ${caps.memory}`);
  return `${os.platform()}: ${parts.join(', ')}`;
}

const nobodyChecked = new Map<string, boolean>();

/**
 * Whether uid nobody can read `paths` (the packages the child imports). A grader installed under a private
 * home folder (e.g. mode 0750) is not: then the uid is not dropped, with a warning, rather than every
 * submission failing to start.
 */
export function withReadableUid(caps: SandboxCapabilities, paths: readonly string[]): SandboxCapabilities {
  if (!caps.dropUid) return caps;
  const key = [...paths].sort().join('\0');
  let ok = nobodyChecked.get(key);
  if (ok === undefined) {
    const check = `const fs = require('fs'); for (const p of ${JSON.stringify(paths)}) fs.accessSync(p, fs.constants.R_OK | fs.constants.X_OK);`;
    ok = works('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', process.execPath, '-e', check]);
    nobodyChecked.set(key, ok);
    if (!ok) console.warn(`dlgrade: the sandbox cannot run as nobody (uid ${NOBODY} cannot read ${paths.join(', ')}); submissions run as the grader's uid, the other barriers stay`);
  }
  return ok ? caps : { ...caps, dropUid: false };
}
