import { existsSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataError } from './errors.ts';

// File access shared by the IDX and CIFAR-10 readers, so that a missing path or a corrupt .gz is
// reported the same way (as a DataError naming the file) everywhere.

/** Reads a whole file; `.gz` files are decompressed. */
export function readBytes(path: string): Uint8Array {
  if (!existsSync(path)) throw new DataError(path, 'no such file');
  if (statSync(path).isDirectory()) throw new DataError(path, 'is a folder, expected a file');
  const raw = readFileSync(path);
  if (!path.endsWith('.gz')) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  try {
    const out = gunzipSync(raw);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    throw new DataError(path, `not a valid gzip file (${(e as Error).message})`);
  }
}

/** The folder must exist; the message says what it was expected to hold. */
export function requireFolder(path: string, expected: string): void {
  if (!existsSync(path)) throw new DataError(path, `no such folder (expected ${expected})`);
  if (!statSync(path).isDirectory()) throw new DataError(path, `is a file, expected a folder holding ${expected}`);
}
