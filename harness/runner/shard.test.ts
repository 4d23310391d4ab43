import { describe, expect, test } from 'vitest';
import { inShard, parseShard, shardOf } from './shard.ts';

const names = (n: number, prefix = 's') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('parseShard', () => {
  test('reads i/n with 1 <= i <= n', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
  });
  test.each(['0/4', '5/4', '2', 'a/b', '1/0', '-1/3'])('rejects %s naming the expected form', (s) => {
    expect(() => parseShard(s)).toThrow(/--shard/);
  });
});

describe('shardOf', () => {
  test('every student is in exactly one shard, and the shards cover the class', () => {
    const all = names(200);
    const n = 4;
    const byShard = Array.from({ length: n }, (_, i) => all.filter((s) => inShard(s, { index: i + 1, count: n })));
    expect(byShard.flat().sort()).toEqual([...all].sort());
    // Roughly even: 200 students in 4 shards, each far from empty or from holding everyone.
    for (const part of byShard) expect(part.length).toBeGreaterThan(25);
  });

  test('depends on the name only: pinned values (a new hash would reshuffle classes between CI runs)', () => {
    // sha256("alice") starts 2bd806c97f0e..., mod 4 = 2 -> shard 3; computed independently with Python's hashlib.
    expect(['alice', 'bob', 'carol'].map((s) => shardOf(s, 4))).toEqual([3, 3, 4]);
    expect(shardOf('alice', 1)).toBe(1);
  });
});
