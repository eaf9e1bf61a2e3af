/** Models: the ChatModel / Embedder / Reranker interfaces, the model library, and their implementations. */
export * from './types.js';
export { HashEmbedder, type HashEmbedderOptions } from './hash-embedder.js';
export {
  ModelKind,
  defaultLibraryFolder,
  describeProblem,
  findModel,
  libraryFileName,
  loadModelLibrary,
  parseModelLibrary,
  type LibraryProblem,
  type LocalModelSource,
  type ModelEntry,
  type ModelLibrary,
  type RemoteModelSource,
} from './library.js';
export { readGgufSummary, type GgufSummary } from './gguf-info.js';
export {
  OpenAICompatibleChatModel,
  OpenAICompatibleEmbedder,
  OpenAICompatibleReranker,
  remoteOptionsFrom,
  type RemoteOptions,
} from './openai-compatible.js';
export { ModelRuntime, type ModelRuntimeOptions } from './runtime.js';
export {
  FairQueue,
  QueuedChatModel,
  currentPrincipalId,
  defaultGenerationConcurrency,
  type FairQueueOptions,
  type FairQueueSnapshot,
  type Release,
  type WaitEstimate,
} from './fair-queue.js';
export { importModel, type ImportRequest, type ImportResult } from './import.js';
export { smokeCheck } from './smoke-check.js';
export { openChatModel, openEmbedder, openReranker } from './providers.js';
export { LocalEmbedder, LocalReranker, type BatchProgress, type LocalCallOptions, type LocalTransformersOptions } from './local-transformers.js';
export { LocalLlamaChatModel, type LocalLlamaOptions } from './local-llama.js';
export * from './llm-contract.js';
export * from './transformers-contract.js';
export { defaultLlmThreads, resolveLlmThreads } from './threads.js';
export * from './openai-wire.js';
export { modelsHandlers } from './handlers.js';
