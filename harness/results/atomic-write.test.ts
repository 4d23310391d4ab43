import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dlgrade-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('readers never see a half-written file, and a killed writer leaves a whole one', async () => {
  const file = path.join(dir, 'dlgrade.json');
  const writer = path.join(path.dirname(fileURLToPath(import.meta.url)), 'atomic-write.ts');
  // Another process rewrites a ~2 MB JSON file as fast as it can (a plain writeFileSync here shows torn
  // reads thousands of times a second: it truncates, then writes).
  const script = `import { writeJsonAtomic } from ${JSON.stringify(writer)};
    const big = 'x'.repeat(2_000_000);
    for (let g = 0; ; g++) writeJsonAtomic(${JSON.stringify(file)}, { generation: g, big });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'ignore' });
  try {
    const t0 = Date.now();
    while (!existsSync(file) && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 20));
    let whole = 0;
    let torn = 0;
    const generations = new Set<number>();
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      try {
        const p = JSON.parse(readFileSync(file, 'utf8')) as { generation: number; big: string };
        if (p.big.length === 2_000_000) whole++;
        generations.add(p.generation);
      } catch {
        torn++;
      }
    }
    expect(torn).toBe(0);
    expect(whole).toBeGreaterThan(0);
    // The writer really was rewriting while we read.
    expect(generations.size).toBeGreaterThan(1);
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
  }
  expect((JSON.parse(readFileSync(file, 'utf8')) as { big: string }).big).toHaveLength(2_000_000);
  // Leftovers of the killed write are hidden temporaries, never the target's name.
  for (const f of readdirSync(dir)) expect(f === 'dlgrade.json' || /^\.dlgrade\.json\.\d+\.\w+\.tmp$/.test(f)).toBe(true);
}, 30_000);
