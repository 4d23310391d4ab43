// vitest's task.meta learns the `dlgrade` key (the data type is harness/types/dlgrade-meta.ts). Declared
// here, next to the helpers that write it (report-helpers.ts), because it is about vitest, which the types
// floor does not know.
import type {} from 'vitest';
import type { DlgradeMeta } from '../types/dlgrade-meta.ts';

declare module 'vitest' {
  interface TaskMeta {
    dlgrade?: DlgradeMeta;
  }
}
