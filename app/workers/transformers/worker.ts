/**
 * The transformers worker: holds one embedding model or cross-encoder, loaded by `load` (sent by the
 * host to every fresh worker), and answers `info`, `embed`, `count` and `rerank`. Nothing here touches the network.
 */
import { HearthError } from '../../../schemas/index.js';
import { CountParams, EmbedParams, RerankParams, TransformersLoadParams, type TransformersModelInfo } from '../../core/models/index.js';
import { parseParams, serveWorker } from '../runtime.js';
import { loadModel, type LoadedModel } from './loaded-model.js';
import { checkModelFolder } from './model-folder.js';
import { keepTransformersOffline } from './offline.js';

keepTransformersOffline();

/** The model, or why it could not be loaded: later calls report that instead of "nothing loaded". */
let state: { model: LoadedModel } | { error: HearthError } | undefined;


function loaded(): LoadedModel {
  if (!state) throw new HearthError('INTERNAL', 'The transformers worker has no model loaded; `load` must come first.');
  if ('error' in state) throw state.error;
  return state.model;
}

serveWorker({
  async load(raw): Promise<TransformersModelInfo> {
    const params = parseParams(TransformersLoadParams, raw, 'transformers.load');
    if (state && 'model' in state) await state.model.dispose();
    state = undefined;
    try {
      const model = await loadModel(await checkModelFolder(params.modelPath), params);
      state = { model };
      return model.info;
    } catch (error) {
      const failure = error instanceof HearthError ? error : new HearthError('MODEL_INVALID', `${params.modelPath}: ${(error as Error).message}`);
      state = { error: failure };
      throw failure;
    }
  },

  async info(): Promise<TransformersModelInfo> {
    return loaded().info;
  },

  async embed(raw, { signal }) {
    const { texts } = parseParams(EmbedParams, raw, 'transformers.embed');
    // serveWorker posts results without a transfer list, so the Float32Array is copied once (a memcpy).
    return loaded().embed(texts, signal);
  },

  async count(raw, { signal }) {
    const { texts } = parseParams(CountParams, raw, 'transformers.count');
    return loaded().countTokens(texts, signal);
  },

  async rerank(raw, { signal }) {
    const { query, passages } = parseParams(RerankParams, raw, 'transformers.rerank');
    return loaded().rerank(query, passages, signal);
  },
});
