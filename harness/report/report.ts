// `dlgrade report` end to end: load every dlgrade.json below a folder, build the view model, render HTML,
// and print it to PDF when asked for a .pdf and a browser is at hand (otherwise write the HTML and say how
// to get PDF). Rendering only: every score printed is the one stored by grading.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { displayName } from '../results/safe-text.ts';
import type { SubmissionResult } from '../types/submission-result.ts';
import { findBrowser, HOW_TO_GET_PDF } from './browser.ts';
import { loadResults } from './load-results.ts';
import { loadReportTemplate, renderHtml } from './render-html.ts';
import { htmlToPdf, printPdf, withBrowser } from './render-pdf.ts';
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
    // By name as given, or by id (the folder name: easier to type for a name with spaces or newlines).
    const chosen = rs.filter((r) => r.student === opts.student || r.id === opts.student);
    if (chosen.length === 0) {
      const names = [...new Set(rs.map((r) => displayName(r.student)))].sort();
      throw new Error(`no results of student "${displayName(opts.student)}" below ${opts.results}; students: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', ...' : ''}`);
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

export interface StudentReportsOptions {
  results: string;
  /** Folder to write <assignment>/<student id>.pdf (or .html) into. */
  dir: string;
  format: 'pdf' | 'html';
  assignment?: string;
  audience?: Audience;
  generatedAt?: Date;
  browserPath?: string | null;
}

export interface StudentReportsOutcome {
  files: string[];
  format: 'pdf' | 'html';
  note?: string;
  totalMs: number;
}

/**
 * One report per student (for handing back), each its own file: <dir>/<assignment>/<id>.pdf, named by the
 * student id (short, safe and unique: SubmissionResult.id). One browser prints them all. Audience defaults
 * to student: hidden tests show their score, not their message.
 */
export async function writeStudentReports(opts: StudentReportsOptions): Promise<StudentReportsOutcome> {
  const t0 = performance.now();
  const results = selectResults((await loadResults(opts.results)).map((l) => l.result), opts);
  const template = await loadReportTemplate();
  const viewOpts = { audience: opts.audience ?? 'student', generatedAt: opts.generatedAt } as const;
  const browser = opts.format === 'html' || opts.browserPath === null ? undefined : opts.browserPath ? { executablePath: opts.browserPath } : await findBrowser();
  const format = browser ? 'pdf' : 'html';
  const docs: { file: string; html: string }[] = [];
  for (const r of results) {
    const html = template(await buildStudentReport([r], viewOpts));
    // The assignment id is checked by its loader ([a-z0-9-]); this keeps a hand-edited result in the folder too.
    const assignment = r.assignment.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
    docs.push({ file: path.join(opts.dir, assignment, `${r.id}.${format}`), html });
  }
  for (const d of new Set(docs.map((d) => path.dirname(d.file)))) await mkdir(d, { recursive: true });
  if (browser) {
    await withBrowser(browser.executablePath, async (b) => {
      for (const d of docs) await printPdf(b, d.html, d.file);
    });
  } else {
    for (const d of docs) await writeFile(d.file, d.html);
  }
  const note = opts.format === 'pdf' && !browser ? `no Chrome/Chromium found, wrote HTML instead: ${HOW_TO_GET_PDF}` : undefined;
  return { files: docs.map((d) => d.file), format, ...(note ? { note } : {}), totalMs: performance.now() - t0 };
}
