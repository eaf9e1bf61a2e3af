/**
 * Hybrid query latency at scale: one space of N synthetic chunks (10k, 100k, 1M) in the real stores — the
 * BM25 keyword index and a LanceDB table of 384-dimensional vectors — then p50/p95 of keyword, vector,
 * hybrid and filtered hybrid queries. Model inference is excluded: query vectors are given, as a cache would.
 *
 * Text: 80 words per chunk drawn from a 30,000-word synthetic vocabulary with Zipf frequencies (s = 1);
 * queries: 5 words drawn the same way but skipping the 100 most frequent (queries hold content words, not
 * stopwords). Vectors: unit vectors around 1,000 random centres, so an ANN index has structure to find.
 * Prints figures; asserts nothing.
 *
 * Run: npx tsx bench/query.ts [--sizes 10000,100000,1000000] [--queries 200] [--ann-threshold 10000]
 *        [--ann ivf_rq|ivf_pq|ivf_flat] [--nprobes N] [--refine F]
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { hybridSearch, KeywordIndex, VectorStore, type AnnIndexKind, type IndexedChunk, type RetrievalMode, type VectorRow } from '../app/core/retrieval/index.js';
import { makeTempDir } from '../tests/fixtures/temp-dir.js';
import { seededUniform } from '../tests/fixtures/seeded-random.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    queries: { type: 'string', default: '200' },
    'ann-threshold': { type: 'string', default: '10000' },
    /** ANN search settings; default: the store's. */
    nprobes: { type: 'string' },
    refine: { type: 'string' },
    /** The ANN index type: ivf_rq (default), ivf_pq or ivf_flat. */
    ann: { type: 'string', default: 'ivf_rq' },
  },
});
const sizes = args.sizes.split(',').map(Number);
const queryCount = Number(args.queries);
const dims = 384;
const wordsPerChunk = 80;
const vocabularySize = 30_000;
const embedder = { id: 'synthetic', dimensions: dims };
const space = 'bench';
const types = ['pdf', 'docx', 'md', 'xlsx', 'html'];


const syllables = ['ka', 'lo', 'mi', 'ru', 'te', 'san', 'vor', 'el', 'di', 'pa', 'qu', 'no', 'bre', 'tis', 'gal', 'om', 'fen', 'ya', 'zu', 'hir'];
const vocabulary = (() => {
  const random = seededUniform(1);
  const words = new Set<string>();
  while (words.size < vocabularySize) {
    const length = 2 + Math.floor(random() * 3);
    let word = '';
    for (let i = 0; i < length; i++) word += syllables[Math.floor(random() * syllables.length)];
    words.add(word);
  }
  return [...words];
})();
const zipf = (() => {
  const cumulative = new Float64Array(vocabularySize);
  let sum = 0;
  for (let rank = 0; rank < vocabularySize; rank++) cumulative[rank] = sum += 1 / (rank + 1);
  for (let rank = 0; rank < vocabularySize; rank++) cumulative[rank]! /= sum;
  return cumulative;
})();
function zipfWord(random: () => number, minRank = 0): string {
  for (;;) {
    const u = random();
    let low = 0;
    let high = vocabularySize - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (zipf[mid]! < u) low = mid + 1;
      else high = mid;
    }
    if (low >= minRank) return vocabulary[low]!;
  }
}

function chunkText(id: number): string {
  const random = seededUniform(id * 2654435761);
  const words: string[] = [];
  for (let i = 0; i < wordsPerChunk; i++) words.push(zipfWord(random));
  return words.join(' ');
}

/** Documents of 20 chunks; a document has one type and one date, as real ones do. */
function chunkFacts(id: number): Omit<IndexedChunk, 'id' | 'text'> {
  const document = Math.floor(id / 20);
  return {
    documentId: `doc-${document}`,
    type: types[document % types.length],
    createdAt: new Date(Date.UTC(2024, 0, 1) + (document % 730) * 86_400_000).toISOString(),
  };
}

const centres = (() => {
  const random = seededUniform(7);
  return Array.from({ length: 1000 }, () => Float32Array.from({ length: dims }, () => gaussian(random)));
})();
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
}
function vectorNear(random: () => number): Float32Array {
  const centre = centres[Math.floor(random() * centres.length)]!;
  const vector = new Float32Array(dims);
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    const value = centre[i]! + gaussian(random);
    vector[i] = value;
    norm += value * value;
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < dims; i++) vector[i]! /= norm;
  return vector;
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
const fmt = (ms: number) => ms.toFixed(1).padStart(8);

async function seconds<T>(work: () => Promise<T>): Promise<{ value: T; s: number }> {
  const started = performance.now();
  const value = await work();
  return { value, s: (performance.now() - started) / 1000 };
}

