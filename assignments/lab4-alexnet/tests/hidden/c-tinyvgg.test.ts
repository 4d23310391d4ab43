// C (hidden): TinyVGG with other options.
import { test } from 'vitest';
import { gradeParts, useSubmission } from 'dlgrade/kit';
import { modelSource, optionParts } from '../../model-checks.ts';

const sub = useSubmission();
const models = modelSource(sub);

test('C.options: numClasses and dropout honoured', async () => {
  await gradeParts(await optionParts(models, 'TinyVGG', { numClasses: 3, dropout: 0.25 }));
});
