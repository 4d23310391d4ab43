import type * as tf from '@tensorflow/tfjs';
import type { ConvNetOptions, FullyConnectedOptions } from './contract.ts';
import { createConvNet } from './convnet.ts';
import { createFullyConnectedClassifier } from './fully-connected.ts';

// D. ModelFactory.create_model.
export function createModel(type: string, opts: FullyConnectedOptions | ConvNetOptions = {}): tf.LayersModel {
  const kind = type.toLowerCase();
  if (kind === 'convnet') return createConvNet(opts as ConvNetOptions);
  if (kind === 'fully_connected') return createFullyConnectedClassifier(opts as FullyConnectedOptions);
  throw new Error(`Unknown model ${type}`);
}
