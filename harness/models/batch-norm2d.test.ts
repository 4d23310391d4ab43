import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { countParameters } from '../checks/parameter-count.ts';
import { initEngine } from '../engine/backend.ts';
import { BatchNorm2d } from './batch-norm2d.ts';

const GOLDEN_DIR = process.env.DLGRADE_GOLDEN_DIR ?? fileURLToPath(new URL('../../../shared/golden/', import.meta.url));
const golden = JSON.parse(readFileSync(`${GOLDEN_DIR}/batchnorm2d.json`, 'utf8')) as {
  input: number[][][][];
  train_output: number[][][][];
  running_mean: number[];
  running_var: number[];
  eval_output_after_one_step: number[][][][];
};

const nhwc = (a: number[][][][]) => tf.tidy(() => tf.transpose(tf.tensor4d(a), [0, 2, 3, 1]));
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe.each(['cpu', 'wasm'])('BatchNorm2d (nn.BatchNorm2d semantics) on %s', (backend) => {
  beforeAll(async () => {
    await initEngine(backend);
  });

  it('matches PyTorch on golden/batchnorm2d.json: training output, running mean and (unbiased) running var, eval output after the step', () => {
    const bn = new BatchNorm2d();
    const x = nhwc(golden.input);
    const train = bn.apply(x, { training: true }) as tf.Tensor;
    const [, , mean, variance] = bn.getWeights();
    expect(maxDiff(train, nhwc(golden.train_output))).toBeLessThan(2e-6);
    expect(maxDiff(mean, tf.tensor1d(golden.running_mean))).toBeLessThan(1e-6);
    expect(maxDiff(variance, tf.tensor1d(golden.running_var))).toBeLessThan(2e-6);
    const evalOut = bn.apply(x) as tf.Tensor;
    expect(maxDiff(evalOut, nhwc(golden.eval_output_after_one_step))).toBeLessThan(2e-6);
    tf.dispose([x, train, evalOut]);
  });

  it("tfjs's own BatchNormalization misses the golden running variance (biased): the check can fail", () => {
    const bn = tf.layers.batchNormalization({ epsilon: 1e-5, momentum: 0.9 });
    const x = nhwc(golden.input);
    tf.dispose(bn.apply(x, { training: true }) as tf.Tensor);
    expect(maxDiff(bn.getWeights()[3], tf.tensor1d(golden.running_var))).toBeGreaterThan(1e-2);
    x.dispose();
  });

  it('counts 2 parameters per channel and survives serialization with its class and settings', async () => {
    const m = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [4, 4, 3], filters: 5, kernelSize: 3, useBias: false }), new BatchNorm2d({ name: 'bn' })] });
    expect(countParameters(m).layers.map((l) => l.params)).toEqual([135, 10]);
    const rebuilt = await tf.models.modelFromJSON({ modelTopology: m.toJSON(null, false) as tf.io.ModelJSON['modelTopology'] });
    expect(rebuilt.layers[1].getClassName()).toBe('BatchNorm2d');
    expect(rebuilt.layers[1].getConfig()).toMatchObject({ epsilon: 1e-5, momentum: 0.9 });
    m.dispose();
    rebuilt.dispose();
  });
});
