import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findBrowser } from './browser.ts';

let tmp: string;
let fakeChrome: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'dlgrade-browser-'));
  fakeChrome = path.join(tmp, 'bin', 'google-chrome');
  await import('node:fs/promises').then((fs) => fs.mkdir(path.dirname(fakeChrome), { recursive: true }));
  await writeFile(fakeChrome, '#!/bin/sh\nexit 0\n');
  await chmod(fakeChrome, 0o755);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const nothingElse = { systemPaths: [], skipChromeInstalls: true };

describe('findBrowser', () => {
  test('PUPPETEER_EXECUTABLE_PATH wins, and a wrong one is an error that names it', async () => {
    const env = { PUPPETEER_EXECUTABLE_PATH: fakeChrome, PATH: '', HOME: tmp };
    expect(await findBrowser({ env, systemPaths: ['/bin/sh'] })).toEqual({ executablePath: fakeChrome, source: 'PUPPETEER_EXECUTABLE_PATH' });
    await expect(findBrowser({ env: { PUPPETEER_EXECUTABLE_PATH: path.join(tmp, 'nope') } })).rejects.toThrow(/PUPPETEER_EXECUTABLE_PATH=.*nope is not an executable file/);
  });

  test('then system Chromium paths, then chrome/chromium on PATH', async () => {
    expect(await findBrowser({ env: { PATH: path.dirname(fakeChrome), HOME: tmp }, systemPaths: [fakeChrome] })).toMatchObject({ source: 'system Chromium' });
    expect(await findBrowser({ env: { PATH: path.dirname(fakeChrome), HOME: tmp }, ...nothingElse })).toEqual({
      executablePath: fakeChrome,
      source: 'google-chrome on PATH',
    });
  });

  test('nothing installed: undefined (the caller writes HTML and says how to get PDF)', async () => {
    expect(await findBrowser({ env: { PATH: '', HOME: tmp, PUPPETEER_CACHE_DIR: path.join(tmp, 'cache') }, ...nothingElse })).toBeUndefined();
  });
});
