// Stable shards of a class: a student's shard is a hash of their folder name, not their place in the list,
// so adding or removing a student never moves anyone else to another shard (and another CI runner).
import { createHash } from 'node:crypto';

export interface Shard {
  /** 1-based: shard 1/4 .. 4/4, as a CI matrix numbers them. */
  index: number;
  count: number;
}

/** Parses "--shard i/n" (1 <= i <= n). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new Error(`--shard must look like i/n (e.g. 2/4), got "${text}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) {
    throw new Error(`--shard ${text}: i must be between 1 and n (shards are numbered 1/${Math.max(count, 1)} to ${Math.max(count, 1)}/${Math.max(count, 1)})`);
  }
  return { index, count };
}

/** The shard (1..count) a student folder belongs to: sha256 of its name, mod count. */
export function shardOf(student: string, count: number): number {
  const h = createHash('sha256').update(student, 'utf8').digest();
  // 48 bits: exact in a double, and uniform enough mod any realistic shard count.
  return (h.readUIntBE(0, 6) % count) + 1;
}

export function inShard(student: string, shard: Shard | undefined): boolean {
  return !shard || shardOf(student, shard.count) === shard.index;
}
