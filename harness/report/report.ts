// `dlgrade report` end to end: load every dlgrade.json below a folder, build the view model, render HTML,
// and print it to PDF when asked for a .pdf and a browser is at hand (otherwise write the HTML and say how
// to get PDF). Rendering only: every score printed is the one stored by grading.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SubmissionResult } from '../results/types.ts';
import { findBrowser, HOW_TO_GET_PDF } from './browser.ts';
import { loadResults } from './load-results.ts';
import { renderHtml } from './render-html.ts';
import { htmlToPdf } from './render-pdf.ts';
import { buildClassReport, buildStudentReport, type Audience } from './view-model.ts';

export interface ReportOptions {
  /** Folder holding dlgrade.json files at any depth. */
  results: string;
  /** Output file: .pdf or .html. */
  out: string;
  /** Only this assignment id. */
  assignment?: string;
  /** A student report (their pages only, no class summary). */
  student?: string;
  audience?: Audience;
  title?: string;
  /** Fixed timestamp (tests). */
  generatedAt?: Date;
  /** Browser to print with; found with findBrowser() when absent. `null`: behave as if none was found. */
  browserPath?: string | null;
}

export interface ReportOutcome {
  file: string;
  format: 'pdf' | 'html';
  kind: 'class' | 'student';
  students: number;
  assignments: string[];
  /** Set when a PDF was asked for but only HTML could be written. */
  note?: string;
  browser?: string;
  timings: { loadMs: number; viewMs: number; htmlMs: number; pdfMs: number; totalMs: number };
}

export function selectResults(all: SubmissionResult[], opts: Pick<ReportOptions, 'assignment' | 'student' | 'results'>): SubmissionResult[] {
  let rs = all;
  if (opts.assignment) {
    rs = rs.filter((r) => r.assignment === opts.assignment);
    if (rs.length === 0) {
      throw new Error(`no results of assignment "${opts.assignment}" below ${opts.results}; found: ${[...new Set(all.map((r) => r.assignment))].join(', ')}`);
    }
  }
  if (opts.student) {
    const chosen = rs.filter((r) => r.student === opts.student);
    if (chosen.length === 0) {
      const names = [...new Set(rs.map((r) => r.student))].sort();
      throw new Error(`no results of student "${opts.student}" below ${opts.results}; students: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', ...' : ''}`);
    }
    rs = chosen;
  }
  return rs;
}

export async function writeReport(opts: ReportOptions): Promise<ReportOutcome> {
  const t0 = performance.now();
  const ext = path.extname(opts.out).toLowerCase();
  if (ext !== '.pdf' && ext !== '.html' && ext !== '.htm') {
    throw new Error(`--out ${opts.out}: give a file ending in .pdf or .html`);
  }
  const all = (await loadResults(opts.results)).map((l) => l.result);
  const results = selectResults(all, opts);
  const t1 = performance.now();
  const viewOpts = { audience: opts.audience ?? (opts.student ? 'student' : 'instructor'), title: opts.title, generatedAt: opts.generatedAt } as const;
  const view = opts.student ? await buildStudentReport(results, viewOpts) : await buildClassReport(results, viewOpts);
  const t2 = performance.now();
  const html = await renderHtml(view);
  const t3 = performance.now();
  await mkdir(path.dirname(path.resolve(opts.out)), { recursive: true });
  const base = {
    kind: view.kind,
    students: results.length,
    assignments: [...new Set(results.map((r) => r.assignment))].sort(),
  };
  const timings = (pdfMs: number) => ({ loadMs: t1 - t0, viewMs: t2 - t1, htmlMs: t3 - t2, pdfMs, totalMs: performance.now() - t0 });

  if (ext !== '.pdf') {
    await writeFile(opts.out, html);
    return { ...base, file: opts.out, format: 'html', timings: timings(0) };
  }
  const browser = opts.browserPath === null ? undefined : opts.browserPath ? { executablePath: opts.browserPath, source: 'given' } : await findBrowser();
  if (!browser) {
    const file = opts.out.replace(/\.pdf$/i, '.html');
    await writeFile(file, html);
    return { ...base, file, format: 'html', note: `no Chrome/Chromium found, wrote HTML instead: ${HOW_TO_GET_PDF}`, timings: timings(0) };
  }
  const t4 = performance.now();
  await htmlToPdf(browser.executablePath, html, opts.out);
  return { ...base, file: opts.out, format: 'pdf', browser: `${browser.executablePath} (${browser.source})`, timings: timings(performance.now() - t4) };
}
