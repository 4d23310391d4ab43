import * as tf from '@tensorflow/tfjs';

// PyTorch's nn.AdaptiveAvgPool2d(output_size) on NHWC tensors. Output cell i along an axis of length n
// averages input [floor(i*n/out), ceil((i+1)*n/out)), so windows may overlap or differ in size when out does
// not divide n. When it divides, that is a plain average pool (one fast kernel); otherwise the cells are
// averaged one by one from slices (differentiable on every backend).

function windows(n: number, out: number): [number, number][] {
  return Array.from({ length: out }, (_, i) => [Math.floor((i * n) / out), Math.ceil(((i + 1) * n) / out)] as [number, number]);
}

export function adaptiveAvgPool2d(x: tf.Tensor4D, outH: number, outW: number): tf.Tensor4D {
  const [, h, w] = x.shape;
  if (h % outH === 0 && w % outW === 0) {
    const ph = h / outH;
    const pw = w / outW;
    return tf.avgPool(x, [ph, pw], [ph, pw], 'valid');
  }
  return tf.tidy(() => {
    const rows = windows(h, outH).map(([h0, h1]) => {
      const cells = windows(w, outW).map(([w0, w1]) => tf.mean(tf.slice(x, [0, h0, w0, 0], [-1, h1 - h0, w1 - w0, -1]), [1, 2], true));
      return tf.concat(cells, 2);
    });
    return tf.concat(rows, 1) as tf.Tensor4D;
  });
}

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
export type AdaptiveAvgPool2dArgs = LayerArgs & { outputSize: number | [number, number] };

export class AdaptiveAvgPool2d extends tf.layers.Layer {
  static readonly className = 'AdaptiveAvgPool2d';
  readonly outputSize: [number, number];

  constructor(args: AdaptiveAvgPool2dArgs) {
    super(args);
    const o = args.outputSize;
    this.outputSize = typeof o === 'number' ? [o, o] : [o[0], o[1]];
    for (const v of this.outputSize) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`AdaptiveAvgPool2d "${this.name}": outputSize must be positive integers, got ${JSON.stringify(o)}`);
    }
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    if (s.length !== 4) throw new Error(`AdaptiveAvgPool2d "${this.name}": expected NHWC input of rank 4, got [${s.join(', ')}]`);
    return [s[0], this.outputSize[0], this.outputSize[1], s[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (x.rank !== 4) throw new Error(`AdaptiveAvgPool2d "${this.name}": expected NHWC input of rank 4, got [${x.shape.join(', ')}]`);
    return adaptiveAvgPool2d(x as tf.Tensor4D, this.outputSize[0], this.outputSize[1]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), outputSize: [...this.outputSize] };
  }
}
tf.serialization.registerClass(AdaptiveAvgPool2d);
