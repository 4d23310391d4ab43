// The seed's training budget as the grader runs it on a rebuilt model (B.train, D.accuracy) and as
// experiments.ts runs it for the student: 3 epochs, Adam lr 1e-3, batch 64 (the seed's), trainClassifier's
// PyTorch-style init and per-channel normalisation, on 2,000 synthetic CIFAR-like images, scored on 1,000
// held-out ones. Sized so the whole reference grades in well under 30 s on one core (README.md of the assignment).
import type * as tf from '@tensorflow/tfjs';
import { syntheticImages, trainClassifier, type ImageDataset } from 'dlgrade/kit';

export const BUDGET = { trainImages: 2000, testImages: 1000, epochs: 3, batchSize: 64, lr: 1e-3 } as const;

/** The budget in words, for feedback and experiments.ts. */
export const BUDGET_TEXT = `${BUDGET.trainImages.toLocaleString('en-US')} synthetic CIFAR-like images, ${BUDGET.epochs} epochs, Adam lr ${BUDGET.lr}, batch ${BUDGET.batchSize}; accuracy on ${BUDGET.testImages.toLocaleString('en-US')} held-out images`;

export interface BudgetData {
  train: ImageDataset;
  /** Held-out images (seed data + 1000); their labels never leave the grader. */
  held: ImageDataset;
}

const cache = new Map<number, BudgetData>();

/** The training and held-out images of the budget for data seed `dataSeed` (made once per process). */
export function budgetData(dataSeed: number): BudgetData {
  let d = cache.get(dataSeed);
  if (!d) {
    d = { train: syntheticImages({ n: BUDGET.trainImages, seed: dataSeed }), held: syntheticImages({ n: BUDGET.testImages, seed: dataSeed + 1000 }) };
    cache.set(dataSeed, d);
  }
  return d;
}

export interface Measurement {
  /** Held-out accuracy in percent. */
  accuracy: number;
  /** Mean training loss of each epoch. */
  epochLoss: number[];
  ms: number;
}

/**
 * Trains `model` with the budget (its weights re-initialised from `weightSeed`; every layer trainable: frozen
 * layers count as parameters, so they train too) and scores it on the held-out images.
 */
/** Every layer trainable again, nested models included (tfjs's model.trainable = true leaves their layers as they were). */
function unfreeze(layer: tf.layers.Layer): void {
  layer.trainable = true;
  for (const child of (layer as Partial<tf.LayersModel>).layers ?? []) unfreeze(child);
}

export function measure(model: tf.LayersModel, data: BudgetData, weightSeed: number): Measurement {
  unfreeze(model);
  const r = trainClassifier(model, data.train, data.held, { epochs: BUDGET.epochs, batchSize: BUDGET.batchSize, lr: BUDGET.lr, seed: weightSeed });
  const correct = r.predictions.reduce((s, p, i) => s + (p === data.held.labels[i] ? 1 : 0), 0);
  return { accuracy: (100 * correct) / data.held.n, epochLoss: r.epochLoss, ms: r.ms };
}
