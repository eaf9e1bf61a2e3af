/**
 * Turns a library entry into a running model: a local worker (GGUF through node-llama-cpp, ONNX through
 * transformers.js) or a client for a remote OpenAI-compatible server. Callers get the interface only.
 */
import { HearthError } from '../../../schemas/index.js';
import type { ModelEntry } from './library.js';
import { LocalLlamaChatModel } from './local-llama.js';
import { LocalEmbedder, LocalReranker } from './local-transformers.js';
import { OpenAICompatibleChatModel, OpenAICompatibleEmbedder, OpenAICompatibleReranker, remoteOptionsFrom } from './openai-compatible.js';
import type { ChatModel, Embedder, Reranker } from './types.js';

export async function openChatModel(entry: ModelEntry): Promise<ChatModel> {
  const source = entry.source;
  if (source.kind === 'remote') return new OpenAICompatibleChatModel(remoteOptionsFrom(source));
  if (source.format !== 'gguf') throw unsupported(entry, 'language models run from GGUF files (format = "gguf")');
  return LocalLlamaChatModel.load(source, { id: `llm.${entry.name}`, ...(source.max_context ? { contextSize: source.max_context } : {}) });
}

export async function openEmbedder(entry: ModelEntry): Promise<Embedder> {
  const source = entry.source;
  if (source.kind === 'remote') return new OpenAICompatibleEmbedder(remoteOptionsFrom(source));
  if (source.format === 'gguf') throw unsupported(entry, 'embedding models run from ONNX folders (format = "onnx")');
  // The id names the files too: vectors made by another version of the model must be re-embedded.
  return LocalEmbedder.create(source, { id: `embed.${entry.name}@${source.path}` });
}

export async function openReranker(entry: ModelEntry): Promise<Reranker> {
  const source = entry.source;
  if (source.kind === 'remote') return new OpenAICompatibleReranker(remoteOptionsFrom(source));
  if (source.format === 'gguf') throw unsupported(entry, 'rerankers run from ONNX folders (format = "onnx")');
  return LocalReranker.create(source, { id: `rerank.${entry.name}` });
}

function unsupported(entry: ModelEntry, rule: string): HearthError {
  return new HearthError('MODEL_CONFIG_INVALID', `models.toml line ${entry.line}: [${entry.kind}.${entry.name}] cannot run here: ${rule}.`);
}
