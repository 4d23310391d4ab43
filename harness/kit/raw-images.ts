// Images as plain data, the form they cross the sandbox boundary in: NHWC float32 pixels and int32 labels.
import type { ImageDataset } from '../data/dataset.ts';

export interface RawImages {
  n: number;
  height: number;
  width: number;
  channels: number;
  /** Length n * height * width * channels. */
  images: Float32Array;
  labels: Int32Array;
}

/** A harness dataset as RawImages (the same arrays; labels optionally withheld, e.g. held-out data). */
export function toRawImages(ds: ImageDataset, opts: { withholdLabels?: boolean } = {}): RawImages {
  return { n: ds.n, height: ds.height, width: ds.width, channels: ds.channels, images: ds.images, labels: opts.withholdLabels ? new Int32Array(ds.n) : ds.labels };
}
