// The one convention that ties a vitest test to its assignment.yaml entry: the test's own title starts with
// the yaml test id, a colon and a space ("A.params.mnist: counts like PyTorch"). describe blocks are free.

const TITLE_ID = /^([A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)+):\s/;

/** The yaml test id a vitest title claims, or undefined when it claims none. */
export function testIdOfTitle(title: string): string | undefined {
  return TITLE_ID.exec(title)?.[1];
}

/** The exercise id of a test or manual-item id: the part before the first dot ("A.params.mnist" -> "A"). */
export function exerciseOfId(id: string): string {
  return id.split('.')[0]!;
}
