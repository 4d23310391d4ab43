// Text that comes from students (their folder names, messages their code produced) rendered so that it
// shows as the characters it is and does nothing. No control character (C0, DEL, C1), Unicode format
// character (bidirectional overrides, zero-width characters), line/paragraph separator or lone surrogate
// reaches a terminal, CSV, Markdown, XML or HTML output raw: each is written as a visible escape (\n, \t,
// \u001b, \u202e). Escaping for a format (CSV quotes, Markdown punctuation, XML entities, HTML) is the
// renderer's job, on top of this.

const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const INVISIBLE_BUT_LINES = /(?![\n\t])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  const code = c.codePointAt(0)!;
  return NAMED[c] ?? (code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/**
 * A student's name on one line, every invisible character escaped. Backslashes are doubled first, so a
 * name cannot spell an escape: "a\nb" (a newline) shows as `a\nb`, the five characters a \ n b as `a\\nb`.
 */
export function displayName(name: string): string {
  return name.replace(/\\/g, '\\\\').replace(INVISIBLE, escapeChar);
}

/** Other untrusted text (messages): invisible characters escaped; line breaks and tabs kept unless `oneLine`. */
export function visibleText(text: string, opts: { oneLine?: boolean } = {}): string {
  return opts.oneLine ? text.replace(INVISIBLE, escapeChar) : text.replace(/\r\n?/g, '\n').replace(INVISIBLE_BUT_LINES, escapeChar);
}

/**
 * Lines for a terminal or a CI log: visible text, and no GitHub Actions workflow command. The runner reads
 * `::command::` at the start of a line (leading spaces ignored) and `##[command]` anywhere in it, from a
 * step's output; a backslash breaks both (`\::error`, `##\[error]`).
 */
export function terminalText(text: string): string {
  return visibleText(text)
    .split('\n')
    .map((line) => line.replace(/^(\s*)::/, '$1\\::').replace(/##\[/g, '##\\['))
    .join('\n');
}
