// A (hidden): BaselineNN with other options.
import { test } from 'vitest';
import { gradeParts, useSubmission } from 'dlgrade/kit';
import { modelSource, optionParts } from '../../model-checks.ts';

const sub = useSubmission();
const models = modelSource(sub);

test('A.options: numClasses and dropout honoured', async () => {
  await gradeParts(await optionParts(models, 'BaselineNN', { numClasses: 7, dropout: 0.3 }));
});
