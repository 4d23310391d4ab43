import type * as tf from '@tensorflow/tfjs';
import { makeRng, type Rng } from './seed.ts';
import { walkLayers } from './layer-walk.ts';

// Seeding dropout in tfjs 4.22. tf.layers.dropout({seed}) passes the seed to tf.dropout -> tf.randomUniform,
// which builds a NEW seedrandom.alea(seed) stream on every call: a fixed seed therefore gives the same mask at
// every training step (not dropout any more), and no seed draws from Math.random (not reproducible). So each
// Dropout layer gets its own stream from our Rng, and its `seed` is set to a fresh draw from that stream
// immediately before every training-mode call: masks differ from step to step yet repeat exactly run to run,
// and (the mask being drawn in JS by tf.randomUniform) are identical on every backend.
// Inference calls (training false) draw nothing, so evaluation between steps does not shift the masks.

/** Layer classes whose masks this seeds (SpatialDropout1D and noiseShape variants extend Dropout). */
const DROPOUT_CLASSES = new Set(['Dropout', 'SpatialDropout1D']);
/** Random tfjs layers with no seed argument at all (they call randomNormal unseeded): cannot be made reproducible. */
const UNSEEDABLE_CLASSES = new Set(['GaussianNoise', 'GaussianDropout', 'AlphaDropout']);

/** A custom random layer opts in by implementing this; it receives its own stream. */
export interface SeedableLayer {
  setRandomStream(rng: Rng): void;
}

function isSeedable(layer: tf.layers.Layer): layer is tf.layers.Layer & SeedableLayer {
  return typeof (layer as Partial<SeedableLayer>).setRandomStream === 'function';
}

type CallFn = (this: tf.layers.Layer, inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }) => tf.Tensor | tf.Tensor[];
interface DropoutInternals {
  seed?: number;
  call: CallFn;
}

/**
 * Gives every dropout layer of `model` (nested models included) a reproducible mask stream derived from
 * `seed`, in layer order. Returns the paths of the layers seeded. Throws, naming the layer, for random layers
 * tfjs gives no way to seed.
 */
export function seedDropout(model: tf.LayersModel | tf.layers.Layer, seed: number | string | Rng): string[] {
  const rng = typeof seed === 'object' ? seed : makeRng(seed);
  const seeded: string[] = [];
  for (const { layer, path } of walkLayers(model)) {
    const kind = layer.getClassName();
    if (isSeedable(layer)) {
      layer.setRandomStream(makeRng(rng.seed()));
      seeded.push(path);
    } else if (DROPOUT_CLASSES.has(kind)) {
      const stream = makeRng(rng.seed());
      const d = layer as unknown as DropoutInternals;
      // Always wrap the class's own method, so seeding twice replaces the stream instead of stacking wrappers.
      const original = (Object.getPrototypeOf(layer) as DropoutInternals).call;
      d.call = function (this: tf.layers.Layer, inputs, kwargs) {
        if (kwargs?.training) d.seed = stream.seed();
        return original.call(this, inputs, kwargs);
      };
      seeded.push(path);
    } else if (UNSEEDABLE_CLASSES.has(kind)) {
      throw new Error(
        `seedDropout: layer "${path}" (${kind}) draws unseeded random numbers (tfjs gives it no seed argument), so runs cannot be reproduced; use tf.layers.dropout or a layer implementing setRandomStream(rng)`,
      );
    }
  }
  return seeded;
}
