import * as tf from '@tensorflow/tfjs';
import type { SimpleMLPOptions } from '../../assignments/fc-vs-conv/contract.ts';
// STARTER: import { todo } from './todo.ts';

////////////////////////////////////////////////////////////////////////////////
//                          A.1 SimpleMLP                                     //
// Port the notebook's SimpleMLP (section 2) to a tf.sequential model:        //
//                                                                            //
//   class SimpleMLP(nn.Module):                                              //
//       def __init__(self, input_dim=3 * 32 * 32, hidden_dim=100,            //
//                    num_classes=10):                                        //
//           self.fc1 = nn.Linear(input_dim, hidden_dim)                      //
//           self.fc2 = nn.Linear(hidden_dim, num_classes)                    //
//       def forward(self, x):                                                //
//           x = x.view(batch_size, -1)  # flatten                            //
//           x = F.relu(self.fc1(x))                                          //
//           x = self.fc2(x)                                                  //
//                                                                            //
// tfjs infers each Dense layer's input size, so input_dim becomes the image  //
// shape of the first layer (inputShape: imageShape). Expected: 308,310       //
// parameters with the defaults.                                              //
////////////////////////////////////////////////////////////////////////////////
export function createSimpleMLP(opts: SimpleMLPOptions = {}): tf.LayersModel {
  const { imageShape = [32, 32, 3], hiddenDim = 100, numClasses = 10 } = opts;
  // BEGIN SOLUTION
  return tf.sequential({
    name: 'SimpleMLP',
    layers: [
      tf.layers.flatten({ inputShape: imageShape }),
      tf.layers.dense({ units: hiddenDim, name: 'fc1' }),
      tf.layers.reLU(),
      tf.layers.dense({ units: numClasses, name: 'fc2' }),
    ],
  });
  // END SOLUTION
  // STARTER: void [imageShape, hiddenDim, numClasses];
  // STARTER: return todo('A.1: SimpleMLP');
}
