import { describe, expect, test } from 'vitest';
import { applyRegions, hasRegions, isReferenceOnly, RegionError } from './regions.ts';

const ts = [
  'export function relu(xs: number[]): number[] {',
  '  // A.1: clamp negatives (shared comment)',
  '  // BEGIN SOLUTION',
  '  return xs.map((x) => Math.max(0, x));',
  '  // END SOLUTION',
  "  // STARTER: return todo('A.1: relu');",
  '}',
  '// BEGIN STARTER',
  '// export const hint = 1;',
  '//   // an indented starter comment',
  '// END STARTER',
].join('\n');

describe('solution regions', () => {
  test('the starter view drops solutions and uncomments starter lines, keeping indentation', () => {
    expect(applyRegions(ts, 'relu.ts', 'starter').split('\n')).toEqual([
      'export function relu(xs: number[]): number[] {',
      '  // A.1: clamp negatives (shared comment)',
      "  return todo('A.1: relu');",
      '}',
      'export const hint = 1;',
      '  // an indented starter comment',
    ]);
  });

  test('the solution view keeps solutions and drops markers and starter lines', () => {
    expect(applyRegions(ts, 'relu.ts', 'solution').split('\n')).toEqual([
      'export function relu(xs: number[]): number[] {',
      '  // A.1: clamp negatives (shared comment)',
      '  return xs.map((x) => Math.max(0, x));',
      '}',
    ]);
  });

  test('markdown regions', () => {
    const md = ['## D.1', '<!-- BEGIN SOLUTION -->', 'The answer.', '<!-- END SOLUTION -->', '<!-- BEGIN STARTER', '1.', '2.', 'END STARTER -->'].join('\n');
    expect(applyRegions(md, 'answers.md', 'starter')).toBe('## D.1\n1.\n2.');
    expect(applyRegions(md, 'answers.md', 'solution')).toBe('## D.1\nThe answer.');
  });

  test('unbalanced, nested and malformed markers name file and line', () => {
    const err = (src: string) => {
      try {
        applyRegions(src, 'x.ts', 'starter');
      } catch (e) {
        expect(e).toBeInstanceOf(RegionError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(err('a\n// BEGIN SOLUTION\nb')).toBe('x.ts:2: BEGIN SOLUTION is never closed');
    expect(err('// END SOLUTION')).toBe('x.ts:1: END SOLUTION without a BEGIN SOLUTION before it');
    expect(err('// BEGIN SOLUTION\n// BEGIN STARTER\n// END STARTER\n// END SOLUTION')).toBe('x.ts:2: BEGIN STARTER inside the solution region opened at line 1 (regions do not nest)');
    expect(err('// BEGIN STARTER\ncode();\n// END STARTER')).toMatch(/^x\.ts:2: a line inside a STARTER region must be a comment/);
    expect(err('// BEGIN SOLUTION\n// END STARTER')).toBe('x.ts:2: END STARTER closes the solution region opened at line 1');
  });

  test('other files pass through; reference-only and region detection', () => {
    expect(applyRegions('// BEGIN SOLUTION', 'data.json', 'starter')).toBe('// BEGIN SOLUTION');
    expect(isReferenceOnly('// dlgrade: reference-only\nexport {};')).toBe(true);
    expect(hasRegions(ts, 'relu.ts')).toBe(true);
    expect(hasRegions('export const a = 1;', 'a.ts')).toBe(false);
  });
});
