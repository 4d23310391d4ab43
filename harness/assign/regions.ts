// Solution regions: the reference solution is the one hand-written copy of an assignment's code, and the
// starter is derived from it (as Otter-Grader's `assign` and nbgrader's ClearSolutions do). Markers
// (docs/authoring.md "Solution regions"):
//   TypeScript/JavaScript: `// BEGIN SOLUTION` ... `// END SOLUTION` (removed), `// STARTER: <code>` (becomes
//   <code>), `// BEGIN STARTER` ... `// END STARTER` with each line written `// <line>` (uncommented), and a
//   first line `// dlgrade: reference-only` (the file is not in the starter).
//   Markdown: `<!-- BEGIN SOLUTION -->` ... `<!-- END SOLUTION -->`, `<!-- BEGIN STARTER` ... `END STARTER -->`.
// Two views of a marked file: the starter (solutions out, starter lines in) and the solution (markers out,
// solutions kept, starter lines out), which is how the reference and its fixtures are submitted.

export type View = 'starter' | 'solution';

/** A marker problem, located at file:line. */
export class RegionError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = 'RegionError';
  }
}

type Syntax = 'code' | 'markdown';

function syntaxOf(file: string): Syntax | undefined {
  if (/\.(ts|mts|cts|tsx|js|mjs|cjs|jsx)$/.test(file)) return 'code';
  if (/\.(md|markdown)$/.test(file)) return 'markdown';
  return undefined;
}

/** True when the file's first line says it belongs to the reference only. */
export function isReferenceOnly(source: string): boolean {
  return /^\s*\/\/\s*dlgrade:\s*reference-only\b/.test(source.split('\n', 1)[0] ?? '');
}

interface Markers {
  beginSolution: RegExp;
  endSolution: RegExp;
  beginStarter: RegExp;
  endStarter: RegExp;
  /** One starter line: captures the indentation and the code. */
  starterLine?: RegExp;
  /** A line inside a starter block: captures the indentation and the uncommented line. */
  starterBody: (line: string) => string | undefined;
}

const CODE: Markers = {
  beginSolution: /^\s*\/\/\s*BEGIN SOLUTION\s*$/,
  endSolution: /^\s*\/\/\s*END SOLUTION\s*$/,
  beginStarter: /^\s*\/\/\s*BEGIN STARTER\s*$/,
  endStarter: /^\s*\/\/\s*END STARTER\s*$/,
  starterLine: /^(\s*)\/\/\s?STARTER:\s?(.*)$/,
  starterBody: (line) => {
    const m = /^(\s*)\/\/ ?(.*)$/.exec(line);
    return m ? `${m[1]}${m[2]}` : line.trim() === '' ? '' : undefined;
  },
};

const MARKDOWN: Markers = {
  beginSolution: /^\s*<!--\s*BEGIN SOLUTION\s*-->\s*$/,
  endSolution: /^\s*<!--\s*END SOLUTION\s*-->\s*$/,
  beginStarter: /^\s*<!--\s*BEGIN STARTER\s*$/,
  endStarter: /^\s*END STARTER\s*-->\s*$/,
  starterBody: (line) => line,
};

/**
 * The starter or solution view of a file's text. Files of other kinds are returned as they are. Throws
 * RegionError for unbalanced or nested markers, and for a starter-block line that is not a comment.
 */
export function applyRegions(source: string, file: string, view: View): string {
  const syntax = syntaxOf(file);
  if (!syntax) return source;
  const m = syntax === 'code' ? CODE : MARKDOWN;
  const out: string[] = [];
  let block: { kind: 'solution' | 'starter'; line: number } | undefined;
  const lines = source.split('\n');
  const first = isReferenceOnly(source) ? 1 : 0;
  lines.forEach((line, i) => {
    const at = i + 1;
    if (i < first) return;
    const opens = m.beginSolution.test(line) ? 'solution' : m.beginStarter.test(line) ? 'starter' : undefined;
    if (opens) {
      if (block) throw new RegionError(file, at, `BEGIN ${opens.toUpperCase()} inside the ${block.kind} region opened at line ${block.line} (regions do not nest)`);
      block = { kind: opens, line: at };
      return;
    }
    const closes = m.endSolution.test(line) ? 'solution' : m.endStarter.test(line) ? 'starter' : undefined;
    if (closes) {
      if (!block) throw new RegionError(file, at, `END ${closes.toUpperCase()} without a BEGIN ${closes.toUpperCase()} before it`);
      if (block.kind !== closes) throw new RegionError(file, at, `END ${closes.toUpperCase()} closes the ${block.kind} region opened at line ${block.line}`);
      block = undefined;
      return;
    }
    if (block?.kind === 'solution') {
      if (view === 'solution') out.push(line);
      return;
    }
    if (block?.kind === 'starter') {
      if (view === 'starter') {
        const body = m.starterBody(line);
        if (body === undefined) throw new RegionError(file, at, `a line inside a STARTER region must be a comment ("// <code>"), got: ${line.trim()}`);
        out.push(body);
      }
      return;
    }
    const single = m.starterLine?.exec(line);
    if (single) {
      if (view === 'starter') out.push(`${single[1]}${single[2]}`);
      return;
    }
    out.push(line);
  });
  if (block) throw new RegionError(file, block.line, `BEGIN ${block.kind.toUpperCase()} is never closed`);
  return out.join('\n');
}

/** Whether a file's text carries any marker (a reference file without one is shared as it is). */
export function hasRegions(source: string, file: string): boolean {
  const syntax = syntaxOf(file);
  if (!syntax) return false;
  const m = syntax === 'code' ? CODE : MARKDOWN;
  return source.split('\n').some((l) => m.beginSolution.test(l) || m.beginStarter.test(l) || !!m.starterLine?.test(l));
}
