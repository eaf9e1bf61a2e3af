/**
 * Each space's search indexes, opened for the active embedding model: the keyword index loaded (or rebuilt
 * from SQLite when older than the space's generation) and the space's vector table synced with SQLite. That
 * preparation is a job of its own (`space.prepare`), one per space at a time, which every search, answer and
 * ingest in the space waits on and any number of watchers follow; it survives the window that asked for it and
 * resumes after a restart. Searches run within the spaces the caller may read.
 */
import path from 'node:path';
import { z } from 'zod';
import {
  HearthError,
  SpacePrepareProgress,
  SpacePrepareResult,
  prepareJob,
  type JobInfoOf,
  type RetrievalHit,
  type SearchFilter,
} from '../../../schemas/index.js';
import type { JobKind, Jobs } from '../jobs/index.js';
import { searchableText, type Documents } from '../library/index.js';
import type { Embedder, ModelRuntime } from '../models/index.js';
import type { Spaces } from '../spaces/index.js';
import type { Db } from '../storage/index.js';
import { localOwner, type Caller } from '../team/index.js';
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
  jobs: Jobs;
}

/** A space's indexes, ready for the embedder they were prepared for, which is leased until `release`. */
export interface OpenSpace {
  embedder: Embedder;
  vectorStore: VectorStore;
  release(): Promise<void>;
}

/** What a search found, and what the answer should say about how (reranking off, and why). */
export interface SpaceSearchResult {
  hits: RetrievalHit[];
  notices: string[];
}

const PrepareParams = z.object({ spaceId: z.string(), embedderId: z.string() });
type PrepareParams = z.infer<typeof PrepareParams>;

/** Preparations running at once, of different spaces (one space never has two). */
const preparationConcurrency = 4;

export class SpaceIndexes {
  /** Per space, the embedder its indexes were prepared for in this process. */
  private readonly prepared = new Map<string, string>();
  /** Per space, the decision in flight of whether to start, join or replace its preparation (one at a time). */
  private readonly deciding = new Map<string, Promise<unknown>>();
  private vectors: Promise<VectorStore> | undefined;

