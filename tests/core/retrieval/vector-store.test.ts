import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HashEmbedder } from '../../../app/core/models/index.js';
import { compileFilter, syncSpaceVectors, VectorStore, type VectorRow, type VectorSyncResult } from '../../../app/core/retrieval/index.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';
import { ConceptEmbedder } from './fixtures.js';

const embedder = new HashEmbedder({ dimensions: 64 });

const passages = [
  { id: 1, text: 'Refunds for cancelled trains are paid within 14 days.', documentId: 'travel', type: 'pdf', createdAt: '2025-01-05T00:00:00Z', project: 'ops' },
  { id: 2, text: 'Refunds for hotel bookings need a manager approval.', documentId: 'travel', type: 'pdf', createdAt: '2025-02-05T00:00:00Z', project: 'ops' },
  { id: 3, text: 'Refund of train tickets: fill in form R-12.', documentId: 'forms', type: 'docx', createdAt: '2025-03-05T00:00:00Z', project: 'finance' },
  { id: 4, text: 'Возврат билетов на поезд оформляется через бухгалтерию.', documentId: 'ru-guide', type: 'md', createdAt: '2025-04-05T00:00:00Z', project: 'finance' },
  { id: 5, text: 'The canteen opens at eight.', documentId: 'misc', type: 'md', createdAt: '2025-05-05T00:00:00Z' },
];

async function rows(items: typeof passages, space = ''): Promise<VectorRow[]> {
  const vectors = await embedder.embed(items.map((item) => item.text));
  return items.map((item, i) => ({ ...item, chunkId: item.id + (space === 'other' ? 100 : 0), vector: vectors[i]! }));
}

async function nearest(store: VectorStore, spaces: string[], text: string, filter?: Parameters<typeof compileFilter>[0], limit = 5) {
  const [vector] = await embedder.embed([text]);
  const hits = await store.search(spaces, vector!, { limit, embedder, filter: compileFilter(filter) });
  return hits.map((hit) => hit.chunkId);
}

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let store: VectorStore;
beforeEach(async () => {
  temp = await makeTempDir('hearth-vectors-');
  store = await VectorStore.open(temp.dir);
});
afterEach(async () => {
  await store.dispose();
  await temp.cleanup();
});

describe('the LanceDB vector store', () => {
  it('finds the nearest passages and pushes metadata filters into the search', async () => {
    await store.openSpace('s', embedder, 0);
    await store.add('s', await rows(passages), 1);

    expect((await nearest(store, ['s'], 'refund for cancelled trains'))[0]).toBe(1);
    expect(await nearest(store, ['s'], 'refund for cancelled trains', { types: ['docx'] })).toEqual([3]);
    expect(await nearest(store, ['s'], 'refund', { documentIds: ['travel'] })).toEqual(expect.arrayContaining([1, 2]));
    expect((await nearest(store, ['s'], 'refund', { documentIds: ['travel'] })).length).toBe(2);
    expect((await nearest(store, ['s'], 'refund', { projects: ['finance'] })).sort()).toEqual([3, 4]);
    expect((await nearest(store, ['s'], 'refund', { createdFrom: '2025-02-01', createdBefore: '2025-04-01' })).sort()).toEqual([2, 3]);
    // A value with a quote cannot break out of its SQL literal.
    expect(await nearest(store, ['s'], 'refund', { documentIds: ["travel') OR (1=1"] })).toEqual([]);
  });

  it('keeps spaces apart: a search reads only the tables of the spaces it is given', async () => {
    await store.openSpace('mine', embedder, 0);
    await store.openSpace('other', embedder, 0);
    await store.add('mine', await rows(passages.slice(0, 2)), 1);
    await store.add('other', await rows(passages, 'other'), 1);

    const hits = await store.search(['mine'], (await embedder.embed(['refund train tickets form']))[0]!, { limit: 10, embedder });
    expect(hits.map((hit) => hit.chunkId).sort()).toEqual([1, 2]);
    expect(new Set(hits.map((hit) => hit.spaceId))).toEqual(new Set(['mine']));

    const both = await store.search(['mine', 'other'], (await embedder.embed(['refund train tickets form']))[0]!, { limit: 3, embedder });
    expect(both[0]!.chunkId).toBe(103); // the best across tables, by similarity
  });

  it('records its embedder and generation, and says after a reopen whether it is current', async () => {
    expect((await store.openSpace('s', embedder, 0)).status).toBe('behind'); // new table, nothing recorded
    await store.add('s', await rows(passages), 7);
    await store.dispose();

    store = await VectorStore.open(temp.dir);
    expect(await store.openSpace('s', embedder, 7)).toMatchObject({ status: 'current', rows: passages.length, generation: 7 });
    expect((await nearest(store, ['s'], 'canteen opening hours'))[0]).toBe(5);
    await store.dispose();

    store = await VectorStore.open(temp.dir);
    expect((await store.openSpace('s', embedder, 8)).status).toBe('behind');
    await store.dispose();

    store = await VectorStore.open(temp.dir);
    const state = await store.openSpace('s', new HashEmbedder({ dimensions: 32 }), 7);
    expect(state).toMatchObject({ status: 'other-embedder', embedderId: 'hash' });
    // Vectors of another embedder are never compared with this one's query.
    const query = new Float32Array(32).fill(1 / Math.sqrt(32));
    expect(await store.search(['s'], query, { limit: 5, embedder: { id: 'hash', dimensions: 32 } })).toEqual([]);
  });

  it('replaces a chunk added again and removes chunks', async () => {
    await store.openSpace('s', embedder, 0);
    await store.add('s', await rows(passages));
    const [canteen] = await rows([{ ...passages[4]!, id: 1 }]);
    await store.add('s', [canteen!]); // chunk 1 now holds the canteen text
    await store.remove('s', [5]);
    expect((await store.chunkIds('s')).sort()).toEqual([1, 2, 3, 4]);
    expect((await nearest(store, ['s'], 'canteen opens at eight'))[0]).toBe(1);
  });

  it('builds an ANN index once a table passes the threshold, merges later rows into it, and still finds the right chunks', async () => {
    await store.dispose();
    store = await VectorStore.open(temp.dir, { annThreshold: 300, optimizeAfter: 100, retrainGrowth: 3 });
    await store.openSpace('s', { id: 'random', dimensions: 32 }, 0);
    let seed = 11;
    const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32) - 0.5;
    const vectors = Array.from({ length: 700 }, () => Float32Array.from({ length: 32 }, random));
    const asRows = (from: number, to: number): VectorRow[] =>
      vectors.slice(from, to).map((vector, i) => ({
        chunkId: from + i,
        vector,
        type: (from + i) % 2 ? 'odd' : 'even',
        documentId: (from + i) % 100 === 7 ? 'rare' : 'common',
      }));

    await store.add('s', asRows(0, 250));
    await store.idle();
    expect((await store.describe('s')).indexType).toBeUndefined(); // below the threshold: exact search

    await store.add('s', asRows(250, 500));
    await store.idle();
    const indexed = await store.describe('s');
    expect(indexed.indexType).toMatch(/rq/i);
    expect(indexed.unindexedRows).toBe(0);

    await store.add('s', asRows(500, 700));
    await store.idle();
    expect(await store.describe('s')).toMatchObject({ rows: 700, unindexedRows: 0 }); // merged by optimize

    const identity = { id: 'random', dimensions: 32 };
    for (const probe of [3, 260, 650]) {
      const hits = await store.search(['s'], vectors[probe]!, { limit: 5, embedder: identity });
      expect(hits[0]!.chunkId).toBe(probe);
      expect(hits[0]!.score).toBeCloseTo(1, 3);
      const odd = await store.search(['s'], vectors[probe]!, { limit: 5, embedder: identity, filter: compileFilter({ types: ['odd'] }) });
      expect(odd.every((hit) => hit.chunkId % 2 === 1)).toBe(true);
      // A narrow filter still finds every matching row, wherever its partition lies.
      const rare = await store.search(['s'], vectors[probe]!, { limit: 10, embedder: identity, filter: compileFilter({ documentIds: ['rare'] }) });
      expect(rare.map((hit) => hit.chunkId).sort((a, b) => a - b)).toEqual([7, 107, 207, 307, 407, 507, 607]);
    }
  });

  it('can keep text with LanceDB’s native full-text (BM25) index', async () => {
    await store.dispose();
    store = await VectorStore.open(temp.dir, { fullText: true });
    await store.openSpace('s', embedder, 0);
    await store.add('s', await rows(passages));
    await store.maintain('s');
    const found = await store.fullTextSearch(['s'], 'cancelled trains', { limit: 3 });
    expect(found[0]!.chunkId).toBe(1);
    const filtered = await store.fullTextSearch(['s'], 'refund', { limit: 5, filter: compileFilter({ types: ['docx'] }) });
    expect(filtered.map((hit) => hit.chunkId)).toEqual([3]);
    expect((await store.describe('s')).fullText).toBe(true);
  });
});

