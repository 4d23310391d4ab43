import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { answerSection, headingNames, readAnswer } from './answers.ts';

const MD = `# Answers

## B.1: Shape table
| layer | shape |
| conv1 | 32x32x16 |

### B.1 detail
more detail

## B.10
ten

## B.2
\`\`\`
# not a heading inside a fence
\`\`\`
code answer
`;

describe('answers.md sections', () => {
  test('a heading names an item id exactly, not a longer one', () => {
    expect(headingNames('B.1', 'B.1')).toBe(true);
    expect(headingNames('B.1: Shape table', 'B.1')).toBe(true);
    expect(headingNames('b.1 — table', 'B.1')).toBe(true);
    expect(headingNames('B.10', 'B.1')).toBe(false);
    expect(headingNames('B.1.2', 'B.1')).toBe(false);
  });

  test('a section runs to the next heading of the same or higher level, sub-headings included', () => {
    expect(answerSection(MD, 'B.1')).toBe('| layer | shape |\n| conv1 | 32x32x16 |\n\n### B.1 detail\nmore detail');
    expect(answerSection(MD, 'B.10')).toBe('ten');
    expect(answerSection(MD, 'B.2')).toBe('```\n# not a heading inside a fence\n```\ncode answer');
    expect(answerSection(MD, 'C.1')).toBeUndefined();
    expect(answerSection('## C.1\n\n## C.2\nx', 'C.1')).toBeUndefined();
  });

  test('readAnswer stays inside the submission folder', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'dlgrade-answers-'));
    const sub = path.join(root, 'sub');
    mkdirSync(sub);
    writeFileSync(path.join(root, 'secret.md'), '## X.1\nsecret');
    writeFileSync(path.join(sub, 'answers.md'), '## X.1\nmine');
    symlinkSync(path.join(root, 'secret.md'), path.join(sub, 'link.md'));
    expect(readAnswer(sub, { file: 'answers.md', heading: 'X.1' })).toBe('mine');
    expect(readAnswer(sub, { file: '../secret.md', heading: 'X.1' })).toBeUndefined();
    expect(readAnswer(sub, { file: 'link.md', heading: 'X.1' })).toBeUndefined();
    expect(readAnswer(sub, { file: 'missing.md', heading: 'X.1' })).toBeUndefined();
  });
});

test('a submission folder that is not there has no answers (instead of failing the result)', () => {
  expect(readAnswer('/nonexistent/dlgrade/submission', { file: 'answers.md', heading: 'B.1' })).toBeUndefined();
});
