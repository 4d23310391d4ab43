// The floors of harness/, lowest first: a folder imports only from folders below it (and itself). Tests are
// not floors (a runner test may use a report helper); folders not named here (bench, kit, assign, ...) sit
// between runner/report and cli.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const HARNESS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FLOORS = ['types', 'assignment', 'engine', 'models', 'data', 'checks', 'results', ['runner', 'report'], 'cli'];
const floorOf = (folder: string): number => {
  const i = FLOORS.findIndex((f) => (Array.isArray(f) ? f.includes(folder) : f === folder));
  return i < 0 ? FLOORS.length - 1.5 : i;
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(p);
    return /\.(ts|mts)$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [p] : [];
  });
}

test('no floor imports a floor above it; harness/types imports nothing outside itself', () => {
  const wrong: string[] = [];
  for (const folder of FLOORS.flat()) {
    for (const file of sources(path.join(HARNESS, folder))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)) {
        const target = path.relative(HARNESS, path.resolve(path.dirname(file), m[1]!));
        const to = target.split(path.sep)[0]!;
        const ok = to === folder || (folder !== 'types' && !target.startsWith('..') && floorOf(to) < floorOf(folder));
        if (!ok) wrong.push(`${path.relative(HARNESS, file)} imports ${m[1]}`);
      }
    }
  }
  expect(wrong).toEqual([]);
});
