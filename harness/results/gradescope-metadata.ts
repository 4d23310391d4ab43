// Gradescope's /autograder/submission_metadata.json
// (https://gradescope-autograders.readthedocs.io/en/latest/submission_metadata/), read for its dates only:
// when the submission was made and when it was due. `dlgrade grade --gradescope-metadata FILE` passes it
// to results.json (gradescope.ts), which shows `after_due_date` tests once the due date has passed for this
// submission and says when it came late. Every field used is checked; a problem names the file and field.
import { readFileSync } from 'node:fs';

/** When one submission was made and when it was due, with extensions applied. */
export interface SubmissionTiming {
  /** The metadata file, for messages. */
  file: string;
  submittedAt: Date;
  /** The due date that applies to these users: the latest per-user due date (extensions), else the assignment's. */
  dueDate: Date;
  /** Likewise for the late due date; absent when the assignment has none. */
  lateDueDate?: Date;
  /** True when a per-user due date (an extension) replaced the assignment's. */
  extended: boolean;
}

/** Where a submission falls: before its due date, between it and the late due date, or after both. */
export type Lateness = 'on-time' | 'after-due-date' | 'after-late-due-date';

export function latenessOf(t: SubmissionTiming): Lateness {
  if (t.lateDueDate && t.submittedAt > t.lateDueDate) return 'after-late-due-date';
  return t.submittedAt > t.dueDate ? 'after-due-date' : 'on-time';
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

class MetadataReader {
  constructor(readonly file: string) {}

  fail(field: string, expected: string, got: unknown): never {
    throw new Error(`${this.file}: ${field}: expected ${expected}, got ${describe(got)} (Gradescope's submission_metadata.json)`);
  }

  object(v: unknown, field: string): Json {
    return isObject(v) ? v : this.fail(field, 'an object', v);
  }

  /** A date as Gradescope writes them ("2018-07-31T23:00:00.000000-07:00"); `null`/missing only when optional. */
  date(v: unknown, field: string, optional: true): Date | undefined;
  date(v: unknown, field: string): Date;
  date(v: unknown, field: string, optional = false): Date | undefined {
    if (optional && (v === null || v === undefined)) return undefined;
    const expected = `a date with time zone such as "2018-07-31T23:00:00.000000-07:00"${optional ? ' or null' : ''}`;
    // A date without a time zone would be read in this machine's zone: refuse it rather than guess.
    if (typeof v !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/.test(v)) return this.fail(field, expected, v);
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? this.fail(field, expected, v) : d;
  }
}

const latest = (dates: Date[]): Date | undefined => (dates.length ? new Date(Math.max(...dates.map((d) => d.getTime()))) : undefined);

/** The dates of a parsed submission_metadata.json. */
export function timingFromMetadata(json: unknown, file: string): SubmissionTiming {
  const r = new MetadataReader(file);
  const root = r.object(json, '(the whole file)');
  const submittedAt = r.date(root.created_at, 'created_at');
  const assignment = r.object(root.assignment, 'assignment');
  const assignmentDue = r.date(assignment.due_date, 'assignment.due_date');
  const assignmentLate = r.date(assignment.late_due_date, 'assignment.late_due_date', true);
  const users: unknown[] = Array.isArray(root.users) ? root.users : r.fail('users', 'an array of the submitting users', root.users);
  // Newer images give each user their own assignment dates (extensions). For a group, the most generous
  // date of its members applies: the group submitted once, and any member's extension covers it.
  const userDue: Date[] = [];
  const userLate: Date[] = [];
  users.forEach((u, i) => {
    const user = r.object(u, `users[${i}]`);
    if (user.assignment === undefined || user.assignment === null) return;
    const a = r.object(user.assignment, `users[${i}].assignment`);
    const due = r.date(a.due_date, `users[${i}].assignment.due_date`, true);
    const late = r.date(a.late_due_date, `users[${i}].assignment.late_due_date`, true);
    if (due) userDue.push(due);
    if (late) userLate.push(late);
  });
  const dueDate = latest(userDue) ?? assignmentDue;
  const lateDueDate = latest(userLate) ?? assignmentLate;
  return {
    file,
    submittedAt,
    dueDate,
    ...(lateDueDate ? { lateDueDate } : {}),
    extended: dueDate.getTime() !== assignmentDue.getTime(),
  };
}

/** Reads and checks the file; an unreadable file or invalid JSON is an error naming it. */
export function readGradescopeMetadata(file: string): SubmissionTiming {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read the Gradescope submission metadata: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (Gradescope's submission_metadata.json): ${(e as Error).message}`);
  }
  return timingFromMetadata(json, file);
}
