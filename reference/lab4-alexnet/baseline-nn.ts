import * as tf from '@tensorflow/tfjs';
import type { ModelOptions } from '../../assignments/lab4-alexnet/contract.ts';
// STARTER: import { todo } from './todo.ts';

// A. Baseline Neural Network: a fully connected network with no convolution, the lower bound the CNNs are
// compared with. Input 32x32x3 = 3072 flattened pixels.
//   FC(3072 -> 512) -> ReLU -> Dropout(0.5)
//   FC(512 -> 256)  -> ReLU -> Dropout(0.5)
//   FC(256 -> 10)
// Expected: 1,707,274 trainable parameters.

/////////////////////////////////////////////////////////////////////////////
//                                  A                                      //
//                       COMPLETE THIS FUNCTION.                           //
/////////////////////////////////////////////////////////////////////////////
export function createBaselineNN(opts: ModelOptions = {}): tf.LayersModel {
  const { numClasses = 10, dropout = 0.5 } = opts;
  // BEGIN SOLUTION
  return tf.sequential({
    name: 'BaselineNN',
    layers: [
      tf.layers.flatten({ inputShape: [32, 32, 3], name: 'flatten' }),
      tf.layers.dense({ units: 512, name: 'fc1' }),
      tf.layers.reLU({ name: 'relu1' }),
      tf.layers.dropout({ rate: dropout, name: 'dropout1' }),
      tf.layers.dense({ units: 256, name: 'fc2' }),
      tf.layers.reLU({ name: 'relu2' }),
      tf.layers.dropout({ rate: dropout, name: 'dropout2' }),
      tf.layers.dense({ units: numClasses, name: 'fc3' }),
    ],
  });
  // END SOLUTION
  // STARTER: return todo(`A: createBaselineNN({ numClasses: ${numClasses}, dropout: ${dropout} })`);
}
