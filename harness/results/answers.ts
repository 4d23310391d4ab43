// Reads a student's written answer for a manual item: the section under a Markdown heading in a file of the
// submission ("## B.1" ... up to the next heading of the same or a higher level). Untrusted input: the path
// must stay inside the submission folder and answers are capped in size.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AnswerLocation } from '../assignment/types.ts';

const MAX_FILE_BYTES = 1_000_000;
const MAX_ANSWER_CHARS = 20_000;

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Does heading text name item `id`? "B.1", "B.1: Shape table", "B.1 — table" match; "B.10" does not. */
export function headingNames(text: string, id: string): boolean {
  return new RegExp(`^\\**${escape(id)}(?:$|[\\s:)*\\-\\u2013\\u2014])`, 'i').test(text.trim());
}

/** The answer text under `heading` in `markdown`, trimmed; undefined when absent or empty. */
export function answerSection(markdown: string, heading: string): string | undefined {
  const lines = markdown.split(/\r?\n/);
  let level = 0;
  const out: string[] = [];
  let inFence = false;
  for (const line of lines) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const h = inFence ? null : HEADING.exec(line);
    if (level) {
      if (h && h[1]!.length <= level) break;
      out.push(line);
    } else if (h && headingNames(h[2]!, heading)) {
      level = h[1]!.length;
    }
  }
  const text = out.join('\n').trim();
  if (!text) return undefined;
  return text.length > MAX_ANSWER_CHARS ? `${text.slice(0, MAX_ANSWER_CHARS)}\n[... answer truncated at ${MAX_ANSWER_CHARS} characters]` : text;
}

/** The student's answer at `loc` in `submissionDir`, or undefined (missing file, heading, or empty section). */
export function readAnswer(submissionDir: string, loc: AnswerLocation): string | undefined {
  // No folder (a missing submission, a name that cannot be opened): no answers.
  if (!existsSync(submissionDir)) return undefined;
  const root = realpathSync(submissionDir);
  const file = path.resolve(root, loc.file);
  if (!existsSync(file)) return undefined;
  const real = realpathSync(file);
  if (real !== root && !real.startsWith(root + path.sep)) return undefined; // a symlink out of the submission
  const st = statSync(real);
  if (!st.isFile() || st.size > MAX_FILE_BYTES) return undefined;
  return answerSection(readFileSync(real, 'utf8'), loc.heading);
}
