/**
 * What a Hearth's `/v1` serves: the active model of each kind in its model library, named by its alias there
 * (or `default`), each request leasing it from the ModelRuntime so a model switched mid-answer closes only once
 * that answer is done. With no embedding model configured, the built-in hash embedder answers as `hash`.
 */
import { HearthError } from '../../schemas/index.js';
import type { ModelKind, ModelRuntime } from '../core/models/index.js';
import type { OpenAIModels } from './openai-api.js';

/** The name every kind also answers to: whichever model of that kind is active. */
const activeName = 'default';
/** The built-in embedder's name, when no embedding model is configured. */
const hashName = 'hash';

export function runtimeModels(runtime: ModelRuntime): OpenAIModels {
  /** Whether `name` names the active model of `kind`. */
  const serves = async (kind: ModelKind, name: string): Promise<boolean> => {
    const entry = await runtime.active(kind);
    // leaseEmbedder gives the built-in hash embedder exactly when no embedding model is active.
    const names = entry ? [entry.name, ...entry.aliases] : kind === 'embed' ? [hashName] : [];
    return names.length > 0 && (name === activeName || names.includes(name));
  };
  // Between looking the name up and leasing, a `models use` could switch the model; the lease then holds the
  // newly active one, which is what a request arriving a moment later would get anyway.
  return {
    async chat(name) {
      return (await serves('llm', name)) ? runtime.leaseChatModel() : undefined;
    },

    async embedder(name) {
      return (await serves('embed', name)) ? runtime.leaseEmbedder() : undefined;
    },

    async reranker(name) {
      if (!(await serves('rerank', name))) return undefined;
      const lease = await runtime.leaseReranker();
      if (lease) return lease;
      // Search goes on without a reranker that failed to open; a client that asked for it by name is told why.
      throw runtime.failure('rerank')?.error ?? new HearthError('MODEL_INVALID', `The rerank model "${name}" is not available.`);
    },

    async list() {
      const [llm, embed, rerank] = await Promise.all([runtime.active('llm'), runtime.active('embed'), runtime.active('rerank')]);
      return [
        ...(llm ? [{ id: llm.name, kind: 'llm' as const }] : []),
        { id: embed?.name ?? hashName, kind: 'embed' as const },
        ...(rerank ? [{ id: rerank.name, kind: 'rerank' as const }] : []),
      ];
    },
  };
}
