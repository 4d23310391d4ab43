import * as tf from '@tensorflow/tfjs';
// STARTER: import { todo } from './todo.ts';

// B.2 nn.AdaptiveAvgPool2d(output_size): whatever the input's height and width, the output is
// output_size. Output row i averages input rows floor(i*H/outH) .. ceil((i+1)*H/outH) - 1 (columns alike):
// when outH divides H these are plain non-overlapping windows of H/outH rows; otherwise the windows differ in
// size and may overlap. This is what lets the adapted AlexNet take any input size.

/////////////////////////////////////////////////////////////////////////////
//                                 B.2                                     //
//                       COMPLETE THIS FUNCTION.                           //
/////////////////////////////////////////////////////////////////////////////
export function adaptiveAvgPool2d(x: tf.Tensor4D, outputSize: [number, number]): tf.Tensor4D {
  const [outH, outW] = outputSize;
  // BEGIN SOLUTION
  const [, h, w] = x.shape;
  const start = (i: number, n: number, out: number) => Math.floor((i * n) / out);
  const end = (i: number, n: number, out: number) => Math.ceil(((i + 1) * n) / out);
  return tf.tidy(() => {
    const rows: tf.Tensor4D[] = [];
    for (let i = 0; i < outH; i++) {
      const [h0, h1] = [start(i, h, outH), end(i, h, outH)];
      const cells: tf.Tensor4D[] = [];
      for (let j = 0; j < outW; j++) {
        const [w0, w1] = [start(j, w, outW), end(j, w, outW)];
        cells.push(tf.mean(tf.slice(x, [0, h0, w0, 0], [-1, h1 - h0, w1 - w0, -1]), [1, 2], true) as tf.Tensor4D);
      }
      rows.push(tf.concat(cells, 2));
    }
    return tf.concat(rows, 1);
  });
  // END SOLUTION
  // STARTER: return todo(`B.2: adaptiveAvgPool2d to ${outH}x${outW}`);
}
