// HTML to PDF in a real headless Chromium through puppeteer-core. One browser serves the whole document;
// the class report is a single HTML file with a CSS page break before each student, printed once.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';

// For a root user in a container without network: no sandbox (needs user namespaces), no GPU, and nothing
// that phones home. The profile is a fresh temporary folder, removed afterwards.
const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

const FOOTER = `<div style="font-family:'DejaVu Sans',Arial,sans-serif;font-size:7pt;color:#666;width:100%;padding:0 13mm;display:flex;justify-content:space-between"><span class="title"></span><span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`;

export async function withBrowser<T>(executablePath: string, fn: (browser: Browser) => Promise<T>): Promise<T> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'dlgrade-chromium-'));
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      args: [...LAUNCH_ARGS, `--user-data-dir=${profile}`],
      timeout: 60_000,
    });
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    throw new Error(`could not start ${executablePath} for PDF output: ${(err as Error).message.split('\n')[0]}`);
  }
  try {
    return await fn(browser);
  } finally {
    await browser.close();
    await rm(profile, { recursive: true, force: true });
  }
}

/**
 * Prints `html` to `outFile` (A4). The HTML is loaded from a temporary file rather than setContent: large
 * class documents (several MB of SVG) load faster and the document gets a proper URL.
 */
export async function printPdf(browser: Browser, html: string, outFile: string): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dlgrade-print-'));
  const page = await browser.newPage();
  try {
    const file = path.join(dir, 'report.html');
    await writeFile(file, html);
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 0 });
    await page.pdf({
      path: outFile,
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: FOOTER,
      margin: { top: '14mm', bottom: '16mm', left: '13mm', right: '13mm' },
      // Untagged: Chrome's accessibility structure tree more than doubles the file (30 MB -> 12 MB for
      // 100 students) and the print time; the HTML report is the accessible form.
      tagged: false,
      timeout: 0,
    });
  } finally {
    await page.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function htmlToPdf(executablePath: string, html: string, outFile: string): Promise<void> {
  await withBrowser(executablePath, (b) => printPdf(b, html, outFile));
}
