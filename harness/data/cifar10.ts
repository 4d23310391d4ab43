import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, fmt } from './errors.ts';
import { readBytes, requireFolder } from './files.ts';
import { makeDataset, type ImageDataset } from './dataset.ts';

// CIFAR-10's binary version (https://www.cs.toronto.edu/~kriz/cifar.html, cifar-10-batches-bin): each
// record is 1 label byte then 3072 pixel bytes, the 1024 red values first, then green, then blue, each
// plane 32x32 row-major. We return NHWC (tfjs's layout), so the planes are interleaved on reading.

export const CIFAR10_CLASSES: readonly string[] = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;

export const CIFAR10_TRAIN_FILES: readonly string[] = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
export const CIFAR10_TEST_FILE = 'test_batch.bin';

/** Checks a batch file's size; returns its record count. */
function recordCount(bytes: Uint8Array, source: string): number {
  if (bytes.length === 0) throw new DataError(source, 'empty file, expected records of 3,073 bytes (1 label + 3x32x32 pixels)');
  if (bytes.length % RECORD !== 0) {
    const whole = Math.floor(bytes.length / RECORD);
    throw new DataError(source, `truncated or not a CIFAR-10 batch: ${fmt(bytes.length)} bytes is not a whole number of 3,073-byte records (1 label + 3x32x32 pixels); ${fmt(whole)} whole record(s) then ${fmt(bytes.length - whole * RECORD)} stray byte(s)`);
  }
  return bytes.length / RECORD;
}

/** Decodes the records of one file into images/labels starting at image `at`. */
function decodeInto(bytes: Uint8Array, source: string, numClasses: number, images: Float32Array, labels: Int32Array, at: number): void {
  const n = bytes.length / RECORD;
  for (let r = 0; r < n; r++) {
    const base = r * RECORD;
    const y = bytes[base];
    if (y >= numClasses) throw new DataError(source, `record ${r} (byte offset ${fmt(base)}) has label ${y}, expected 0..${numClasses - 1}: not a CIFAR-10 batch (CIFAR-100 records have 2 label bytes)`);
    labels[at + r] = y;
    const out = (at + r) * 3 * PLANE;
    for (let c = 0; c < 3; c++) {
      const plane = base + 1 + c * PLANE;
      for (let p = 0; p < PLANE; p++) images[out + p * 3 + c] = bytes[plane + p] / 255;
    }
  }
}

/** Decodes whole batch files (already read) into one [n,32,32,3] dataset in [0,1]. */
function decodeFiles(files: readonly { bytes: Uint8Array; source: string }[], name: string, classNames: readonly string[]): ImageDataset {
  const counts = files.map((f) => recordCount(f.bytes, f.source));
  const n = counts.reduce((a, b) => a + b, 0);
  // One allocation for all files: 50,000 images are 614 MB as float32, so no per-file copies.
  const images = new Float32Array(n * 3 * PLANE);
  const labels = new Int32Array(n);
  let at = 0;
  files.forEach((f, i) => {
    decodeInto(f.bytes, f.source, classNames.length, images, labels, at);
    at += counts[i];
  });
  return makeDataset({ name, height: SIDE, width: SIDE, channels: 3, images, labels, classNames });
}

/** Parses one batch file's bytes into [n,32,32,3] in [0,1]; `source` names the file in errors. */
export function parseCifar10Batch(bytes: Uint8Array, source: string, classNames: readonly string[] = CIFAR10_CLASSES): ImageDataset {
  return decodeFiles([{ bytes, source }], source, classNames);
}

/** Reads one batch file (data_batch_N.bin or test_batch.bin). */
export function readCifar10Batch(path: string, classNames: readonly string[] = CIFAR10_CLASSES): ImageDataset {
  return parseCifar10Batch(readBytes(path), path, classNames);
}

/** The folder holding the batches: `dir` itself, or `dir/cifar-10-batches-bin` (the archive's layout). */
export function cifar10Folder(dir: string): string {
  requireFolder(dir, 'the CIFAR-10 binary batches (data_batch_1.bin ... test_batch.bin)');
  const nested = join(dir, 'cifar-10-batches-bin');
  if (!existsSync(join(dir, CIFAR10_TEST_FILE)) && !existsSync(join(dir, CIFAR10_TRAIN_FILES[0])) && existsSync(nested)) return nested;
  return dir;
}

/** Class names from batches.meta.txt (one per line) when present, else the standard ten. */
export function cifar10ClassNames(dir: string): readonly string[] {
  const meta = join(cifar10Folder(dir), 'batches.meta.txt');
  if (!existsSync(meta)) return CIFAR10_CLASSES;
  const names = readFileSync(meta, 'utf8').split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length !== 10) throw new DataError(meta, `expected 10 class names (one per line), found ${names.length}`);
  return names;
}

export interface Cifar10Options {
  /** 'train' = data_batch_1..5 (50,000 images), 'test' = test_batch (10,000). Default train. */
  split?: 'train' | 'test';
  /** Only these training batches (1..5), e.g. [1] for a quick 10,000-image run. */
  batches?: readonly number[];
}

/** CIFAR-10 from a folder of binary batches, as [n,32,32,3] NHWC float32 in [0,1]. */
export function loadCifar10(dir: string, opts: Cifar10Options = {}): ImageDataset {
  const folder = cifar10Folder(dir);
  const classNames = cifar10ClassNames(folder);
  const split = opts.split ?? 'train';
  if (split === 'test') {
    if (opts.batches) throw new DataError(folder, '`batches` selects training batches; the test split is the single test_batch.bin');
    const ds = readCifar10Batch(join(folder, CIFAR10_TEST_FILE), classNames);
    return { ...ds, name: `cifar10 test (${folder})` };
  }
  const which = opts.batches ?? [1, 2, 3, 4, 5];
  for (const b of which) if (!Number.isInteger(b) || b < 1 || b > 5) throw new DataError(folder, `training batch ${b} does not exist: CIFAR-10 has data_batch_1.bin ... data_batch_5.bin`);
  const files = which.map((b) => {
    const source = join(folder, `data_batch_${b}.bin`);
    return { bytes: readBytes(source), source };
  });
  return decodeFiles(files, `cifar10 train (${folder}${opts.batches ? `, batches ${which.join(',')}` : ''})`, classNames);
}
