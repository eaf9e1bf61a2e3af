/**
 * Embedding throughput: sentences per second by batch size for Hearth's worker path (LocalEmbedder,
 * one worker thread) beside transformers.js called directly in this process, and the hash embedder for
 * reference. The model is written by the test fixtures in the shape of all-MiniLM-L6-v2 (hidden 384,
 * 6 layers, 12 heads) with random weights: the arithmetic is real, the vectors meaningless. Prints
 * figures; asserts nothing about time.
 *
 * Run (after `npm run build:node`, which builds the worker):
 *   npx tsc --outDir dist/bench --rootDir . --module nodenext --moduleResolution nodenext --target es2022 \
 *     --strict --skipLibCheck --types node bench/embed.ts && node dist/bench/bench/embed.js [--texts 256] [--threads 1] [--sort-by-length]
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import { HashEmbedder } from '../app/core/models/hash-embedder.js';
import type { LocalModelSource } from '../app/core/models/library.js';
import { LocalEmbedder } from '../app/core/models/local-transformers.js';
import { keepTransformersOffline } from '../app/workers/transformers/offline.js';
import { writeTinyEncoder } from '../tests/fixtures/models/onnx/index.js';
import { makeTempDir } from '../tests/fixtures/temp-dir.js';

const { values: args } = parseArgs({
  options: {
    texts: { type: 'string', default: '256' },
    threads: { type: 'string', default: '1' },
    batches: { type: 'string', default: '1,8,32,64' },
    hidden: { type: 'string', default: '384' },
    layers: { type: 'string', default: '6' },
    heads: { type: 'string', default: '12' },
    /** Feed texts shortest first, so each batch pads less: what length bucketing would gain. */
    'sort-by-length': { type: 'boolean', default: false },
  },
});
const textCount = Number(args.texts);
const threads = Number(args.threads);
const batchSizes = args.batches.split(',').map(Number);
const shape = { hidden: Number(args.hidden), layers: Number(args.layers), heads: Number(args.heads) };

const WORDS = `the fire in hearth keeps kitchen warm bread oven winter snow night library document search river forest
music school coffee milk report model local offline computer data file folder text sentence language read write learn
small large open close fast slow city mountain sea garden road train ship history science math health doctor teacher`.split(/\s+/);

/** Sentences of 8–31 words (about 10–40 tokens), like chunks of prose, the same on every run. */
function sentences(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const length = 8 + ((i * 13) % 24);
    return `${Array.from({ length }, (_, k) => WORDS[(i * 7 + k * 5 + k * k) % WORDS.length]).join(' ')}.`;
  });
}

interface Embed {
  (texts: string[]): Promise<unknown>;
}

/** Sentences per second over all `texts` in chunks of `batch`, after one warm-up chunk. */
async function throughput(embed: Embed, texts: string[], batch: number): Promise<number> {
  await embed(texts.slice(0, batch));
  const start = performance.now();
  for (let i = 0; i < texts.length; i += batch) await embed(texts.slice(i, i + batch));
  return texts.length / ((performance.now() - start) / 1000);
}

async function timed<T>(make: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await make();
  return { value, ms: performance.now() - start };
}

const fmt = (n: number, width = 10) => n.toFixed(n >= 100 ? 0 : 1).padStart(width);

async function main(): Promise<void> {
  const temp = await makeTempDir('hearth-bench-embed-');
  try {
    const written = await timed(() => writeTinyEncoder(path.join(temp.dir, 'encoder'), { seed: 1, ...shape }));
    const dir = written.value;
    const texts = sentences(textCount);
    if (args['sort-by-length']) texts.sort((a, b) => a.length - b.length);
    const source: LocalModelSource = { kind: 'local', path: dir, absolutePath: dir, format: 'onnx' };

    console.log(`Embedding throughput — node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'})`);
    console.log(
      `model: BERT-shaped, hidden ${shape.hidden}, ${shape.layers} layers, ${shape.heads} heads, random weights (written in ${written.ms.toFixed(0)} ms); ` +
        `${textCount} sentences of 8–31 words${args['sort-by-length'] ? ', shortest first' : ''}; ONNX Runtime intra-op threads: ${threads}`,
    );

    const hash = new HashEmbedder({ dimensions: shape.hidden });
    const hashRate = await throughput((batch) => hash.embed(batch), texts, 64);

    keepTransformersOffline();
    const direct = await timed(() =>
      pipeline('feature-extraction', dir, {
        local_files_only: true,
        device: 'cpu',
        dtype: 'fp32',
        session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 },
      }),
    );
    const extractor: FeatureExtractionPipeline = direct.value;
    const rows: { batch: number; worker: number; direct: number }[] = [];
    let workerLoadMs = 0;
    for (const batch of batchSizes) {
      const created = await timed(() => LocalEmbedder.create(source, { batchSize: batch, threads }));
      workerLoadMs = created.ms;
      const embedder = created.value;
      try {
        const workerRate = await throughput((chunk) => embedder.embed(chunk), texts, batch);
        const directRate = await throughput(async (chunk) => {
          const output = await extractor(chunk, { pooling: 'mean', normalize: true });
          const data = output.data as Float32Array;
          const width = output.dims[1]!;
          return Array.from({ length: chunk.length }, (_, i) => data.slice(i * width, (i + 1) * width));
        }, texts, batch);
        rows.push({ batch, worker: workerRate, direct: directRate });
      } finally {
        await embedder.dispose();
      }
    }
    await extractor.dispose();

    console.log(`load: worker (thread start + import + model + probe) ${workerLoadMs.toFixed(0)} ms; in-process pipeline ${direct.ms.toFixed(0)} ms`);
    console.log('');
    console.log('  batch   worker s/s   direct s/s   worker/direct');
    for (const row of rows) {
      console.log(`${String(row.batch).padStart(7)} ${fmt(row.worker, 12)} ${fmt(row.direct, 12)} ${(row.worker / row.direct).toFixed(2).padStart(15)}`);
    }
    console.log(`   hash ${fmt(hashRate, 12)}   (HashEmbedder, ${shape.hidden} dimensions, for reference)`);
  } finally {
    await temp.cleanup();
  }
}

await main();