  constructor(private readonly deps: SpaceIndexesDeps) {
    deps.jobs.register(this.preparationKind());
  }

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
  ): Promise<SpaceSearchResult> {
    const space = await this.open(request.spaceId, caller);
    const reranker = await this.deps.models.leaseReranker().catch(async (error: unknown) => {
      await space.release();
      throw error;
    });
    try {
      const { embedder, vectorStore } = space;
      const { hits } = await retrievePassages(
        this.deps.db,
        { keywordIndex: this.deps.keywordIndex, vectorStore, embedder, ...(reranker ? { reranker: reranker.value } : {}) },
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
      const failure = this.deps.models.failure('rerank');
      const notices = failure ? [`Reranking is off: the reranker "${failure.alias}" could not be opened (${failure.error.message}). Check it on the Models page.`] : [];
      return { hits: hits.map(({ citation, text, score }) => ({ citation, text, score })), notices };
    } finally {
      await reranker?.release();
      await space.release();
    }
  }

  /**
   * Opens a space's indexes, waiting for its preparation for the active embedder (started by this call when
   * none runs), and leases that embedder to the caller until it releases the space. A preparation that ends
   * because the embedding model changed under it is followed by the new model's.
   */
  async open(spaceId: string, caller: Caller): Promise<OpenSpace> {
    for (;;) {
      const state = await this.prepare(spaceId, caller);
      if (state.status === 'preparing') {
        try {
          await this.deps.jobs.outcome(state.job.id);
        } catch (error) {
          if (!(await this.embedderChangedSince(state.job.id))) throw error;
          continue;
        }
      }
      const lease = await this.deps.models.leaseEmbedder();
      if (this.prepared.get(spaceId) !== lease.value.id) {
        await lease.release(); // the model changed after the preparation: prepare for the new one
        continue;
      }
      return { embedder: lease.value, vectorStore: await this.vectorStore(), release: () => lease.release() };
    }
  }

  /**
   * The space's preparation for the active embedder: `current` when its indexes are ready; else the preparation
   * job running for it (joined), or a new one — which, when one for another embedder is still running, is
   * cancelled first and stopped before the new one starts, so two syncs never write one table.
   */
  prepare(spaceId: string, caller: Caller): Promise<{ status: 'current' } | { status: 'preparing'; job: JobInfoOf<'space.prepare'> }> {
    this.deps.spaces.get(spaceId);
    // One decision per space at a time: two callers must not both replace a preparation and start two.
    const decision = (this.deciding.get(spaceId) ?? Promise.resolve()).catch(() => undefined).then(() => this.decide(spaceId, caller));
    this.deciding.set(spaceId, decision);
    void decision.finally(() => this.deciding.get(spaceId) === decision && this.deciding.delete(spaceId)).catch(() => undefined);
    return decision;
  }

  /**
   * What each store holds for a space, after opening it (which reconciles the derived indexes with SQLite):
   * the chunk ids of its ready documents in SQLite and in the vector table, and the keyword index's size.
   * The three agree unless a store is damaged; the crash tests read it.
   */
  async storeCounts(spaceId: string, caller: Caller = localOwner): Promise<{ sqliteChunkIds: number[]; vectorChunkIds: number[]; keywordChunks: number }> {
    const space = await this.open(spaceId, caller);
    try {
      return {
        sqliteChunkIds: [...this.deps.documents.chunksOfSpace(spaceId)].map((chunk) => chunk.id).sort((a, b) => a - b),
        vectorChunkIds: (await space.vectorStore.chunkIds(spaceId)).sort((a, b) => a - b),
        keywordChunks: this.deps.keywordIndex.size(spaceId),
      };
    } finally {
      await space.release();
    }
  }

  /** Closes the stores; the preparation jobs were stopped by the jobs module first. */
  async dispose(): Promise<void> {
    await this.deps.keywordIndex.flush();
    await (await this.vectors?.catch(() => undefined))?.dispose();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  private async decide(spaceId: string, caller: Caller): Promise<{ status: 'current' } | { status: 'preparing'; job: JobInfoOf<'space.prepare'> }> {
    const embedderId = await this.activeEmbedderId();
    if (this.prepared.get(spaceId) === embedderId) return { status: 'current' };
    const running = this.deps.jobs.unfinished('space.prepare', spaceId);
    if (running) {
      if (this.preparingFor(running.id) === embedderId) return { status: 'preparing', job: running };
      await this.deps.jobs.cancel(running.id); // for the model before; returns once it has let go of the table
    }
    const space = this.deps.spaces.get(spaceId);
    const params: PrepareParams = { spaceId, embedderId };
    return { status: 'preparing', job: this.deps.jobs.start('space.prepare', { spaceId, title: `Preparing search in ${space.name}`, subject: space.name, params, caller }) };
  }

  private preparationKind(): JobKind<PrepareParams, SpacePrepareProgress, SpacePrepareResult> {
    return {
      kind: prepareJob.kind,
      params: PrepareParams,
      progress: SpacePrepareProgress,
      result: SpacePrepareResult,
      concurrency: preparationConcurrency,
      run: async (job) => {
        const { spaceId, embedderId } = job.params;
        const lease = await this.deps.models.leaseEmbedder();
        try {
          const embedder = lease.value;
          if (embedder.id !== embedderId) {
            // After a restart, or a switch while it waited its turn: the new model's preparation takes over.
            throw new HearthError('CANCELLED', `The embedding model changed before search in this space was prepared for ${embedderId}; it is prepared for ${embedder.id} instead.`);
          }
          if (embedder.dimensions === 0) await embedder.embed(['dimensions'], { signal: job.signal }); // a remote embedder tells its size on first use
          const vectorStore = await this.vectorStore();
          const generation = this.deps.spaces.generation(spaceId);
          const chunks = () =>
            [...this.deps.documents.chunksOfSpace(spaceId)].map((chunk) => ({
              id: chunk.id,
              text: searchableText(chunk),
              documentId: chunk.documentId,
              type: chunk.format,
              project: chunk.project,
              createdAt: chunk.createdAt,
            }));
          if (!this.deps.keywordIndex.isOpen(spaceId)) await this.deps.keywordIndex.open(spaceId, generation, chunks);
          job.step('keyword-index');
          const sync = syncSpaceVectors({ store: vectorStore, embedder }, { spaceId, generation, chunks }, job.signal);
          for (let step = await sync.next(); ; step = await sync.next()) {
            if (step.done) {
              this.prepared.set(spaceId, embedderId);
              return step.value;
            }
            job.progress(step.value);
          }
        } finally {
          await lease.release();
        }
      },
    };
  }

  /** The embedder a preparation job was started for. */
  private preparingFor(jobId: string): string | undefined {
    const params = PrepareParams.safeParse(this.deps.jobs.paramsOf(jobId));
    return params.success ? params.data.embedderId : undefined;
  }

  /** Whether a preparation ended because the embedding model is no longer the one it prepared for. */
  private async embedderChangedSince(jobId: string): Promise<boolean> {
    const preparedFor = this.preparingFor(jobId);
    return preparedFor !== undefined && preparedFor !== (await this.activeEmbedderId().catch(() => preparedFor));
  }

  private async activeEmbedderId(): Promise<string> {
    const lease = await this.deps.models.leaseEmbedder();
    try {
      return lease.value.id;
    } finally {
      await lease.release();
    }
  }

  private vectorStore(): Promise<VectorStore> {
    return (this.vectors ??= VectorStore.open(path.join(this.deps.dataDir, 'vectors')));
  }
}
