// The report as one self-contained HTML document: templates/report.hbs with every templates/partials/*.hbs
// registered under its file name, and templates/report.css inlined. Compiled in Handlebars' strict mode so
// a template naming a field the view model lacks fails loudly instead of printing nothing.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { ReportView } from './view-model.ts';

export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

export type ReportTemplate = (view: ReportView) => string;

/** Loads and compiles the templates once; the returned function renders any number of views. */
export async function loadReportTemplate(dir: string = TEMPLATES_DIR): Promise<ReportTemplate> {
  const hb = Handlebars.create();
  const partialsDir = path.join(dir, 'partials');
  const names = (await readdir(partialsDir)).filter((f) => f.endsWith('.hbs')).sort();
  for (const f of names) {
    const file = path.join(partialsDir, f);
    hb.registerPartial(path.basename(f, '.hbs'), hb.compile(await readFile(file, 'utf8'), { strict: true }));
  }
  const mainFile = path.join(dir, 'report.hbs');
  const main = hb.compile(await readFile(mainFile, 'utf8'), { strict: true });
  const css = await readFile(path.join(dir, 'report.css'), 'utf8');
  return (view) => {
    try {
      return main({ ...view, css });
    } catch (err) {
      throw new Error(`rendering ${mainFile} (partials in ${partialsDir}): ${(err as Error).message}`);
    }
  };
}

export async function renderHtml(view: ReportView, dir?: string): Promise<string> {
  return (await loadReportTemplate(dir))(view);
}
