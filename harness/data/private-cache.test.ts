import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { privateCacheDir, unsafeCacheDir } from './private-cache.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'dlgrade-private-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.runIf(process.getuid !== undefined)('a cache folder is used only when no other user can write into it', () => {
  test('created private (0700) under a sticky /tmp: used', () => {
    const dir = privateCacheDir(path.join(root, 'a', 'train'));
    expect(dir).toBe(path.join(root, 'a', 'train'));
  });

  test('a folder writable by others, or below one that is not sticky: refused, with the reason', () => {
    const open = path.join(root, 'open');
    mkdirSync(path.join(open, 'train'), { recursive: true });
    chmodSync(open, 0o777);
    expect(unsafeCacheDir(path.join(open, 'train'))).toMatch(/open is writable by other users/);
    expect(privateCacheDir(path.join(open, 'train'))).toBeUndefined();
    chmodSync(open, 0o1777); // sticky, as /tmp: others cannot replace what we own there
    expect(unsafeCacheDir(path.join(open, 'train'))).toBeUndefined();
  });

  test('a symbolic link in place of the folder: refused', () => {
    mkdirSync(path.join(root, 'elsewhere'));
    symlinkSync(path.join(root, 'elsewhere'), path.join(root, 'link'));
    expect(unsafeCacheDir(path.join(root, 'link'))).toMatch(/symbolic link/);
  });
});
