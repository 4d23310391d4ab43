// An assignment.yaml problem names the file, the line and column, and the field path, so an author can jump
// straight to it: "assignments/mini/assignment.yaml:12:9 exercises[0].tests[1].points: must be a number".

export interface AssignmentIssue {
  file: string;
  /** 1-based; 0 when the position is unknown. */
  line: number;
  col: number;
  /** Field path in the yaml, e.g. "exercises[0].tests[1].points" ("" for the document itself). */
  field: string;
  message: string;
}

export function formatIssue(i: AssignmentIssue): string {
  const where = i.line > 0 ? `${i.file}:${i.line}:${i.col}` : i.file;
  return `${where} ${i.field ? `${i.field}: ` : ''}${i.message}`;
}

export class AssignmentError extends Error {
  constructor(
    readonly issues: AssignmentIssue[],
    what = 'invalid assignment',
  ) {
    super(issues.length === 1 ? `${what}: ${formatIssue(issues[0]!)}` : `${what} (${issues.length} problems):\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
    this.name = 'AssignmentError';
  }
}
