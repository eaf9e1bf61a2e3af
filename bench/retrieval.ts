/**
 * Retrieval quality and speed on a BEIR dataset (SciFact): ingests the corpus (title + text) into Hearth's
 * real stores in a temporary folder — the keyword index on disk, LanceDB tables — runs the test queries in
 * each mode and prints nDCG@10, Recall@100 and MRR@10 with ingest time and query latency p50/p95.
 *
 * No model weights exist on this machine, so vector mode uses the built-in hash embedder (shared words and
 * character trigrams, not meaning), and hybrid+rerank uses a BERT-shaped cross-encoder with random weights
 * written by the test fixtures: its latency is real, its ranking is noise. Prints figures; asserts nothing.
 *
 * Run: npx tsx bench/retrieval.ts <beir-folder> [--queries N] [--rerank-top 30] [--rerank-shape small|minilm]
 *        [--skip-rerank] [--onnx-encoder]
 *   hybrid+rerank and --onnx-encoder need the compiled worker (npm run build:node). The random cross-encoder's
 *   ranking is noise; with --rerank-shape minilm its latency is that of a MiniLM-L6 cross-encoder on this CPU.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { HashEmbedder } from '../app/core/models/hash-embedder.js';
import type { LocalModelSource } from '../app/core/models/library.js';
import { LocalEmbedder, LocalReranker } from '../app/core/models/local-transformers.js';
import type { Embedder, Reranker } from '../app/core/models/types.js';
import {
  createTextAnalyzer,
  hybridSearch,
  KeywordIndex,
  VectorStore,
  type HybridSearchDeps,
  type IndexedChunk,
  type RetrievalMode,
} from '../app/core/retrieval/index.js';
import { writeTinyCrossEncoder, writeTinyEncoder } from '../tests/fixtures/models/onnx/index.js';
import { makeTempDir } from '../tests/fixtures/temp-dir.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    queries: { type: 'string' },
    'rerank-top': { type: 'string', default: '30' },
    /** `small` (hidden 64, 2 layers: quick) or `minilm` (hidden 384, 6 layers, 12 heads: ms-marco-MiniLM-L6's shape, for latency). */
    'rerank-shape': { type: 'string', default: 'small' },
    'onnx-encoder': { type: 'boolean', default: false },
    'skip-rerank': { type: 'boolean', default: false },
  },
});
const folder = positionals[0];
if (!folder) {
  console.error('Usage: npx tsx bench/retrieval.ts <beir-folder> [--queries N] [--rerank-top 30] [--rerank-shape small|minilm] [--skip-rerank] [--onnx-encoder]');
  process.exit(2);
}
const rerankTop = Number(args['rerank-top']);
const rerankShapes = {
  small: { hidden: 64, layers: 2, heads: 2 },
  minilm: { hidden: 384, layers: 6, heads: 12 },
};
const space = 'scifact';
const depth = 100;

interface Doc {
  _id: string;
  title: string;
  text: string;
}

async function readJsonLines<T>(file: string): Promise<T[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

async function readQrels(file: string): Promise<Map<string, Map<string, number>>> {
  const qrels = new Map<string, Map<string, number>>();
  for (const line of (await readFile(file, 'utf8')).split('\n').slice(1)) {
    const [query, doc, score] = line.trim().split('\t');
    if (!query || !doc) continue;
    if (!qrels.has(query)) qrels.set(query, new Map());
    qrels.get(query)!.set(doc, Number(score));
  }
  return qrels;
}

// ---- Metrics (as BEIR computes them with pytrec_eval: linear gain, log2 discount) ----

function ndcgAt(ranked: readonly string[], relevant: Map<string, number>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((doc, i) => (dcg += (relevant.get(doc) ?? 0) / Math.log2(i + 2)));
  let ideal = 0;
  [...relevant.values()]
    .sort((a, b) => b - a)
    .slice(0, k)
    .forEach((gain, i) => (ideal += gain / Math.log2(i + 2)));
  return ideal > 0 ? dcg / ideal : 0;
}

function recallAt(ranked: readonly string[], relevant: Map<string, number>, k: number): number {
  const wanted = [...relevant].filter(([, gain]) => gain > 0).map(([doc]) => doc);
  const top = new Set(ranked.slice(0, k));
  return wanted.length ? wanted.filter((doc) => top.has(doc)).length / wanted.length : 0;
}

function mrrAt(ranked: readonly string[], relevant: Map<string, number>, k: number): number {
  const first = ranked.slice(0, k).findIndex((doc) => (relevant.get(doc) ?? 0) > 0);
  return first >= 0 ? 1 / (first + 1) : 0;
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

interface Row {
  label: string;
  ndcg: number;
  recall: number;
  mrr: number;
  p50: number;
  p95: number;
}

async function evaluate(label: string, queries: [string, string][], qrels: Map<string, Map<string, number>>, run: (text: string) => Promise<number[]>, docIds: string[]): Promise<Row> {
  let ndcg = 0;
  let recall = 0;
  let mrr = 0;
  const latencies: number[] = [];
  await run(queries[0]![1]); // warm-up
  for (const [id, text] of queries) {
    const started = performance.now();
    const chunkIds = await run(text);
    latencies.push(performance.now() - started);
    const ranked = chunkIds.map((chunkId) => docIds[chunkId]!);
    const relevant = qrels.get(id)!;
    ndcg += ndcgAt(ranked, relevant, 10);
    recall += recallAt(ranked, relevant, depth);
    mrr += mrrAt(ranked, relevant, 10);
  }
  latencies.sort((a, b) => a - b);
  const n = queries.length;
  const row = { label, ndcg: ndcg / n, recall: recall / n, mrr: mrr / n, p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95) };
  printRow(row);
  return row;
}

const col = (value: string, width: number) => value.padStart(width);
function printRow(row: Row): void {
  console.log(
    `${row.label.padEnd(58)}${col(row.ndcg.toFixed(4), 9)}${col(row.recall.toFixed(4), 11)}${col(row.mrr.toFixed(4), 9)}${col(row.p50.toFixed(1), 9)}${col(row.p95.toFixed(1), 9)}`,
  );
}

async function timed<T>(label: string, work: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  const value = await work();
  console.log(`  ${label.padEnd(62)}${col(((performance.now() - started) / 1000).toFixed(2), 8)} s`);
  return value;
}

async function embedAll(embedder: Embedder, texts: string[], batch = 64): Promise<Float32Array[]> {
  const vectors: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += batch) vectors.push(...(await embedder.embed(texts.slice(i, i + batch))));
  return vectors;
}

