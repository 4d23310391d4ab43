import { Command } from 'commander';

// One file per verb (harness/cli/<verb>.ts), each exporting register(program). Loaded lazily so that
// `dlgrade --help` does not initialise tfjs.
const VERBS = ['grade', 'check', 'report', 'merge', 'bench'] as const;

const program = new Command('dlgrade')
  .description('Automated grading harness for deep-learning courses (TypeScript on TensorFlow.js)')
  .showHelpAfterError();

for (const verb of VERBS) {
  const mod = (await import(`./${verb}.ts`)) as { register: (p: Command) => void };
  mod.register(program);
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Errors carry their context in the message; a stack trace is for DLGRADE_DEBUG=1.
  const e = err as Error;
  console.error(`dlgrade: ${process.env.DLGRADE_DEBUG ? e.stack : e.message}`);
  process.exitCode = process.exitCode || 1;
}
