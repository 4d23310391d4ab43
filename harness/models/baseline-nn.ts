import * as tf from '@tensorflow/tfjs';

// Lab 4 BaselineNN (seed 000): Flatten -> Linear(3072, 512) -> ReLU -> Dropout(0.5) -> Linear(512, 256) ->
// ReLU -> Dropout(0.5) -> Linear(256, 10). 1,707,274 parameters. PyTorch reuses one Dropout module twice;
// tf.layers needs a layer per use (no weights, same behaviour).

export interface BaselineNNOptions {
  numClasses?: number;
  dropout?: number;
  /** NHWC; the seed fixes 32x32x3. */
  inputShape?: readonly [number, number, number];
  name?: string;
}

export function baselineNN(opts: BaselineNNOptions = {}): tf.Sequential {
  const rate = opts.dropout ?? 0.5;
  const model = tf.sequential({ name: opts.name ?? 'BaselineNN' });
  model.add(tf.layers.flatten({ inputShape: [...(opts.inputShape ?? [32, 32, 3])], name: 'flatten' }));
  model.add(tf.layers.dense({ units: 512, name: 'fc1' }));
  model.add(tf.layers.reLU({ name: 'relu1' }));
  model.add(tf.layers.dropout({ rate, name: 'dropout1' }));
  model.add(tf.layers.dense({ units: 256, name: 'fc2' }));
  model.add(tf.layers.reLU({ name: 'relu2' }));
  model.add(tf.layers.dropout({ rate, name: 'dropout2' }));
  model.add(tf.layers.dense({ units: opts.numClasses ?? 10, name: 'fc3' }));
  return model;
}
