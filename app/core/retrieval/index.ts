/**
 * Retrieval: keyword search (BM25 over stemmed Russian and English, or FlexSearch), the LanceDB vector store,
 * and hybrid retrieval (RRF fusion, optional cross-encoder rerank, metadata filters within the caller's
 * spaces) that turns a query into cited passages.
 */
export { KeywordIndex, type IndexedChunk, type KeywordEngineKind, type KeywordIndexOptions, type KeywordSearchOptions } from './keyword-index.js';
export { retrieve, retrievePassages, type PassageHit, type PassageSearchResult } from './retrieve.js';
export {
  hybridSearch,
  retrievalModes,
  type HybridHit,
  type HybridSearchDeps,
  type HybridSearchRequest,
  type HybridSearchResult,
  type HybridTimings,
  type ModeRanks,
  type ModeScores,
  type RetrievalMode,
  type RetrievedChunk,
} from './hybrid.js';
export { reciprocalRankFusion, defaultRrfK, type FusedItem } from './fusion.js';
export { compileFilter, searchableSpaces, type ChunkFacts, type ChunkFilter, type RetrievalFilter } from './filters.js';
export {
  VectorStore,
  type AnnIndexKind,
  type EmbedderIdentity,
  type VectorHit,
  type VectorIndexInfo,
  type VectorRow,
  type VectorSpaceState,
  type VectorSpaceStatus,
  type VectorStoreOptions,
} from './vector-store.js';
export { syncSpaceVectors, type VectorSourceChunk, type VectorSyncProgress, type VectorSyncRequest, type VectorSyncResult } from './vector-sync.js';
export { createTextAnalyzer, defaultTextAnalyzer, type TextAnalyzer, type TextAnalyzerOptions } from './text-analysis.js';
export { defaultBm25, type Bm25Parameters, type ScoredChunk } from './bm25-index.js';
export { SpaceIndexes, type OpenSpace, type SpaceIndexesDeps } from './space-indexes.js';
export { searchHandlers } from './handlers.js';
