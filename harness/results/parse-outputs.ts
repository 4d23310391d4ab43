// Test support: the class outputs read back by independent, well-kept parsers, so tests check what a
// spreadsheet, a CI's JUnit reader or GitHub's Markdown renderer would see, not our own idea of the format.
// gradebook.csv through csv-parse (strict RFC 4180), junit.xml through saxes (a conforming XML 1.0 parser:
// any well-formedness error, a control character included, throws), summary.md through micromark with GFM
// (tables, autolink literals: what GitHub renders).
import { parse } from 'csv-parse/sync';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { SaxesParser } from 'saxes';

/**
 * A raw control character (C0 but tab, LF and CR; DEL; C1), a line/paragraph separator or a bidi override or
 * isolate: what no output may carry from a student's text.
 */
export const RAW_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** gradebook.csv as rows of cells (header first); throws on any quoting error or ragged row. */
export function parseCsv(csv: string): string[][] {
  return parse(csv, { record_delimiter: '\r\n', relax_quotes: false, relax_column_count: false, bom: false }) as string[][];
}

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** An XML document as a tree of elements; throws on the first well-formedness error. */
export function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser({ xmlns: false });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let failure: Error | undefined;
  parser.on('error', (e) => {
    failure ??= e;
  });
  parser.on('opentag', (tag) => {
    const el: XmlElement = { name: tag.name, attributes: { ...(tag.attributes as Record<string, string>) }, children: [], text: '' };
    if (stack.length) stack.at(-1)!.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('text', (t) => {
    if (stack.length) stack.at(-1)!.text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(xml).close();
  if (failure) throw failure;
  if (!root) throw new Error('no root element');
  return root;
}

/** Every element below (and including) `el` with this name. */
export function elements(el: XmlElement, name: string): XmlElement[] {
  return [...(el.name === name ? [el] : []), ...el.children.flatMap((c) => elements(c, name))];
}

/** Markdown as GitHub renders it (GFM, raw HTML passed through as GitHub's job summary allows). */
export function renderGfm(markdown: string): string {
  return micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true });
}
