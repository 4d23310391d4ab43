// Student ids: stable (pinned values), safe single path segments, unique (also on case-insensitive
// filesystems), never a class-level file; names Unicode cannot tell apart still get their own id.
import { describe, expect, test } from 'vitest';
import { displayName, terminalText, visibleText } from './safe-text.ts';
import { isStudentId, studentId, studentIds } from './student-id.ts';

const NAMES = [
  'ada-okafor', 'Ada-Okafor', 'ADA-OKAFOR', 'x y', 'x_y', 'x-y', 'summary.md', 'gradebook.csv', 'junit.xml', 'con', 'CON', 'nul', 'lpt1',
  'new\nline', 'new\rline', '::error::x', '\u001b[31mred', '[a](b)', 'José', 'Jose\u0301', '...', '-rf', '~', 'x_y~887fcea6a803',
  'a'.repeat(255), 'é'.repeat(127), '日本語', '\u202eevil', 'a\u0000b',
];

describe('studentId', () => {
  test('pinned: short lower-case words are kept; anything else is a slug + 12 hex of SHA-256 (computed with Python hashlib)', () => {
    expect(studentId('ada-okafor')).toBe('ada-okafor');
    expect(studentId('x_y')).toBe('x_y');
    expect(studentId('Ada Okafor')).toBe('ada_okafor~774a7c692f83');
    expect(studentId('summary.md')).toBe('summary.md~f13dd30d608d');
    expect(studentId('x y')).toBe('x_y~887fcea6a803');
  });

  test('every id is a safe path segment of at most 64 characters, and no two names share one, even ignoring case', () => {
    const ids = NAMES.map(studentId);
    for (const [i, id] of ids.entries()) {
      expect(isStudentId(id), `${JSON.stringify(NAMES[i])} -> ${id}`).toBe(true);
      expect(id.length).toBeLessThanOrEqual(64);
      expect(id).not.toMatch(/^[.-]|[/\\\0]/);
    }
    expect(new Set(ids.map((id) => id.toLowerCase())).size).toBe(NAMES.length);
  });

  test('never a class-level file name, a Windows device name, nor a hidden file', () => {
    for (const f of ['summary.md', 'gradebook.csv', 'junit.xml', 'results.json', 'dlgrade.json', 'class-report.pdf']) expect(studentId(f)).not.toBe(f);
    for (const d of ['con', 'prn', 'aux', 'nul', 'com1', 'lpt9']) expect(studentId(d)).toMatch(new RegExp(`^${d}~`));
    expect(studentId('.hidden')).toMatch(/^hidden~/);
  });

  test('studentIds refuses nobody in a real class, and names both students if two ever shared an id', () => {
    expect(studentIds(NAMES).size).toBe(NAMES.length);
    expect(studentIds(['a', 'a']).get('a')).toBe('a');
  });
});

describe('safe text', () => {
  test('displayName: one line, every invisible character as an escape, backslashes doubled so escapes cannot be forged', () => {
    expect(displayName('a\nb')).toBe('a\\nb');
    expect(displayName('a\\nb')).toBe('a\\\\nb');
    expect(displayName('\u001b[31mred\u001b]8;;x\u0007')).toBe('\\u001b[31mred\\u001b]8;;x\\u0007');
    expect(displayName('rtl\u202eevil\u200b\u2028\u0085')).toBe('rtl\\u202eevil\\u200b\\u2028\\u0085');
    expect(displayName('José 日本語')).toBe('José 日本語');
  });

  test('visibleText keeps lines and tabs (CRLF as LF) unless asked for one line', () => {
    expect(visibleText('a\r\nb\tc\u0007')).toBe('a\nb\tc\\u0007');
    expect(visibleText('a\nb', { oneLine: true })).toBe('a\\nb');
  });

  test('terminalText: no GitHub workflow command survives, at a line start or anywhere', () => {
    expect(terminalText('::error::x\n  ::warning file=a::y\nok ::notice::z\nsee ##[error]w')).toBe('\\::error::x\n  \\::warning file=a::y\nok ::notice::z\nsee ##\\[error]w');
    expect(terminalText('a\u001b[2Jb')).toBe('a\\u001b[2Jb');
  });
});
