/**
 * Each space's search indexes, opened for the active embedding model: the keyword index loaded (or rebuilt
 * from SQLite when older than the space's generation) and the space's vector table synced with SQLite. That
 * preparation is shared: every search, answer and ingest in the space waits on the same one, and any number of
 * watchers follow its progress. Searches run within the spaces the caller may read.
 */
import path from 'node:path';
import type { RetrievalHit, SearchFilter, SpacePrepareProgress, SpacePrepareResult } from '../../../schemas/index.js';
import { searchableText, type Documents } from '../library/index.js';
import type { Embedder, ModelRuntime } from '../models/index.js';
import { SpacePreparations, type SpacePreparation, type SpacePreparationState, type Spaces } from '../spaces/index.js';
import type { Db } from '../storage/index.js';
import type { Caller } from '../team/index.js';
import type { KeywordIndex } from './keyword-index.js';
import { retrievePassages } from './retrieve.js';
import { VectorStore } from './vector-store.js';
import { syncSpaceVectors } from './vector-sync.js';

export interface SpaceIndexesDeps {
  dataDir: string;
  db: Db;
  spaces: Spaces;
  documents: Documents;
  models: ModelRuntime;
  keywordIndex: KeywordIndex;
}

/** A space's indexes, ready for the embedder they were prepared for. */
export interface OpenSpace {
  embedder: Embedder;
  vectorStore: VectorStore;
}

export class SpaceIndexes {
  /** Per space: its indexes opened and synced for the active embedder, in flight, done or failed. */
  private readonly preparations = new SpacePreparations();
  private vectors: Promise<VectorStore> | undefined;
  private disposed = false;

  constructor(private readonly deps: SpaceIndexesDeps) {}

  get keywordIndex(): KeywordIndex {
    return this.deps.keywordIndex;
  }

  /**
   * Retrieval within one space, for a caller: BM25 and vectors fused by RRF (reranked when a reranker is active),
   * over the spaces the caller may read, narrowed to this one. With only the built-in hash embedder, BM25 alone:
   * on SciFact it scored 0.680 nDCG@10 against hybrid's 0.561, the hash ranking diluting the fusion
   * (docs/benchmarks.md). The hash vectors are still kept, cheaply, so the vector path stays whole.
   */
  async search(
    caller: Caller,
    request: { spaceId: string; query: string; limit: number; filter?: SearchFilter | undefined },
    signal?: AbortSignal,
  ): Promise<RetrievalHit[]> {
    const { embedder, vectorStore } = await this.open(request.spaceId);
    const reranker = await this.deps.models.reranker().catch(() => undefined);
    const { hits } = await retrievePassages(
      this.deps.db,
      { keywordIndex: this.deps.keywordIndex, vectorStore, embedder, ...(reranker ? { reranker } : {}) },
      {
        query: request.query,
        mode: reranker ? 'hybrid+rerank' : embedder === this.deps.models.hashEmbedder ? 'keyword' : 'hybrid',
        // The access list is the caller's, never the request's; the request only narrows it to its space.
        allowedSpaces: caller.spacesWith('viewer', this.deps.spaces.ids()),
        limit: request.limit,
        // A cross-encoder over 30 passages took ~5 s on 2 CPU cores (docs/benchmarks.md): rerank the top few.
        rerankTop: Math.max(request.limit, 10),
        filter: { ...request.filter, spaces: [request.spaceId] },
      },
      signal ? { signal } : {},
    );
    return hits.map(({ citation, text, score }) => ({ citation, text, score }));
  }

  /**
   * Opens a space's indexes on first use (and again when the active embedder changes), waiting for the
   * preparation every request in the space shares: the keyword index is loaded, or rebuilt from SQLite when
   * older than the space's generation; the vector table is synced with SQLite for the active embedder
   * (missing chunks embedded, extra ones dropped, all re-embedded for a new embedder).
   */
  async open(spaceId: string): Promise<OpenSpace> {
    for (;;) {
      const { embedder, vectorStore, preparation } = await this.startPreparing(spaceId);
      try {
        await preparation.finished;
        return { embedder, vectorStore };
      } catch (error) {
        if (!(await this.replacedByNewEmbedder(preparation))) throw error;
      }
    }
  }

