// B (hidden): LRN and adaptive pooling on other inputs; AlexNet with other options and another input size.
import { test } from 'vitest';
import { gradeParts, runRng, useSubmission } from 'dlgrade/kit';
import { hiddenLrnParts, hiddenPoolParts } from '../../function-checks.ts';
import { modelSource, optionParts } from '../../model-checks.ts';

const sub = useSubmission();
const models = modelSource(sub);

test('B.lrn.hidden: localResponseNorm with other sizes (an even one), strong alpha, fewer channels than the window', async () => {
  await gradeParts(hiddenLrnParts(sub, runRng('lab4-alexnet:lrn-hidden')));
});

test('B.pool.hidden: adaptiveAvgPool2d to a larger output and to non-square sizes', async () => {
  await gradeParts(hiddenPoolParts(sub, runRng('lab4-alexnet:pool-hidden')));
});

test('B.options: numClasses, dropout and another input size (the adaptive pooling keeps the classifier)', async () => {
  await gradeParts(await optionParts(models, 'AlexNetCIFAR', { numClasses: 7, dropout: 0.3, inputShape: [20, 20, 3] }));
});
