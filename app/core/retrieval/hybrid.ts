/**
 * Hybrid retrieval: keyword (BM25) and vector candidates, fused with Reciprocal Rank Fusion, optionally
 * re-ordered by a cross-encoder, within the spaces the caller may read and the metadata filters it asked for.
 * Returns chunk ids with scores and each mode's rank, for the UI's "why this passage" and for debugging.
 *
 * Spaces come from `allowedSpaces` — the access list the core derives from the caller's identity — and a
 * filter's `spaces` can only narrow it. Keyword search runs per space index and vector search per space
 * table, so no chunk of another space is ever scored.
 */
import { HearthError } from '../../../schemas/index.js';
import type { CallOptions, Embedder, Reranker } from '../models/index.js';
import { compileFilter, searchableSpaces, type RetrievalFilter } from './filters.js';
import { defaultRrfK, reciprocalRankFusion } from './fusion.js';
import type { KeywordIndex } from './keyword-index.js';
import type { EmbedderIdentity, VectorStore } from './vector-store.js';

export type RetrievalMode = 'keyword' | 'vector' | 'hybrid' | 'hybrid+rerank';

export const retrievalModes: readonly RetrievalMode[] = ['keyword', 'vector', 'hybrid', 'hybrid+rerank'];

export interface HybridSearchDeps {
  keywordIndex: KeywordIndex;
  /** Needed by every mode but `keyword`. */
  vectorStore?: VectorStore;
  /** Embeds the query; not needed when the request carries `queryVector` with `queryEmbedder`. */
  embedder?: Embedder;
  /** Needed by `hybrid+rerank`. */
  reranker?: Reranker;
  /** The texts the reranker reads, by chunk id (from SQLite). */
  passages?: (chunks: readonly RetrievedChunk[]) => Promise<Map<number, string>> | Map<number, string>;
}

export interface HybridSearchRequest {
  query: string;
  mode: RetrievalMode;
  /** The spaces the caller may read. Never taken from the request's filter alone. */
  allowedSpaces: readonly string[];
  filter?: RetrievalFilter;
  /** How many hits to return (top-k). */
  limit: number;
  /** Candidates taken from each of keyword and vector search before fusion. Default max(limit, 50). */
  candidates?: number;
  /** RRF's k. Default 60. */
  rrfK?: number;
  /** How many fused candidates the cross-encoder re-orders. Default max(limit, 30). */
  rerankTop?: number;
  /** A query embedding made beforehand (benchmarks, caches); `queryEmbedder` says whose it is. */
  queryVector?: Float32Array;
  queryEmbedder?: EmbedderIdentity;
}

export interface RetrievedChunk {
  chunkId: number;
  spaceId: string;
}

/** Ranks are 1-based positions in each list; absent when the chunk was not in that list. */
export interface ModeRanks {
  keyword?: number;
  vector?: number;
  fused?: number;
  rerank?: number;
}

export interface ModeScores {
  /** BM25 score. */
  keyword?: number;
  /** Cosine similarity. */
  vector?: number;
  /** RRF score. */
  fused?: number;
  /** The cross-encoder's logit. */
  rerank?: number;
}

export interface HybridHit extends RetrievedChunk {
  /** The score the hit was ordered by: the reranker's, else RRF's, else the single mode's own. */
  score: number;
  ranks: ModeRanks;
  scores: ModeScores;
}

export interface HybridTimings {
  embedMs: number;
  keywordMs: number;
  vectorMs: number;
  rerankMs: number;
  totalMs: number;
}

export interface HybridSearchResult {
  hits: HybridHit[];
  timings: HybridTimings;
}

export async function hybridSearch(deps: HybridSearchDeps, request: HybridSearchRequest, options: CallOptions = {}): Promise<HybridSearchResult> {
  const started = performance.now();
  const timings: HybridTimings = { embedMs: 0, keywordMs: 0, vectorMs: 0, rerankMs: 0, totalMs: 0 };
  const spaces = searchableSpaces(request.allowedSpaces, request.filter);
  const limit = Math.max(0, Math.trunc(request.limit));
  if (spaces.length === 0 || limit === 0 || request.query.trim() === '') return { hits: [], timings };
  const filter = compileFilter(request.filter);
  const useKeyword = request.mode !== 'vector';
  const useVector = request.mode !== 'keyword';
  const candidates = request.mode === 'keyword' || request.mode === 'vector' ? limit : Math.max(limit, request.candidates ?? 50);

  for (const spaceId of spaces) {
    if (useKeyword && !deps.keywordIndex.isOpen(spaceId)) throw new Error(`The keyword index of space ${spaceId} is not open.`);
    if (useVector && deps.vectorStore && !deps.vectorStore.isOpen(spaceId)) throw new Error(`The vector table of space ${spaceId} is not open.`);
  }

  // Vector search runs in LanceDB's threads while keyword search runs here.
  let vectorSearch: Promise<RetrievedScored[]> | undefined;
  if (useVector) {
    const { vectorStore } = deps;
    if (!vectorStore) throw new HearthError('BAD_REQUEST', `Retrieval mode "${request.mode}" needs the vector store, which is not available.`);
    vectorSearch = (async () => {
      const { vector, embedder } = await queryEmbedding(deps, request, options, timings);
      const vectorStarted = performance.now();
      const hits = await vectorStore.search(spaces, vector, { limit: candidates, filter, embedder });
      timings.vectorMs = performance.now() - vectorStarted;
      return hits;
    })();
  }

  let keywordHits: RetrievedScored[] = [];
  if (useKeyword) {
    const keywordStarted = performance.now();
    keywordHits = searchKeywordSpaces(deps.keywordIndex, spaces, request.query, candidates, filter);
    timings.keywordMs = performance.now() - keywordStarted;
  }
  const vectorHits = vectorSearch ? await vectorSearch : [];

  let hits: HybridHit[];
  if (request.mode === 'keyword') hits = singleMode(keywordHits, 'keyword');
  else if (request.mode === 'vector') hits = singleMode(vectorHits, 'vector');
  else hits = fuse(keywordHits, vectorHits, request.rrfK ?? defaultRrfK);

  if (request.mode === 'hybrid+rerank') {
    const rerankStarted = performance.now();
    hits = await rerank(deps, request.query, hits, Math.max(limit, request.rerankTop ?? 30), options);
    timings.rerankMs = performance.now() - rerankStarted;
  }
  timings.totalMs = performance.now() - started;
  return { hits: hits.slice(0, limit), timings };
}

