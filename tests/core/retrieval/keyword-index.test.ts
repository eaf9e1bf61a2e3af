import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileFilter, createTextAnalyzer, KeywordIndex, type IndexedChunk, type KeywordEngineKind } from '../../../app/core/retrieval/index.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';
import { chunk } from './fixtures.js';

const corpus: IndexedChunk[] = [
  chunk(1, 'Договор поставки: сроки оплаты и штрафы за просрочку.', { documentId: 'contract', type: 'docx', createdAt: '2025-01-10T00:00:00Z' }),
  chunk(2, 'Порядок согласования документов с юридическим отделом.', { documentId: 'policy', type: 'pdf', createdAt: '2025-02-10T00:00:00Z' }),
  chunk(3, 'The committee studied refund requests for cancelled trains.', { documentId: 'minutes', type: 'md', createdAt: '2025-03-10T00:00:00Z' }),
  chunk(4, 'Running the nightly backup requires two operators.', { documentId: 'runbook', type: 'md', createdAt: '2025-04-10T00:00:00Z' }),
  chunk(5, 'Ёмкость склада и хранение паллет.', { documentId: 'warehouse', type: 'xlsx', createdAt: '2025-05-10T00:00:00Z' }),
];

let temp: Awaited<ReturnType<typeof makeTempDir>>;
beforeEach(async () => {
  temp = await makeTempDir('hearth-keyword-');
});
afterEach(async () => {
  await temp.cleanup();
});

describe.each<KeywordEngineKind>(['bm25', 'flexsearch'])('the keyword index (%s)', (engine) => {
  const open = async (root = temp.dir, generation = 1, chunks: IndexedChunk[] = corpus) => {
    const index = new KeywordIndex(root, { engine });
    const how = await index.open('space', generation, () => chunks);
    return { index, how };
  };

  it('finds inflected Russian and English forms of the words in a question', async () => {
    const { index } = await open();
    expect(index.search('space', 'договоров', 5)).toContain(1); // договор → договоров
    expect(index.search('space', 'документами', 5)).toContain(2); // документов → документами
    expect(index.search('space', 'study refunds', 5)[0]).toBe(3); // studied, refund
    expect(index.search('space', 'runs backups', 5)[0]).toBe(4); // running, backup
    expect(index.search('space', 'емкости', 5)).toContain(5); // ё folded, ёмкость → емкости
  });

  it('applies type, date and document filters before cutting to the limit', async () => {
    const { index } = await open();
    const search = (query: string, filter: Parameters<typeof compileFilter>[0]) =>
      index.searchScored('space', query, { limit: 1, filter: compileFilter(filter) }).map((hit) => hit.chunkId);
    // Both Russian chunks match "сроки документов"; the filter decides which one is the single hit.
    expect(search('сроки оплаты документов', { types: ['pdf'] })).toEqual([2]);
    expect(search('сроки оплаты документов', { documentIds: ['contract'] })).toEqual([1]);
    expect(search('сроки оплаты документов', { createdFrom: '2025-02-01', createdBefore: '2025-03-01' })).toEqual([2]);
    expect(search('сроки оплаты документов', { types: ['xlsx'] })).toEqual([]);
  });

  it('reloads its saved index when the generation matches, and rebuilds it when not', async () => {
    const first = await open();
    expect(first.how).toBe('rebuilt');
    first.index.add('space', [chunk(6, 'Квартальный отчёт по продажам')]);
    await first.index.save('space', 2);

    const reloaded = await open(temp.dir, 2, []); // no chunks given: a rebuild would find nothing
    expect(reloaded.how).toBe('loaded');
    expect(reloaded.index.search('space', 'отчёты продажи', 5)).toEqual([6]);
    expect(reloaded.index.search('space', 'договоров', 5)).toContain(1);

    const stale = await open(temp.dir, 3, corpus);
    expect(stale.how).toBe('rebuilt');
    expect(stale.index.search('space', 'отчёты продажи', 5)).toEqual([]);
  });

  it('keeps removals across a save and reopen', async () => {
    const { index } = await open();
    index.remove('space', [1]);
    await index.save('space', 2);
    const reloaded = await open(temp.dir, 2, []);
    expect(reloaded.index.search('space', 'договоров', 5)).not.toContain(1);
    expect(reloaded.index.size('space')).toBe(corpus.length - 1);
  });
});

describe('the BM25 keyword index on disk', () => {
  it('saves new chunks as segments, compacts after removals, and loads what it saved', async () => {
    const index = new KeywordIndex(temp.dir);
    await index.open('space', 1, () => corpus);
    for (let generation = 2; generation <= 4; generation++) {
      index.add('space', [chunk(100 + generation, `Протокол совещания номер ${generation}`)]);
      await index.save('space', generation);
    }
    const folder = path.join(temp.dir, 'space');
    expect((await readdir(folder)).filter((file) => file.endsWith('.bin'))).toHaveLength(4);

    index.remove('space', [102]);
    index.add('space', [chunk(3, 'Replaced text about invoices')]); // same id: replaces chunk 3
    await index.save('space', 5);
    expect((await readdir(folder)).filter((file) => file.endsWith('.bin'))).toHaveLength(1);

    const reloaded = new KeywordIndex(temp.dir);
    expect(await reloaded.open('space', 5, () => [])).toBe('loaded');
    expect(reloaded.size('space')).toBe(corpus.length + 2);
    expect(reloaded.search('space', 'протоколы совещаний', 10).sort()).toEqual([103, 104]);
    expect(reloaded.search('space', 'refund', 5)).toEqual([]);
    expect(reloaded.search('space', 'invoice', 5)).toEqual([3]);
    // Scores survive the round trip: same query, same order and values.
    expect(reloaded.searchScored('space', 'договор документы', { limit: 5 })).toEqual(index.searchScored('space', 'договор документы', { limit: 5 }));
  });

  it('rebuilds an index saved by another text analysis or another engine', async () => {
    const plain = new KeywordIndex(temp.dir, { analyzer: createTextAnalyzer({ stem: false }) });
    await plain.open('space', 1, () => corpus);
    expect(plain.search('space', 'договоров', 5)).toEqual([]); // no stemming: no match

    const stemmed = new KeywordIndex(temp.dir);
    expect(await stemmed.open('space', 1, () => corpus)).toBe('rebuilt');
    expect(stemmed.search('space', 'договоров', 5)).toEqual([1]);

    const flex = new KeywordIndex(temp.dir, { engine: 'flexsearch' });
    expect(await flex.open('space', 1, () => corpus)).toBe('rebuilt');
    const back = new KeywordIndex(temp.dir);
    expect(await back.open('space', 1, () => corpus)).toBe('rebuilt');
    expect(back.search('space', 'договоров', 5)).toEqual([1]);
  });

  it('ranks by BM25: rarer words and denser matches count for more', async () => {
    const index = new KeywordIndex(temp.dir);
    await index.open('space', 1, () => [
      chunk(1, 'report report report on the pipeline'),
      chunk(2, 'report on the pipeline'),
      chunk(3, 'a pipeline a pipeline a pipeline and a valve'),
      chunk(4, 'report about a valve'),
    ]);
    // Both words beat one; "valve" (in 2 chunks) outweighs "report" (in 3) even said three times; and
    // between the two "report" chunks, saying it three times wins.
    expect(index.search('space', 'report valve', 4)).toEqual([4, 3, 1, 2]);
  });
});