async function main(): Promise<void> {
  const corpus = await readJsonLines<Doc>(path.join(folder!, 'corpus.jsonl'));
  const queryTexts = new Map((await readJsonLines<{ _id: string; text: string }>(path.join(folder!, 'queries.jsonl'))).map((q) => [q._id, q.text]));
  const qrels = await readQrels(path.join(folder!, 'qrels', 'test.tsv'));
  let queries = [...qrels.keys()].filter((id) => queryTexts.has(id)).map((id): [string, string] => [id, queryTexts.get(id)!]);
  if (args.queries) queries = queries.slice(0, Number(args.queries));
  const docIds = corpus.map((doc) => doc._id);
  const chunks: IndexedChunk[] = corpus.map((doc, i) => ({ id: i, text: `${doc.title}\n${doc.text}`.trim(), documentId: doc._id, type: 'abstract' }));

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Retrieval benchmark — ${path.basename(path.resolve(folder!))}: ${corpus.length} documents, ${queries.length} test queries`);
  console.log(`machine: ${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM; node ${process.version}`);
  console.log('vector mode: Hearth’s built-in hash embedder (384 dims) — no model weights here; it shares words and trigrams, not meaning.');
  console.log('');

  const temp = await makeTempDir('hearth-bench-retrieval-');
  const disposables: { dispose(): Promise<void> }[] = [];
  try {
    console.log('ingest (into the real stores in a temporary folder)');
    const keywordRoot = path.join(temp.dir, 'keyword');
    const keywordVariants: [string, KeywordIndex][] = [
      ['BM25, stemmed + stopwords (Hearth default)', new KeywordIndex(path.join(keywordRoot, 'bm25'))],
      ['BM25, plain (no stemming, no stopwords)', new KeywordIndex(path.join(keywordRoot, 'bm25-plain'), { analyzer: createTextAnalyzer({ stem: false, stopwords: false }) })],
      ['FlexSearch, stemmed + stopwords', new KeywordIndex(path.join(keywordRoot, 'flex'), { engine: 'flexsearch' })],
      ['FlexSearch, stemmed, forward (prefix) tokenizer', new KeywordIndex(path.join(keywordRoot, 'flex-forward'), { engine: 'flexsearch', flexTokenize: 'forward' })],
      [
        'FlexSearch, plain, forward (the previous default)',
        new KeywordIndex(path.join(keywordRoot, 'flex-plain'), { engine: 'flexsearch', flexTokenize: 'forward', analyzer: createTextAnalyzer({ stem: false, stopwords: false }) }),
      ],
    ];
    for (const [label, index] of keywordVariants) await timed(`keyword — ${label}: analyze, index, save`, () => index.open(space, 1, () => chunks));
    const reloaded = new KeywordIndex(path.join(keywordRoot, 'bm25'));
    await timed('keyword — BM25: load the saved index (app start)', () => reloaded.open(space, 1, () => []));

    const hash = new HashEmbedder({ dimensions: 384 });
    const vectors = await timed('vector — hash embedder: embed title + text', () => embedAll(hash, chunks.map((c) => c.text)));
    const vectorStore = await VectorStore.open(path.join(temp.dir, 'vectors'), { fullText: true });
    disposables.push(vectorStore);
    await vectorStore.openSpace(space, hash, 0);
    await timed('vector — LanceDB: add rows (vector + text + facts)', () =>
      vectorStore.add(
        space,
        chunks.map((c, i) => ({ chunkId: c.id, vector: vectors[i]!, text: c.text, documentId: c.documentId, type: c.type })),
        1,
      ),
    );
    await timed('vector — LanceDB: maintain (native FTS index; exact search below 10k rows)', async () => {
      await vectorStore.idle();
      await vectorStore.maintain(space);
    });

    const bm25 = keywordVariants[0]![1];
    const deps: HybridSearchDeps = { keywordIndex: bm25, vectorStore, embedder: hash };
    const texts = new Map(chunks.map((c) => [c.id, c.text]));
    deps.passages = (hits) => new Map(hits.map((hit) => [hit.chunkId, texts.get(hit.chunkId)!]));

    let reranker: Reranker | undefined;
    let onnxEmbedder: LocalEmbedder | undefined;
    if (!args['skip-rerank'] || args['onnx-encoder']) {
      try {
        if (!args['skip-rerank']) {
          const shape = rerankShapes[args['rerank-shape'] as keyof typeof rerankShapes] ?? rerankShapes.small;
          const dir = await writeTinyCrossEncoder(path.join(temp.dir, 'cross-encoder'), { seed: 7, ...shape });
          const source: LocalModelSource = { kind: 'local', path: dir, absolutePath: dir, format: 'onnx' };
          reranker = await timed(`rerank — load a random cross-encoder (hidden ${shape.hidden}, ${shape.layers} layers) in its worker`, () =>
            LocalReranker.create(source, { threads: 2 }),
          );
          disposables.push(reranker);
        }
        if (args['onnx-encoder']) {
          const dir = await writeTinyEncoder(path.join(temp.dir, 'encoder'), { seed: 3, hidden: 384, layers: 6, heads: 12 });
          const source: LocalModelSource = { kind: 'local', path: dir, absolutePath: dir, format: 'onnx' };
          onnxEmbedder = await LocalEmbedder.create(source, { threads: 2, id: 'tiny-onnx-random' });
          disposables.push(onnxEmbedder);
        }
      } catch (error) {
        console.log(`  (ONNX models skipped: ${(error as Error).message})`);
      }
    }
    let onnxStore: VectorStore | undefined;
    if (onnxEmbedder) {
      const onnxVectors = await timed('vector — tiny ONNX encoder (random weights, worker): embed', () => embedAll(onnxEmbedder!, chunks.map((c) => c.text), 32));
      onnxStore = await VectorStore.open(path.join(temp.dir, 'vectors-onnx'));
      disposables.push(onnxStore);
      await onnxStore.openSpace(space, onnxEmbedder, 0);
      await onnxStore.add(space, chunks.map((c, i) => ({ chunkId: c.id, vector: onnxVectors[i]! })), 1);
    }

    console.log('');
    console.log(`${'mode'.padEnd(58)}${col('nDCG@10', 9)}${col('Recall@100', 11)}${col('MRR@10', 9)}${col('p50 ms', 9)}${col('p95 ms', 9)}`);
    const byMode = (mode: RetrievalMode, extra: Partial<HybridSearchDeps> = {}) => async (text: string) =>
      (await hybridSearch({ ...deps, ...extra }, { query: text, mode, allowedSpaces: [space], limit: depth, candidates: depth, rerankTop })).hits.map((hit) => hit.chunkId);

    for (const [label, index] of keywordVariants) await evaluate(`keyword — ${label}`, queries, qrels, byMode('keyword', { keywordIndex: index }), docIds);
    await evaluate('keyword — LanceDB native BM25 (FTS, English stemmer)', queries, qrels, async (text) => (await vectorStore.fullTextSearch([space], text, { limit: depth })).map((hit) => hit.chunkId), docIds);
    await evaluate('vector — hash embedder (exact search)', queries, qrels, byMode('vector'), docIds);
    await evaluate('hybrid — BM25 + hash vectors, RRF k=60', queries, qrels, byMode('hybrid'), docIds);
    if (reranker) {
      await evaluate(`hybrid+rerank — top ${rerankTop}, random cross-encoder (noise)`, queries, qrels, byMode('hybrid+rerank', { reranker }), docIds);
    }
    if (onnxEmbedder && onnxStore) {
      await evaluate('vector — tiny ONNX encoder, random weights (worker path)', queries, qrels, byMode('vector', { embedder: onnxEmbedder, vectorStore: onnxStore }), docIds);
    }
    console.log('');
    console.log('Published nDCG@10 on SciFact (BEIR): BM25 flat 0.679, BM25 multifield 0.665; bge-small-en-v1.5 0.713.');
    console.log('Latency is per query, end to end through hybridSearch (query embedding included), after one warm-up query.');
  } finally {
    for (const disposable of disposables.reverse()) await disposable.dispose();
    await temp.cleanup();
  }
}

await main();