async function runSize(size: number): Promise<void> {
  const temp = await makeTempDir('hearth-bench-query-');
  const store = await VectorStore.open(path.join(temp.dir, 'vectors'), {
    annThreshold: Number(args['ann-threshold']),
    annIndex: args.ann as AnnIndexKind,
    ...(args.nprobes ? { nprobes: Number(args.nprobes) } : {}),
    ...(args.refine ? { refineFactor: Number(args.refine) } : {}),
  });
  try {
    console.log(`\n== ${size.toLocaleString('en')} chunks ==`);
    const keywordIndex = new KeywordIndex(path.join(temp.dir, 'keyword'));
    const keywordBuild = await seconds(() =>
      keywordIndex.open(space, 1, function* () {
        for (let id = 0; id < size; id++) yield { id, text: chunkText(id), ...chunkFacts(id) };
      }),
    );
    const reload = await seconds(() => new KeywordIndex(path.join(temp.dir, 'keyword')).open(space, 1, () => []));
    console.log(`keyword index: build + save ${keywordBuild.s.toFixed(1)} s, reload ${reload.s.toFixed(1)} s, heap ${(process.memoryUsage().heapUsed / 2 ** 30).toFixed(2)} GiB`);

    await store.openSpace(space, embedder, 0);
    const random = seededUniform(99);
    const batch = 20_000;
    const added = await seconds(async () => {
      for (let start = 0; start < size; start += batch) {
        const rows: VectorRow[] = [];
        for (let id = start; id < Math.min(size, start + batch); id++) rows.push({ chunkId: id, vector: vectorNear(random), ...chunkFacts(id) });
        await store.add(space, rows);
      }
      await store.idle();
    });
    const info = await store.describe(space);
    console.log(
      `vector table: add ${size.toLocaleString('en')} rows + automatic index work ${added.s.toFixed(1)} s; index: ${info.indexType ?? 'none (exact search)'}, ${info.unindexedRows} unindexed rows`,
    );

    const queryRandom = seededUniform(1234);
    const queries = Array.from({ length: queryCount }, () => ({
      text: Array.from({ length: 5 }, () => zipfWord(queryRandom, 100)).join(' '),
      vector: vectorNear(queryRandom),
    }));

    if (info.indexType) {
      let overlap = 0;
      for (const query of queries.slice(0, 50)) {
        const ann = await store.search([space], query.vector, { limit: 10, embedder });
        const exact = new Set((await store.search([space], query.vector, { limit: 10, embedder, exact: true })).map((hit) => hit.chunkId));
        overlap += ann.filter((hit) => exact.has(hit.chunkId)).length / 10;
      }
      console.log(`ANN recall@10 against exact search (50 queries): ${(overlap / 50).toFixed(3)}`);
    }

    console.log(`${'query (limit 10; hybrid: 50 candidates/mode)'.padEnd(44)}${'p50 ms'.padStart(8)}${'p95 ms'.padStart(8)}   stages p95 (keyword / vector)`);
    const modes: [string, RetrievalMode, boolean][] = [
      ['keyword', 'keyword', false],
      ['vector', 'vector', false],
      ['hybrid', 'hybrid', false],
      ['hybrid, filtered (type + date range)', 'hybrid', true],
    ];
    for (const [label, mode, filtered] of modes) {
      const totals: number[] = [];
      const keywordTimes: number[] = [];
      const vectorTimes: number[] = [];
      for (let i = -5; i < queries.length; i++) {
        const query = queries[(i + queries.length) % queries.length]!;
        const started = performance.now();
        const { timings } = await hybridSearch(
          { keywordIndex, vectorStore: store },
          {
            query: query.text,
            mode,
            allowedSpaces: [space],
            limit: 10,
            queryVector: query.vector,
            queryEmbedder: embedder,
            ...(filtered ? { filter: { types: ['pdf', 'md'], createdFrom: '2024-03-01', createdBefore: '2025-03-01' } } : {}),
          },
        );
        if (i < 0) continue; // warm-up
        totals.push(performance.now() - started);
        keywordTimes.push(timings.keywordMs);
        vectorTimes.push(timings.vectorMs);
      }
      for (const list of [totals, keywordTimes, vectorTimes]) list.sort((a, b) => a - b);
      console.log(
        `${label.padEnd(44)}${fmt(percentile(totals, 0.5))}${fmt(percentile(totals, 0.95))}   ${percentile(keywordTimes, 0.95).toFixed(1)} / ${percentile(vectorTimes, 0.95).toFixed(1)}`,
      );
    }
  } finally {
    await store.dispose();
    await temp.cleanup();
  }
}

console.log(`Hybrid query latency — ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM; node ${process.version}`);
console.log(`synthetic chunks: ${wordsPerChunk} Zipf words, ${dims}-dim clustered unit vectors; ${queryCount} queries per mode; query vectors given (no inference)`);
console.log(
  `ANN: ${args.ann} from ${Number(args['ann-threshold']).toLocaleString('en')} rows; nprobes ${args.nprobes ?? 'default (20)'}, refine factor ${args.refine ?? 'default (2)'}`,
);
for (const size of sizes) await runSize(size);
