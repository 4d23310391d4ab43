// Finds a Chromium or Chrome the user already has, for PDF printing through puppeteer-core. dlgrade never
// downloads a browser. Order: PUPPETEER_EXECUTABLE_PATH, Chromium from the system package manager (Debian's
// /usr/bin/chromium, which .ci/run installs), Chrome installs (@puppeteer/browsers knows their paths per
// platform and channel), chrome/chromium on PATH, then browsers in puppeteer's own cache.
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Browser, ChromeReleaseChannel, computeSystemExecutablePath, getInstalledBrowsers } from '@puppeteer/browsers';

export interface FoundBrowser {
  executablePath: string;
  /** Where it was found, for messages ("PUPPETEER_EXECUTABLE_PATH", "system Chromium", ...). */
  source: string;
}

/** One line telling how to get PDF output when no browser is found. */
export const HOW_TO_GET_PDF =
  'for PDF, install Chromium (Debian/Ubuntu: apt-get install chromium) or Chrome, or set PUPPETEER_EXECUTABLE_PATH to a Chrome/Chromium binary';

async function isExecutable(p: string): Promise<boolean> {
  try {
    await access(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const SYSTEM_CHROMIUM = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/lib/chromium/chromium',
  '/snap/bin/chromium',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

const PATH_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome', 'chrome'];

export interface FindOptions {
  env?: NodeJS.ProcessEnv;
  /** Override the fixed system paths (tests). */
  systemPaths?: string[];
  /** Skip Chrome's per-platform install paths (tests). */
  skipChromeInstalls?: boolean;
}

export async function findBrowser(opts: FindOptions = {}): Promise<FoundBrowser | undefined> {
  const env = opts.env ?? process.env;
  const fromEnv = env.PUPPETEER_EXECUTABLE_PATH;
  if (fromEnv) {
    if (await isExecutable(fromEnv)) return { executablePath: fromEnv, source: 'PUPPETEER_EXECUTABLE_PATH' };
    throw new Error(`PUPPETEER_EXECUTABLE_PATH=${fromEnv} is not an executable file; unset it or point it to a Chrome/Chromium binary`);
  }
  for (const p of opts.systemPaths ?? SYSTEM_CHROMIUM) {
    if (await isExecutable(p)) return { executablePath: p, source: 'system Chromium' };
  }
  if (!opts.skipChromeInstalls) {
    for (const channel of [ChromeReleaseChannel.STABLE, ChromeReleaseChannel.BETA, ChromeReleaseChannel.DEV, ChromeReleaseChannel.CANARY]) {
      try {
        return { executablePath: computeSystemExecutablePath({ browser: Browser.CHROME, channel }), source: `Chrome (${channel})` };
      } catch {
        // not installed on this channel
      }
    }
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of PATH_NAMES) {
      const p = path.join(dir, name);
      if (await isExecutable(p)) return { executablePath: p, source: `${name} on PATH` };
    }
  }
  const cacheDir = env.PUPPETEER_CACHE_DIR ?? path.join(env.HOME ?? os.homedir(), '.cache', 'puppeteer');
  try {
    const installed = (await getInstalledBrowsers({ cacheDir })).filter((b) =>
      [Browser.CHROME, Browser.CHROMEHEADLESSSHELL, Browser.CHROMIUM].includes(b.browser),
    );
    // Newest build first (build ids are dotted versions or revision numbers).
    installed.sort((a, b) => b.buildId.localeCompare(a.buildId, 'en', { numeric: true }));
    for (const b of installed) {
      if (await isExecutable(b.executablePath)) return { executablePath: b.executablePath, source: `puppeteer cache (${b.browser} ${b.buildId})` };
    }
  } catch {
    // no cache folder
  }
  return undefined;
}
