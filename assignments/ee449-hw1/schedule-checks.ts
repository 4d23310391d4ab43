// Part 5.1 checks, shared by the public suite (its cases and their answers come from mistakes.json) and the hidden
// one (cases scripted from the run seed, answers from schedule-expected.ts): PlateauSchedule runs in the
// sandbox on each case, one part per case; a wrong sequence is matched against the named mistakes.
import { gradeParts, GradingFailure, type Submission } from 'dlgrade/kit';
import type { PlateauOptions } from './contract.ts';
import type { Outcome } from './probes.ts';

export interface ScriptedCase {
  /** undefined: new PlateauSchedule() with no argument (the defaults). */
  opts?: PlateauOptions;
  accs: number[];
}

export interface ExpectedCase extends ScriptedCase {
  name: string;
  /** What step() must return after each accuracy. */
  lrs: number[];
  /** What each named mistake (schedule-expected.ts PLATEAU_RULE_NAMES) returns instead. */
  mistakes: Record<string, number[]>;
}

/** The mistakes in words (schedule-expected.ts's PLATEAU_RULE_NAMES; kept in step by checks.test.ts). */
export const PLATEAU_MISTAKES: Record<string, string> = {
  'ties-improve': 'a validation accuracy equal to the best counts as an improvement; only a strictly higher one does',
  'counter-not-reset': 'the counter is not set back to 0 after lowering the lr, so it is lowered again on the next epoch without improvement',
  'below-min': 'the lr goes below minLr; it stops at minLr',
  'patience-off-by-one': 'the lr is lowered one epoch late (after patience + 1 epochs without improvement)',
  'best-reset': 'the best accuracy is forgotten after lowering the lr; it is kept',
};

/** Two learning-rate sequences agree when every pair is within 1e-9 relative (0.1 * 0.1 is 0.010000000000000002). */
export function sameLrs(a: readonly unknown[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => typeof v === 'number' && Math.abs(v - b[i]) <= 1e-9 * Math.abs(b[i]));
}

const lrList = (xs: readonly number[]) => `[${xs.map((v) => Number(v.toPrecision(6))).join(', ')}]`;

/** What is wrong with the learning rates step() returned for a case; undefined when they are the expected ones. */
export function plateauProblem(c: ExpectedCase, got: { initial: number; lrs: number[] }, described: string): string | undefined {
  const initialLr = c.opts?.initialLr ?? 0.1;
  if (!(Math.abs(got.initial - initialLr) <= 1e-12 * initialLr)) return `${described}: schedule.lr before the first step is ${got.initial}, expected initialLr ${initialLr}`;
  if (sameLrs(got.lrs, c.lrs)) return undefined;
  const at = c.lrs.findIndex((w, i) => !(Math.abs(got.lrs[i] - w) <= 1e-9 * w));
  const named = Object.entries(c.mistakes).find(([, lrs]) => sameLrs(got.lrs, lrs));
  return `${described}: for validation accuracies ${lrList(c.accs)} expected step() to return ${lrList(c.lrs)}, got ${lrList(got.lrs)} (first difference after epoch ${at + 1}, accuracy ${c.accs[at]})${named ? `: ${PLATEAU_MISTAKES[named[0]]}` : ''}`;
}

/** PlateauSchedule on each case in the sandbox, one part per case (5.schedule, 5.schedule.hidden). */
export async function checkPlateau(sub: Submission, cases: ExpectedCase[]): Promise<void> {
  const got = await sub.call<Outcome<{ initial: number; lrs: number[] }>[]>('plateau', { cases: cases.map(({ opts, accs }) => ({ opts, accs })) });
  await gradeParts(
    cases.map((c, i) => ({
      name: c.name,
      check: () => {
        const described = `new PlateauSchedule(${c.opts ? JSON.stringify(c.opts) : ''})`;
        const g = got[i];
        if (!g || 'error' in g) throw new GradingFailure(`${described}: step() threw ${g && 'error' in g ? g.error : 'nothing came back'} (5.1: PlateauSchedule)`);
        const p = plateauProblem(c, g.value, described);
        if (p) throw new GradingFailure(`${p} (5.1: PlateauSchedule, contract.ts PlateauScheduleClass)`);
      },
    })),
  );
}
