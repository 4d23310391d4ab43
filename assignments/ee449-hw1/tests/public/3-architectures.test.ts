// 3. The five architectures, on the models rebuilt in the grader: PyTorch's parameter counts layer by layer, the
// layer sequence with the seed's intermediate shapes; and the part 3 recorder, replayed by the grader.
import { test } from 'vitest';
import { attachArtifact, gradeParts, inspectModel, modelArtifact, runSeed, useSubmission } from 'dlgrade/kit';
import { checkArchitecture, checkParams, SEED_CLASS } from '../../architecture-checks.ts';
import { ARCHITECTURES, GOLDEN_PARAMS, type ArchName } from '../../architectures.ts';
import { attachCurves, checkTrainAndRecord } from '../../recorder-runs.ts';

const sub = useSubmission();
const model = (arch: ArchName) => sub.model('model', { arch }, { what: `createModel('${arch}')` });

test("3.params: PyTorch's trainable parameter counts, layer by layer", async () => {
  await gradeParts(
    ARCHITECTURES.map((arch) => ({
      name: arch,
      check: async () => {
        const m = await model(arch);
        attachArtifact('models', modelArtifact(m, `${SEED_CLASS[arch]} (createModel('${arch}'))`, GOLDEN_PARAMS[arch]));
        checkParams(arch, inspectModel(m), `createModel('${arch}')`);
      },
    })),
  );
});

test("3.architecture: the layers and the seed's intermediate shapes of each model", async () => {
  await gradeParts(ARCHITECTURES.map((arch) => ({ name: arch, check: async () => checkArchitecture(arch, 'relu', inspectModel(await model(arch)).layers, `createModel('${arch}')`) })));
});

test('3.recorder: trainAndRecord (Adam 1e-3) records what the grader replay records', async () => {
  // 1,000 images in batches of 50: 20 steps per epoch, 2 epochs, records at steps 10 (mid-epoch), 20, 30, 40.
  const run = { kind: 'mlp' as const, activation: 'sigmoid' as const, seed: runSeed('3.recorder'), sizes: { train: 1000, val: 100, test: 100 } };
  const r = await checkTrainAndRecord(sub, run, { optimizer: 'adam', lr: 1e-3, epochs: 2 }, '3.1: trainAndRecord, contract.ts rules 1-4');
  attachCurves('3.1: trainAndRecord on MLP1 with sigmoid (the grader replay)', [{ name: 'mlp_1', r }]);
});
