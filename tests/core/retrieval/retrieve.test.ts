import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Documents, searchableText, type ChunkLocation, type StoredChunk } from '../../../app/core/library/index.js';
import { HashEmbedder } from '../../../app/core/models/index.js';
import { KeywordIndex, retrieve, retrievePassages, syncSpaceVectors, VectorStore } from '../../../app/core/retrieval/index.js';
import { Spaces } from '../../../app/core/spaces/index.js';
import { openDatabase, type Db } from '../../../app/core/storage/index.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';
import { ScriptedReranker } from './fixtures.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let db: Db;
let keywordIndex: KeywordIndex;
let vectorStore: VectorStore;
const embedder = new HashEmbedder({ dimensions: 64 });

/** Stores a document the way ingest does, then brings both indexes of its space up to date. */
async function addDocument(spaceId: string, name: string, paragraphs: (string | { text: string; location: ChunkLocation })[]): Promise<StoredChunk[]> {
  const documents = new Documents(db);
  const spaces = new Spaces(db);
  let offset = 0;
  const chunks = paragraphs.map((paragraph) => {
    const { text, location } = typeof paragraph === 'string' ? { text: paragraph, location: {} } : paragraph;
    const start = offset;
    offset += text.length + 2;
    return { headingPath: [name], start, end: start + text.length, text, location };
  });
  const { stored, generation } = db.transaction(() => {
    const id = `${spaceId}-${name}`;
    const inserted = documents.insert({ id, spaceId, name, format: 'markdown', sha256: id, sizeBytes: offset, text: chunks.map((chunk) => chunk.text).join('\n\n'), warnings: [] }, chunks);
    documents.setStatus(id, 'ready');
    return { stored: inserted, generation: spaces.bumpGeneration(spaceId) };
  })();
  const facts = { documentId: `${spaceId}-${name}`, type: 'markdown', createdAt: new Date().toISOString() };
  if (!keywordIndex.isOpen(spaceId)) await keywordIndex.open(spaceId, generation, () => []);
  keywordIndex.add(spaceId, stored.map((chunk) => ({ id: chunk.id, text: searchableText(chunk), ...facts })));
  await keywordIndex.save(spaceId, generation);
  const sync = syncSpaceVectors(
    { store: vectorStore, embedder },
    { spaceId, generation, chunks: () => [...documents.chunksOfSpace(spaceId)].map((chunk) => ({ id: chunk.id, text: searchableText(chunk), ...facts })) },
  );
  for await (const _ of sync) {
    // progress is not under test here
  }
  return stored;
}

beforeEach(async () => {
  temp = await makeTempDir('hearth-retrieve-');
  db = openDatabase(temp.dir);
  keywordIndex = new KeywordIndex(`${temp.dir}/keyword`);
  vectorStore = await VectorStore.open(`${temp.dir}/vectors`);
});
afterEach(async () => {
  await vectorStore.dispose();
  db.close();
  await temp.cleanup();
});

describe('retrieving cited passages', () => {
  it('cites the document and heading of each hybrid hit, and re-ranks with the passage text from SQLite', async () => {
    const spaces = new Spaces(db);
    const work = spaces.create('Work').id;
    await addDocument(work, 'travel.md', ['Возврат билетов на поезд оформляется через бухгалтерию.', 'Гостиницы бронирует офис-менеджер.']);
    await addDocument(work, 'it.md', ['Пароли меняются раз в квартал.']);

    const reranker = new ScriptedReranker('Гостиницы');
    const { hits } = await retrievePassages(
      db,
      { keywordIndex, vectorStore, embedder, reranker },
      { query: 'возврат билета гостиница', mode: 'hybrid+rerank', allowedSpaces: [work], limit: 3 },
    );
    expect(hits[0]!.citation).toMatchObject({ documentName: 'travel.md', headingPath: ['travel.md'], snippet: 'Гостиницы бронирует офис-менеджер.' });
    expect(hits[0]!.ranks.rerank).toBe(1);
    expect(hits[0]!.spaceId).toBe(work);
    // The reranker read heading and text, as the indexes do.
    expect(reranker.asked[0]!.passages).toContain('travel.md\nГостиницы бронирует офис-менеджер.');
  });

  it('keeps spaces apart in SQL too, and the keyword-only `retrieve` still answers', async () => {
    const spaces = new Spaces(db);
    const work = spaces.create('Work').id;
    const home = spaces.create('Home').id;
    await addDocument(work, 'a.md', ['Отчёт о продажах за март.']);
    await addDocument(home, 'b.md', ['Отчёт о расходах на ремонт.']);

    const { hits } = await retrievePassages(db, { keywordIndex, vectorStore, embedder }, { query: 'отчёты', mode: 'hybrid', allowedSpaces: [work], filter: { spaces: [home, work] }, limit: 5 });
    expect(hits.map((hit) => hit.citation.documentName)).toEqual(['a.md']);

    const keywordHits = retrieve(db, keywordIndex, { spaceId: home, query: 'ремонта', limit: 5 });
    expect(keywordHits.map((hit) => hit.citation.documentName)).toEqual(['b.md']);
    expect(keywordHits[0]!.score).toBeGreaterThan(0);
  });

  it('carries the page, sheet and slide of each passage into its citation, and cites only ready documents', async () => {
    const work = new Spaces(db).create('Reports').id;
    await addDocument(work, 'report.pdf', [{ text: 'Выручка за третий квартал выросла.', location: { pageStart: 3, pageEnd: 4 } }]);
    await addDocument(work, 'budget.xlsx', [{ text: 'Выручка по месяцам', location: { sheet: 'Q3', cells: 'A1:D20' } }]);
    const { hits } = await retrievePassages(db, { keywordIndex, vectorStore, embedder }, { query: 'выручка', mode: 'keyword', allowedSpaces: [work], limit: 5 });
    const byName = new Map(hits.map((hit) => [hit.citation.documentName, hit.citation]));
    expect(byName.get('report.pdf')).toMatchObject({ page: 3, pageEnd: 4 });
    expect(byName.get('budget.xlsx')).toMatchObject({ sheet: 'Q3', cells: 'A1:D20' });

    new Documents(db).setStatus(`${work}-report.pdf`, 'deleting');
    const after = await retrievePassages(db, { keywordIndex, vectorStore, embedder }, { query: 'выручка', mode: 'keyword', allowedSpaces: [work], limit: 5 });
    expect(after.hits.map((hit) => hit.citation.documentName)).toEqual(['budget.xlsx']);
  });
});
