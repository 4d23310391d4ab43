/** Marks a part of the assignment you have not written yet: delete the call once your code is in place. */
export function todo(what: string): never {
  const err = new Error(`TODO ${what}`);
  // Point the stack (and the grader's "at file:line") at the caller, where the code is missing.
  Error.captureStackTrace?.(err, todo);
  throw err;
}
