// A student's id (SubmissionResult.id): the name of their folder in class outputs (OUT/<id>/), of their
// report files and HTML anchors. A pure function of the student's name, so it is the same on every run,
// every shard and every machine (resume and `dlgrade merge` find a student by it), and it never collides
// with another student's, with a class-level file (gradebook.csv, summary.md, junit.xml: they have a dot)
// or with itself on a case-insensitive filesystem:
//   - a name that already is a short lower-case [a-z0-9_-] word (not a Windows device name) is kept:
//     "ada-okafor" -> "ada-okafor";
//   - any other name becomes a readable slug + "~" + 12 hex digits of its SHA-256: "Ada Okafor" ->
//     "ada_okafor~774a7c692f83", "summary.md" -> "summary.md~f13dd30d608d". Kept names have no "~", so the
//     two forms never meet, and distinct names differ in their hash (a 48-bit collision, which nobody meets
//     by chance, is refused by studentIds()).
import { createHash } from 'node:crypto';
import { STUDENT_ID_PATTERN } from '../types/submission-result-schema.ts';
import { displayName } from './safe-text.ts';

const KEPT = /^[a-z0-9][a-z0-9_-]{0,63}$/;
// Names Windows reserves for devices, whatever the extension.
const DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/;
const SLUG_MAX = 40;

export function studentId(student: string): string {
  if (KEPT.test(student) && !DEVICE.test(student)) return student;
  const slug =
    student
      .normalize('NFKD')
      .replace(/\p{M}/gu, '') // accents off: "José" -> "jose"
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '_')
      .replace(/^[._-]+/, '')
      .slice(0, SLUG_MAX)
      .replace(/[._-]+$/, '') || 'student';
  const hash = createHash('sha256').update(student, 'utf8').digest('hex').slice(0, 12);
  return `${slug}~${hash}`;
}

const ID = new RegExp(STUDENT_ID_PATTERN);

/** Whether a string has the shape of a student id (a safe single path segment). */
export function isStudentId(id: string): boolean {
  return ID.test(id);
}

/**
 * Each student's id, refusing two students with one id (it takes a hash collision: never by accident, and
 * a name crafted to collide must not overwrite another student's results).
 */
export function studentIds(students: Iterable<string>): Map<string, string> {
  const byId = new Map<string, string>();
  const ids = new Map<string, string>();
  for (const s of students) {
    const id = studentId(s);
    const other = byId.get(id);
    if (other !== undefined && other !== s) {
      throw new Error(`students "${displayName(other)}" and "${displayName(s)}" would share the output folder ${id}: rename one of their folders`);
    }
    byId.set(id, s);
    ids.set(s, id);
  }
  return ids;
}
