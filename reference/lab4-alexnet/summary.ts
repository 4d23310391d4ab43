import type * as tf from '@tensorflow/tfjs';
import type { ModelRun, SummaryRow } from '../../assignments/lab4-alexnet/contract.ts';
// STARTER: import { todo } from './todo.ts';

// H. Comparative analysis: model complexity and the summary table.

/////////////////////////////////////////////////////////////////////////////
//                                 H.2                                     //
//                       COMPLETE THIS FUNCTION.                           //
/////////////////////////////////////////////////////////////////////////////
/** model_size_mb: the trainable parameters as float32, in MB (count_parameters(model) * 4 / 1024**2). */
export function modelSizeMb(model: tf.LayersModel): number {
  // BEGIN SOLUTION
  // trainableWeights, not countParams(): PyTorch's count excludes BatchNorm's running statistics (buffers).
  const params = model.trainableWeights.reduce((n, w) => n + w.read().size, 0);
  return (params * 4) / 1024 ** 2;
  // END SOLUTION
  // STARTER: return todo('H.2: modelSizeMb');
}

/////////////////////////////////////////////////////////////////////////////
//                                 H.3                                     //
//                       COMPLETE THIS FUNCTION.                           //
/////////////////////////////////////////////////////////////////////////////
/** The COMPARATIVE MODEL SUMMARY table, one row per model, with numbers. */
export function summarizeResults(runs: readonly ModelRun[]): SummaryRow[] {
  // BEGIN SOLUTION
  return runs.map(({ name, parameters, history: h }) => ({
    model: name,
    parameters,
    bestTrainAcc: Math.max(...h.trainAcc),
    bestTestAcc: Math.max(...h.testAcc),
    finalTestAcc: h.testAcc[h.testAcc.length - 1],
    trainingTime: h.trainingTime,
    overfittingGap: h.trainAcc[h.trainAcc.length - 1] - h.testAcc[h.testAcc.length - 1],
  }));
  // END SOLUTION
  // STARTER: return todo('H.3: summarizeResults');
}
