import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import 'dlgrade/layers'; // registers BatchNorm2d and SpatialDropout2d, so a saved model loads back
// STARTER: import { todo } from './todo.ts';

// F.4 torch.save(model.state_dict(), OUTPUT_DIR / 'best_model.pth') (notebook section 20), in tfjs's own file
// format: dir/model.json (topology + weights manifest) and dir/weights.bin. model.save() has no file:// handler
// without tfjs-node, so save through tf.io.withSaveHandler and write the two files with node:fs.

export async function saveCheckpoint(model: tf.LayersModel, dir: string): Promise<void> {
  // BEGIN SOLUTION
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      mkdirSync(dir, { recursive: true });
      const data = artifacts.weightData;
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(await new Blob(data ?? []).arrayBuffer());
      writeFileSync(path.join(dir, 'weights.bin'), bytes);
      const json = { modelTopology: artifacts.modelTopology, format: 'layers-model', weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }] };
      writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  // END SOLUTION
  // STARTER: void [mkdirSync, writeFileSync, path, model, dir];
  // STARTER: todo('F.4: saveCheckpoint');
}

export async function loadCheckpoint(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  const manifest = json.weightsManifest[0];
  const bin = readFileSync(path.join(dir, manifest.paths[0]));
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: manifest.weights, weightData }));
}
