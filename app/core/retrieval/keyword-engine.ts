/** What a keyword engine (BM25, FlexSearch) is to the keyword index: the chunks it holds and how it searches them. */
import type { ScoredChunk } from './bm25-index.js';
import type { ChunkFacts, ChunkFilter } from './filters.js';

export interface IndexedChunk extends ChunkFacts {
  id: number;
  /** What is searched: the chunk's heading path and text. */
  text: string;
}

/** What each engine does; how it saves is its own business. */
export interface KeywordEngine {
  readonly size: number;
  add(chunks: Iterable<IndexedChunk>): void;
  remove(chunkIds: Iterable<number>): void;
  search(query: string, limit: number, filter?: ChunkFilter): ScoredChunk[];
  save(folder: string, generation: number): Promise<void>;
}