describe('syncing a space’s vectors with SQLite', () => {
  const chunks = passages.map(({ id, text, documentId, type, createdAt }) => ({ id, text, documentId, type, createdAt }));
  const sync = async (embedderToUse: HashEmbedder | ConceptEmbedder, generation: number, source = chunks) => {
    const progress: number[] = [];
    const run = syncSpaceVectors({ store, embedder: embedderToUse }, { spaceId: 's', generation, chunks: () => source, batchSize: 2 });
    let step = await run.next();
    while (!step.done) {
      progress.push(step.value.done);
      step = await run.next();
    }
    return { result: step.value as VectorSyncResult, progress };
  };

  it('embeds what is missing, removes what is gone, and re-embeds all for a new embedder', async () => {
    expect(await sync(embedder, 1)).toEqual({ result: { status: 'synced', embedded: 5, removed: 0 }, progress: [0, 2, 4, 5] });
    expect((await sync(embedder, 1)).result.status).toBe('current');

    const changed = [...chunks.slice(1), { id: 9, text: 'New policy on expenses', documentId: 'new', type: 'md', createdAt: '2025-06-01T00:00:00Z' }];
    expect((await sync(embedder, 2, changed)).result).toEqual({ status: 'synced', embedded: 1, removed: 1 });
    expect((await store.chunkIds('s')).sort()).toEqual([2, 3, 4, 5, 9]);

    const concepts = new ConceptEmbedder();
    expect((await sync(concepts, 2, changed)).result).toEqual({ status: 'reembedded', embedded: 5, removed: 0 });
    expect(await store.openSpace('s', concepts, 2)).toMatchObject({ status: 'current', embedderId: 'concepts-v1', rows: 5 });
  });

  it('stops between batches when cancelled', async () => {
    const controller = new AbortController();
    const run = syncSpaceVectors({ store, embedder }, { spaceId: 's', generation: 1, chunks: () => chunks, batchSize: 2 }, controller.signal);
    expect((await run.next()).value).toEqual({ stage: 'embedding', done: 0, total: 5 });
    expect((await run.next()).value).toEqual({ stage: 'embedding', done: 2, total: 5 });
    controller.abort();
    await expect(run.next()).rejects.toMatchObject({ code: 'CANCELLED' });
    expect((await store.chunkIds('s')).length).toBe(2);
  });
});
