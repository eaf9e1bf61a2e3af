/**
 * Keeps a space's vector table in step with SQLite: on first use of a space (and after a crash or a change
 * of embedding model) it embeds the chunks the table lacks and removes the ones SQLite no longer has. A table
 * made by another embedder is dropped and rebuilt, since its vectors cannot be compared with the new model's.
 */
import { HearthError } from '../../../schemas/index.js';
import type { Embedder } from '../models/index.js';
import type { ChunkFacts } from './filters.js';
import type { VectorStore } from './vector-store.js';

export interface VectorSourceChunk extends ChunkFacts {
  id: number;
  /** What is embedded: the chunk's heading path and text. */
  text: string;
}

export interface VectorSyncProgress {
  stage: 'embedding';
  done: number;
  total: number;
}

export interface VectorSyncResult {
  /** `current`: nothing to do; `synced`: missing chunks embedded; `reembedded`: rebuilt for a new embedder. */
  status: 'current' | 'synced' | 'reembedded';
  embedded: number;
  removed: number;
}

export interface VectorSyncRequest {
  spaceId: string;
  /** The space's generation in SQLite now. */
  generation: number;
  /** Every chunk of the space (read when the table is not current). */
  chunks: () => Iterable<VectorSourceChunk>;
  /** Texts per embedding call; default 64. */
  batchSize?: number;
}

export async function* syncSpaceVectors(
  deps: { store: VectorStore; embedder: Embedder },
  request: VectorSyncRequest,
  signal?: AbortSignal,
): AsyncGenerator<VectorSyncProgress, VectorSyncResult> {
  const { store, embedder } = deps;
  const { spaceId, generation } = request;
  const state = await store.openSpace(spaceId, embedder, generation);
  if (state.status === 'current') return { status: 'current', embedded: 0, removed: 0 };

  const chunks = [...request.chunks()];
  let toEmbed = chunks;
  let removed = 0;
  if (state.status === 'other-embedder') {
    await store.resetSpace(spaceId, embedder);
  } else {
    const stored = new Set(await store.chunkIds(spaceId));
    const wanted = new Set(chunks.map((chunk) => chunk.id));
    const extra = [...stored].filter((id) => !wanted.has(id));
    if (extra.length > 0) await store.remove(spaceId, extra);
    removed = extra.length;
    toEmbed = chunks.filter((chunk) => !stored.has(chunk.id));
  }

  const batchSize = request.batchSize ?? 64;
  // Said before the first batch: with a model on a CPU that batch alone can take seconds, and a watcher wants the total.
  if (toEmbed.length > 0) yield { stage: 'embedding', done: 0, total: toEmbed.length };
  for (let start = 0; start < toEmbed.length; start += batchSize) {
    if (signal?.aborted) throw new HearthError('CANCELLED', `Embedding of space ${spaceId} was cancelled after ${start} of ${toEmbed.length} chunks.`);
    const batch = toEmbed.slice(start, start + batchSize);
    const vectors = await embedder.embed(
      batch.map((chunk) => chunk.text),
      signal ? { signal } : {},
    );
    await store.add(
      spaceId,
      batch.map((chunk, i) => ({
        chunkId: chunk.id,
        vector: vectors[i]!,
        text: chunk.text,
        documentId: chunk.documentId,
        type: chunk.type,
        project: chunk.project,
        createdAt: chunk.createdAt,
      })),
    );
    yield { stage: 'embedding', done: Math.min(start + batchSize, toEmbed.length), total: toEmbed.length };
  }
  await store.markGeneration(spaceId, generation);
  return { status: state.status === 'other-embedder' ? 'reembedded' : 'synced', embedded: toEmbed.length, removed };
}