interface RetrievedScored extends RetrievedChunk {
  score: number;
}

/** BM25 per space, merged by score (each space's idf is its own; close enough to merge a handful of spaces). */
function searchKeywordSpaces(
  index: KeywordIndex,
  spaces: readonly string[],
  query: string,
  limit: number,
  filter: ReturnType<typeof compileFilter>,
): RetrievedScored[] {
  const all = spaces.flatMap((spaceId) => index.searchScored(spaceId, query, { limit, filter }).map((hit) => ({ ...hit, spaceId })));
  if (spaces.length > 1) all.sort((a, b) => b.score - a.score);
  return all.slice(0, limit);
}

async function queryEmbedding(
  deps: HybridSearchDeps,
  request: HybridSearchRequest,
  options: CallOptions,
  timings: HybridTimings,
): Promise<{ vector: Float32Array; embedder: EmbedderIdentity }> {
  if (request.queryVector) {
    if (!request.queryEmbedder) throw new HearthError('BAD_REQUEST', 'A query vector needs `queryEmbedder`: which embedder made it.');
    return { vector: request.queryVector, embedder: request.queryEmbedder };
  }
  if (!deps.embedder) throw new HearthError('BAD_REQUEST', `Retrieval mode "${request.mode}" needs an embedding model, and none is available.`);
  const started = performance.now();
  const [vector] = await deps.embedder.embed([request.query], options);
  timings.embedMs = performance.now() - started;
  if (!vector) throw new HearthError('INTERNAL', `${deps.embedder.id} returned no vector for the query.`);
  return { vector, embedder: deps.embedder };
}

function singleMode(hits: readonly RetrievedScored[], mode: 'keyword' | 'vector'): HybridHit[] {
  return hits.map((hit, index) => ({
    chunkId: hit.chunkId,
    spaceId: hit.spaceId,
    score: hit.score,
    ranks: { [mode]: index + 1 },
    scores: { [mode]: hit.score },
  }));
}

function fuse(keywordHits: readonly RetrievedScored[], vectorHits: readonly RetrievedScored[], k: number): HybridHit[] {
  const byId = new Map<number, RetrievedChunk>();
  for (const hit of [...keywordHits, ...vectorHits]) byId.set(hit.chunkId, { chunkId: hit.chunkId, spaceId: hit.spaceId });
  const keywordScores = new Map(keywordHits.map((hit) => [hit.chunkId, hit.score]));
  const vectorScores = new Map(vectorHits.map((hit) => [hit.chunkId, hit.score]));
  const fused = reciprocalRankFusion(
    [keywordHits.map((hit) => hit.chunkId), vectorHits.map((hit) => hit.chunkId)],
    k,
  );
  return fused.map((item, index) => {
    const [keywordRank, vectorRank] = item.ranks;
    const ranks: ModeRanks = { fused: index + 1 };
    const scores: ModeScores = { fused: item.score };
    if (keywordRank !== undefined) {
      ranks.keyword = keywordRank;
      scores.keyword = keywordScores.get(item.key)!;
    }
    if (vectorRank !== undefined) {
      ranks.vector = vectorRank;
      scores.vector = vectorScores.get(item.key)!;
    }
    return { ...byId.get(item.key)!, score: item.score, ranks, scores };
  });
}

/** Re-orders the first `top` hits by the cross-encoder; the rest keep their fused order after them. */
async function rerank(deps: HybridSearchDeps, query: string, hits: HybridHit[], top: number, options: CallOptions): Promise<HybridHit[]> {
  if (!deps.reranker) throw new HearthError('BAD_REQUEST', 'Retrieval mode "hybrid+rerank" needs a reranking model, and none is available.');
  if (!deps.passages) throw new Error('hybrid+rerank needs `passages` to read the candidates’ text.');
  const head = hits.slice(0, top);
  if (head.length === 0) return hits;
  const texts = await deps.passages(head);
  // A candidate whose text is gone (deleted since it was indexed) cannot be judged: it is dropped.
  const judged = head.filter((hit) => texts.has(hit.chunkId));
  const scores = await deps.reranker.rerank(
    query,
    judged.map((hit) => texts.get(hit.chunkId)!),
    options,
  );
  const reranked = judged
    .map((hit, index) => ({ hit, score: scores[index]!, index }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map(({ hit, score }, index) => ({ ...hit, score, ranks: { ...hit.ranks, rerank: index + 1 }, scores: { ...hit.scores, rerank: score } }));
  return [...reranked, ...hits.slice(top)];
}
