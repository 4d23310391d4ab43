// Part 5.1 on the grader's side (hidden suites and unit tests only: the rule is a solution of 5.1, so it must not
// ship with the public grading files): the plateau rule of contract.ts (PlateauScheduleClass) applied to a validation
// accuracy sequence, the rules students write instead (to name them), and scripted sequences built from the
// run's seed with a known structure (rises, ties with the best, plateaus just shorter and just as long as the
// patience), so the expected learning rates are known and a forged answer means doing the exercise.
import type { Rng } from 'dlgrade/kit';
import type { PlateauOptions } from './contract.ts';

export type PlateauRule = 'contract' | 'ties-improve' | 'counter-not-reset' | 'below-min' | 'patience-off-by-one' | 'best-reset';

export const PLATEAU_RULE_NAMES: Record<Exclude<PlateauRule, 'contract'>, string> = {
  'ties-improve': 'a validation accuracy equal to the best counts as an improvement; only a strictly higher one does',
  'counter-not-reset': 'the counter is not set back to 0 after lowering the lr, so it is lowered again on the next epoch without improvement',
  'below-min': 'the lr goes below minLr; it stops at minLr',
  'patience-off-by-one': 'the lr is lowered one epoch late (after patience + 1 epochs without improvement)',
  'best-reset': 'the best accuracy is forgotten after lowering the lr; it is kept',
};

export const withDefaults = (o: PlateauOptions = {}): Required<PlateauOptions> => ({
  initialLr: o.initialLr ?? 0.1,
  factor: o.factor ?? 0.1,
  patience: o.patience ?? 2,
  minLr: o.minLr ?? 0.001,
});

/** The lr step() returns after each accuracy of `accs`. */
export function plateauLrs(accs: readonly number[], opts: PlateauOptions = {}, rule: PlateauRule = 'contract'): number[] {
  const { initialLr, factor, patience, minLr } = withDefaults(opts);
  let lr = initialLr;
  let best = -Infinity;
  let bad = 0;
  return accs.map((acc) => {
    const better = rule === 'ties-improve' ? acc >= best : acc > best;
    if (better) {
      best = acc;
      bad = 0;
    } else {
      bad++;
      if (rule === 'patience-off-by-one' ? bad > patience : bad >= patience) {
        lr = rule === 'below-min' ? lr * factor : Math.max(lr * factor, minLr);
        if (rule !== 'counter-not-reset') bad = 0;
        if (rule === 'best-reset') best = -Infinity;
      }
    }
    return lr;
  });
}

export { sameLrs } from './schedule-checks.ts';
import type { ExpectedCase } from './schedule-checks.ts';


/**
 * A validation-accuracy sequence for `patience` with a fixed structure and random values: a tie with the best
 * and patience - 1 lower values (the first decrease, unless ties count as improvements or patience is off by
 * one), patience lower values again (the second decrease: at once if the counter is not reset, never if the
 * best is forgotten), a plateau of patience - 1 (no decrease), and one of patience at minLr (which must hold).
 * Each mistake of PLATEAU_RULE_NAMES changes some returned lr (checks.test.ts; a counter left unreset only
 * shows with patience >= 2).
 */
export function scriptedAccuracies(rng: Rng, patience: number): number[] {
  let best = 20 + 20 * rng.next();
  const accs: number[] = [];
  const round = (v: number) => Math.round(v * 100) / 100;
  const rise = () => accs.push(round((best += 0.5 + 5 * rng.next())));
  const lower = (n: number) => {
    for (let i = 0; i < n; i++) accs.push(round(best - 0.2 - 3 * rng.next()));
  };
  rise();
  accs.push(round(best)); // a tie with the best
  lower(patience - 1);
  lower(patience);
  rise();
  lower(patience - 1);
  rise();
  lower(patience);
  rise();
  return accs;
}

/** A case with its expected learning rates and what each named mistake returns instead. */
export function expectedCase(name: string, opts: PlateauOptions | undefined, accs: number[]): ExpectedCase {
  return {
    name,
    opts,
    accs,
    lrs: plateauLrs(accs, opts),
    mistakes: Object.fromEntries((Object.keys(PLATEAU_RULE_NAMES) as Exclude<PlateauRule, 'contract'>[]).map((r) => [r, plateauLrs(accs, opts, r)])),
  };
}
