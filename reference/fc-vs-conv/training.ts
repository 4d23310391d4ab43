import * as tf from '@tensorflow/tfjs';
import type { Batch, DataLoader } from '../../assignments/fc-vs-conv/contract.ts';
// STARTER: import { todo } from './todo.ts';

////////////////////////////////////////////////////////////////////////////////
//                     A.2 train_epoch and test_accuracy                      //
// Port the notebook's training functions (section 2.1):                      //
//                                                                            //
//   def train_epoch(model, loader, optimizer, loss_fn=nn.CrossEntropyLoss())://
//       model.train()                                                        //
//       total_loss = 0.0                                                     //
//       for images, labels in loader:                                        //
//           optimizer.zero_grad()                                            //
//           preds = model(images)                                            //
//           loss = loss_fn(preds, labels)                                    //
//           loss.backward()                                                  //
//           optimizer.step()                                                 //
//           total_loss += loss.item()                                        //
//       return total_loss / len(loader)                                      //
//                                                                            //
//   def test_accuracy(model, loader):                                        //
//       model.eval()                                                         //
//       correct = 0                                                          //
//       total = 0                                                            //
//       with torch.no_grad():                                                //
//           for images, labels in loader:                                    //
//               preds = model(images)                                        //
//               predicted = preds.argmax(dim=1)                              //
//               correct += (predicted == labels).sum().item()                //
//               total += labels.size(0)                                      //
//       return 100.0 * correct / total                                       //
//                                                                            //
// tfjs has no model.train()/model.eval(): the mode is an argument of each    //
// call (model.apply(xs, { training: true }) vs model.predict(xs)). And no    //
// zero_grad/backward/step: optimizer.minimize(() => loss, true, varList)     //
// computes the gradients of the loss function it is given and takes one step //
// (see contract.ts for the exact rules).                                     //
////////////////////////////////////////////////////////////////////////////////

/** nn.CrossEntropyLoss(): mean over the batch of the softmax cross-entropy of the logits against int labels. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(labels, 'int32'), logits.shape[1]), logits) as tf.Scalar);
}

export async function trainEpoch(model: tf.LayersModel, loader: DataLoader, optimizer: tf.Optimizer): Promise<number> {
  // BEGIN SOLUTION
  // The live variables: minimize() updates exactly these.
  const varList = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let totalLoss = 0;
  let batches = 0;
  await loader.forEachAsync(({ xs, ys }: Batch) => {
    const loss = optimizer.minimize(() => crossEntropy(model.apply(xs, { training: true }) as tf.Tensor2D, ys), true, varList);
    totalLoss += loss!.dataSync()[0];
    loss!.dispose();
    batches++;
    tf.dispose([xs, ys]);
  });
  return totalLoss / batches;
  // END SOLUTION
  // STARTER: void [model, loader, optimizer];
  // STARTER: return todo('A.2: train_epoch');
}

export async function testAccuracy(model: tf.LayersModel, loader: DataLoader): Promise<number> {
  // BEGIN SOLUTION
  let correct = 0;
  let total = 0;
  await loader.forEachAsync(({ xs, ys }: Batch) => {
    correct += tf.tidy(() => tf.equal(tf.argMax(model.predict(xs) as tf.Tensor2D, 1), tf.cast(ys, 'int32')).sum().dataSync()[0]);
    total += ys.shape[0];
    tf.dispose([xs, ys]);
  });
  return (100 * correct) / total;
  // END SOLUTION
  // STARTER: void [model, loader];
  // STARTER: return todo('A.2: test_accuracy');
}
