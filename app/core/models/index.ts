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
