// Every data problem a user can cause (missing path, truncated file, wrong size, bad header) surfaces as
// a DataError naming the source and what is wrong, before any bytes reach tfjs.

export class DataError extends Error {
  constructor(
    /** File, folder or dataset the problem is in, e.g. "/data/cifar-10-batches-bin/data_batch_3.bin". */
    readonly source: string,
    /** What is wrong, e.g. "truncated: 30,725 bytes is not a whole number of 3,073-byte records". */
    readonly problem: string,
  ) {
    super(`${source}: ${problem}`);
    this.name = 'DataError';
  }
}

/** 30725 -> "30,725": byte and record counts in messages are easier to read grouped. */
export function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
