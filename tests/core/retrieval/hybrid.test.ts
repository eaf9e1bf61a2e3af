import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  hybridSearch,
  KeywordIndex,
  VectorStore,
  type HybridSearchDeps,
  type HybridSearchRequest,
  type IndexedChunk,
  type RetrievalMode,
} from '../../../app/core/retrieval/index.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';
import { chunk, ConceptEmbedder, mixedCorpus, mixedQueries, ScriptedReranker } from './fixtures.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let keywordIndex: KeywordIndex;
let vectorStore: VectorStore;
const embedder = new ConceptEmbedder();

async function addSpace(spaceId: string, chunks: IndexedChunk[]): Promise<void> {
  await keywordIndex.open(spaceId, 1, () => chunks);
  await vectorStore.openSpace(spaceId, embedder, 0);
  const vectors = await embedder.embed(chunks.map((c) => c.text));
  await vectorStore.add(
    spaceId,
    chunks.map((c, i) => ({ ...c, chunkId: c.id, vector: vectors[i]! })),
    1,
  );
}

const texts = new Map<number, string>();
function deps(extra: Partial<HybridSearchDeps> = {}): HybridSearchDeps {
  return { keywordIndex, vectorStore, embedder, passages: (chunks) => new Map(chunks.map((c) => [c.chunkId, texts.get(c.chunkId)!])), ...extra };
}

const search = (request: Partial<HybridSearchRequest> & { query: string }, extra: Partial<HybridSearchDeps> = {}) =>
  hybridSearch(deps(extra), { mode: 'hybrid', allowedSpaces: ['work'], limit: 5, ...request });

beforeEach(async () => {
  temp = await makeTempDir('hearth-hybrid-');
  keywordIndex = new KeywordIndex(`${temp.dir}/keyword`);
  vectorStore = await VectorStore.open(`${temp.dir}/vectors`);
  texts.clear();
  for (const c of mixedCorpus) texts.set(c.id, c.text);
  await addSpace('work', mixedCorpus);
});
afterEach(async () => {
  await vectorStore.dispose();
  await temp.cleanup();
});

describe('hybrid retrieval', () => {
  it('beats or matches each single mode where keyword and vector search each miss something', async () => {
    const reciprocalRank = async (mode: RetrievalMode) => {
      let sum = 0;
      for (const { query, relevant } of mixedQueries) {
        const { hits } = await search({ query, mode, limit: 3 });
        const rank = hits.findIndex((hit) => hit.chunkId === relevant);
        sum += rank >= 0 ? 1 / (rank + 1) : 0;
      }
      return sum / mixedQueries.length;
    };
    const keyword = await reciprocalRank('keyword');
    const vector = await reciprocalRank('vector');
    const hybrid = await reciprocalRank('hybrid');
    // Each single mode answers only its own kind of question…
    expect(keyword).toBeLessThan(0.7);
    expect(vector).toBeLessThan(0.7);
    // …and fusion answers both.
    expect(hybrid).toBeGreaterThanOrEqual(Math.max(keyword, vector));
    expect(hybrid).toBeGreaterThan(0.9);
  });

  it('reports each mode’s rank and the fused RRF score', async () => {
    const { hits } = await search({ query: 'automobile repair', rrfK: 60 });
    const top = hits[0]!;
    expect(top.chunkId).toBe(1);
    expect(top.ranks).toMatchObject({ keyword: 1, vector: 1, fused: 1 });
    expect(top.score).toBeCloseTo(2 / 61, 12);
    expect(top.scores.keyword).toBeGreaterThan(0);
    expect(top.scores.vector).toBeCloseTo(1, 5);
  });

  it('never leaves the allowed spaces, whatever the filter asks for', async () => {
    await addSpace('secret', [chunk(101, 'Part X-7731 secret supplier prices'), chunk(102, 'Automobile repair budget (secret)')]);
    for (const mode of ['keyword', 'vector', 'hybrid'] as const) {
      const narrowedAway = await search({ query: 'X-7731 automobile repair', mode, limit: 20, filter: { spaces: ['secret'] } });
      expect(narrowedAway.hits).toEqual([]);
      const both = await search({ query: 'X-7731 automobile repair', mode, limit: 20, filter: { spaces: ['work', 'secret'] } });
      expect(both.hits.length).toBeGreaterThan(0);
      expect(both.hits.every((hit) => hit.spaceId === 'work' && hit.chunkId < 100)).toBe(true);
    }
    const allowed = await search({ query: 'X-7731', mode: 'keyword', allowedSpaces: ['work', 'secret'], limit: 5 });
    expect(allowed.hits.map((hit) => hit.chunkId)).toEqual(expect.arrayContaining([5, 101]));
  });

  it('applies type, document and date filters in every mode', async () => {
    await addSpace('filtered', [
      chunk(201, 'Automobile repair invoice March', { type: 'pdf', documentId: 'a', createdAt: '2025-03-01T00:00:00Z' }),
      chunk(202, 'Automobile repair invoice April', { type: 'docx', documentId: 'b', createdAt: '2025-04-01T00:00:00Z' }),
      chunk(203, 'Automobile repair invoice May', { type: 'pdf', documentId: 'c', createdAt: '2025-05-01T00:00:00Z' }),
    ]);
    for (const mode of ['keyword', 'vector', 'hybrid'] as const) {
      const ids = async (filter: HybridSearchRequest['filter']) =>
        (await search({ query: 'automobile repair invoice', mode, allowedSpaces: ['filtered'], filter })).hits.map((hit) => hit.chunkId).sort();
      expect(await ids({ types: ['pdf'] })).toEqual([201, 203]);
      expect(await ids({ documentIds: ['b'] })).toEqual([202]);
      expect(await ids({ createdFrom: '2025-03-15', createdBefore: new Date('2025-05-01T00:00:00Z') })).toEqual([202]);
      expect(await ids({ types: ['pdf'], createdFrom: '2025-04-01' })).toEqual([203]);
    }
  });

  it('re-orders the top fused candidates with the cross-encoder and keeps the fused ranks', async () => {
    const reranker = new ScriptedReranker('Railway');
    const { hits } = await search({ query: 'car repair train ticket', mode: 'hybrid+rerank', rerankTop: 4, limit: 4 }, { reranker });
    expect(hits[0]!.chunkId).toBe(4);
    expect(hits[0]!.ranks.rerank).toBe(1);
    expect(hits[0]!.ranks.fused).toBeGreaterThan(1);
    expect(reranker.asked).toHaveLength(1);
    expect(reranker.asked[0]!.passages).toHaveLength(4);
    await expect(search({ query: 'car', mode: 'hybrid+rerank' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('takes a query vector made beforehand, and times each stage', async () => {
    const [queryVector] = await embedder.embed(['holiday for staff']);
    const calls = embedder.calls;
    const { hits, timings } = await search({ query: 'holiday for staff', mode: 'vector', queryVector: queryVector!, queryEmbedder: embedder });
    expect(hits[0]!.chunkId).toBe(3);
    expect(embedder.calls).toBe(calls);
    expect(timings.totalMs).toBeGreaterThanOrEqual(timings.vectorMs);
  });

  it('returns nothing for an empty query, no spaces, or a zero limit', async () => {
    expect((await search({ query: '   ' })).hits).toEqual([]);
    expect((await search({ query: 'car', allowedSpaces: [] })).hits).toEqual([]);
    expect((await search({ query: 'car', limit: 0 })).hits).toEqual([]);
  });
});
