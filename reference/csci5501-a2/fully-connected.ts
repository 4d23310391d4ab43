import * as tf from '@tensorflow/tfjs';
import type { FullyConnectedOptions } from '../../assignments/csci5501-a2/contract.ts';
import { activationLayer } from './activations.ts';

// A. Fully-connected networks (10 points)
//   A.1 [5 points] Create the layers of the fully-connected network.
//   A.2 [5 points] The forward pass: remember to flatten the input.
// In tfjs a tf.sequential model's forward pass is its list of layers, so A.2 is about what comes first.
export function createFullyConnectedClassifier(opts: FullyConnectedOptions): tf.LayersModel {
  const hiddenUnits = opts.hiddenUnits ?? [128, 64];
  const activation = opts.activation ?? 'relu';
  const numClasses = opts.numClasses ?? 10;
  const model = tf.sequential({ name: 'FullyConnectedClassifier' });

  ////////////////////////////////////////////////////////////////////////////
  //                             A.2                                        //
  // Flatten each image [H, W, C] to one vector before the first Dense layer //
  // (the first layer takes inputShape: [...opts.imageSize]).               //
  ////////////////////////////////////////////////////////////////////////////
  // STARTER: // Write code here.
  // BEGIN SOLUTION
  model.add(tf.layers.flatten({ inputShape: [...opts.imageSize] }));
  // END SOLUTION

  ////////////////////////////////////////////////////////////////////////////
  //                             A.1                                        //
  // For each width in hiddenUnits: a Dense layer, then activationLayer(    //
  // activation). Then the output layer: Dense(numClasses), no activation   //
  // (raw logits). Hint: every linear layer is followed by the non-         //
  // linearity except the final one.                                        //
  ////////////////////////////////////////////////////////////////////////////
  for (const units of hiddenUnits) {
    // STARTER: // Write code here.
    // STARTER: void units;
    // BEGIN SOLUTION
    model.add(tf.layers.dense({ units }));
    model.add(activationLayer(activation));
    // END SOLUTION
  }
  // STARTER: // Write code here.
  // BEGIN SOLUTION
  model.add(tf.layers.dense({ units: numClasses }));
  // END SOLUTION

  // STARTER: void activation;
  // STARTER: void numClasses;
  if (model.layers.length === 0) throw new Error('TODO A.1/A.2: createFullyConnectedClassifier has no layers yet');
  return model;
}
