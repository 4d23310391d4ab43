// Which way each value of a leaderboard entry is better, for every output that ranks (Gradescope's
// `leaderboard`, the class report's tables and Pareto charts). A check declares it on the artifact
// (`attachArtifact('leaderboard', { board, values, order: { params: 'asc' } })`); a key it leaves out takes
// the default for its name below. One rule, so results.json and the report never rank a board two ways.
import type { LeaderboardEntry, LeaderboardOrder } from '../types/submission-result.ts';

/** Lower is better: sizes and costs. Checked before HIGHER, so "error rate" and "loss" rank ascending. */
const LOWER_IS_BETTER = /param|loss|error|\berr\b|time|latency|seconds|\bms\b|flops?\b|\bmacs?\b|size|bytes|memory|\bmb\b/i;

/** The order a value of this name takes when the entry does not declare one. */
export function defaultOrder(key: string): LeaderboardOrder {
  return LOWER_IS_BETTER.test(key) ? 'asc' : 'desc';
}

/** The order of `key` in `entry`: declared, else the default for its name. */
export function valueOrder(entry: Pick<LeaderboardEntry, 'order'>, key: string): LeaderboardOrder {
  return entry.order?.[key] ?? defaultOrder(key);
}

/**
 * The key a board is ranked by: its first higher-is-better value (accuracy before parameters, whatever
 * order the check listed them in), else its first value.
 */
export function rankingKey(keys: string[], orderOf: (key: string) => LeaderboardOrder): string | undefined {
  return keys.find((k) => orderOf(k) === 'desc') ?? keys[0];
}