  /** The space's embedder now, once the space is prepared for it (for an ingest that outlived a change of model). */
  async currentEmbedder(spaceId: string): Promise<Embedder> {
    return (await this.open(spaceId)).embedder;
  }

  /**
   * Prepares a space for search (see {@link open}) and follows the preparation: the one in flight is joined,
   * never started twice, and every watcher gets its progress. Aborting `signal` stops this watcher only; the
   * work goes on for the others and for the requests waiting on it. A space already prepared for the active
   * embedder answers `current` at once.
   */
  prepare(spaceId: string, signal?: AbortSignal): AsyncGenerator<SpacePrepareProgress, SpacePrepareResult> {
    const indexes = this;
    return (async function* () {
      for (;;) {
        const { preparation } = await indexes.startPreparing(spaceId);
        if (preparation.succeeded) return { status: 'current' as const, embedded: 0, removed: 0 };
        try {
          return yield* preparation.watch(signal);
        } catch (error) {
          if (signal?.aborted || !(await indexes.replacedByNewEmbedder(preparation))) throw error;
        }
      }
    })();
  }

  /** Where a space's preparation is: idle, embedding (how far), or failed (why). */
  preparationState(spaceId: string): SpacePreparationState {
    return this.preparations.state(spaceId);
  }

  /**
   * What each store holds for a space, after opening it (which reconciles the derived indexes with SQLite):
   * the chunk ids of its ready documents in SQLite and in the vector table, and the keyword index's size.
   * The three agree unless a store is damaged; the crash tests read it.
   */
  async storeCounts(spaceId: string): Promise<{ sqliteChunkIds: number[]; vectorChunkIds: number[]; keywordChunks: number }> {
    const { vectorStore } = await this.open(spaceId);
    return {
      sqliteChunkIds: [...this.deps.documents.chunksOfSpace(spaceId)].map((chunk) => chunk.id).sort((a, b) => a - b),
      vectorChunkIds: (await vectorStore.chunkIds(spaceId)).sort((a, b) => a - b),
      keywordChunks: this.deps.keywordIndex.size(spaceId),
    };
  }

  /** Stops the preparations in flight (before the models and the vector store they use are closed), then the stores. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.preparations.dispose();
    await this.deps.keywordIndex.flush();
    await (await this.vectors?.catch(() => undefined))?.dispose();
  }

  /** The space's preparation for the active embedder: joined when in flight or done, started otherwise. */
  private async startPreparing(spaceId: string): Promise<OpenSpace & { preparation: SpacePreparation }> {
    this.deps.spaces.get(spaceId);
    const embedder = await this.deps.models.embedder();
    if (embedder.dimensions === 0) await embedder.embed(['dimensions']); // a remote embedder tells its size on first use
    const vectorStore = await (this.vectors ??= VectorStore.open(path.join(this.deps.dataDir, 'vectors')));
    const preparation = this.preparations.prepare(spaceId, embedder.id, (signal) => this.prepareIndexes(spaceId, embedder, vectorStore, signal));
    return { embedder, vectorStore, preparation };
  }

  /** A preparation's work: the keyword index opened, then the vector table synced, with the sync's progress. */
  private async *prepareIndexes(
    spaceId: string,
    embedder: Embedder,
    vectorStore: VectorStore,
    signal: AbortSignal,
  ): AsyncGenerator<SpacePrepareProgress, SpacePrepareResult> {
    const chunks = () =>
      [...this.deps.documents.chunksOfSpace(spaceId)].map((chunk) => ({
        id: chunk.id,
        text: searchableText(chunk),
        documentId: chunk.documentId,
        type: chunk.format,
        project: chunk.project,
        createdAt: chunk.createdAt,
      }));
    const generation = this.deps.spaces.generation(spaceId);
    if (!this.deps.keywordIndex.isOpen(spaceId)) await this.deps.keywordIndex.open(spaceId, generation, chunks);
    return yield* syncSpaceVectors({ store: vectorStore, embedder }, { spaceId, generation, chunks }, signal);
  }

  /**
   * Whether a preparation failed because the embedding model changed under it (a new one cancels it, and
   * loading the new model closes the old one mid-batch): then the caller follows the new preparation.
   */
  private async replacedByNewEmbedder(preparation: SpacePreparation): Promise<boolean> {
    if (this.disposed) return false;
    return (await this.deps.models.embedder()).id !== preparation.embedderId;
  }
}
