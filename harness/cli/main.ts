import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { terminalText } from '../results/safe-text.ts';

// One file per verb (harness/cli/<verb>.ts), each exporting register(program). Loaded by computed URL, so a
// build of dlgrade that leaves verbs out (the runtime a student or Gradescope installs has check, grade and
// merge: harness/assign/runtime-package.ts) simply has fewer verbs, and `dlgrade --help` does not load tfjs.
const VERBS = ['assign', 'check', 'grade', 'merge', 'report', 'bench'] as const;

const program = new Command('dlgrade')
  .description('Automated grading harness for deep-learning courses (TypeScript on TensorFlow.js)')
  .showHelpAfterError();

for (const verb of VERBS) {
  const file = new URL(`./${verb}.ts`, import.meta.url);
  if (!existsSync(file)) continue;
  const mod = (await import(file.href)) as { register: (p: Command) => void };
  mod.register(program);
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Errors carry their context in the message (which may quote a student's folder name: printed
  // terminal-safe); a stack trace is for DLGRADE_DEBUG=1.
  const e = err as Error;
  console.error(terminalText(`dlgrade: ${process.env.DLGRADE_DEBUG ? e.stack : e.message}`));
  process.exitCode = process.exitCode || 1;
}
