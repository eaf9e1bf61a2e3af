/**
 * Local embedding and reranking through the real transformers worker (dist/app/workers/transformers,
 * built by `npm run build:node`) on tiny ONNX models written by the fixtures: vector shapes and
 * stability, batching, cancellation, crash recovery, and what a user sees for a broken model folder.
 */
import { mkdir, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalEmbedder, LocalReranker, type BatchProgress } from '../../../app/core/models/local-transformers.js';
import type { LocalModelSource } from '../../../app/core/models/library.js';
import type { HearthError } from '../../../schemas/index.js';
import { writeTinyCrossEncoder, writeTinyEncoder } from '../../fixtures/models/onnx/index.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';

const HIDDEN = 32;

function local(dir: string, extra: Partial<LocalModelSource> = {}): LocalModelSource {
  return { kind: 'local', path: dir, absolutePath: dir, format: 'onnx', ...extra };
}

const WORDS = 'the fire in hearth keeps kitchen warm bread oven winter snow night library document search river forest music school coffee milk'.split(' ');

/** Sentences of varied length from the fixture vocabulary, the same on every run. */
function sentences(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const length = 2 + ((i * 7) % 11);
    return Array.from({ length }, (_, k) => WORDS[(i * 5 + k * 3 + k * k) % WORDS.length]).join(' ');
  });
}

function norm(vector: Float32Array): number {
  return Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((worst, x, i) => Math.max(worst, Math.abs(x - b[i]!)), 0);
}

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let encoderDir: string;
let crossEncoderDir: string;

beforeAll(async () => {
  temp = await makeTempDir('hearth-local-transformers-');
  encoderDir = await writeTinyEncoder(path.join(temp.dir, 'tiny-encoder'), { hidden: HIDDEN });
  crossEncoderDir = await writeTinyCrossEncoder(path.join(temp.dir, 'tiny-cross-encoder'));
});

afterAll(async () => {
  await temp?.cleanup();
});

describe('LocalEmbedder', () => {
  let embedder: LocalEmbedder;
  const crashes: HearthError[] = [];

  beforeAll(async () => {
    embedder = await LocalEmbedder.create(local(encoderDir), { id: 'tiny', batchSize: 32, onCrash: (error) => crashes.push(error) });
  });

  afterAll(async () => {
    await embedder?.dispose();
  });

  it('learns its dimensions at load and gives one unit-length vector per text', async () => {
    expect(embedder.id).toBe('tiny');
    expect(embedder.dimensions).toBe(HIDDEN);
    const texts = sentences(5);
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(texts.length);
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector.length).toBe(HIDDEN);
      expect(vector.buffer.byteLength).toBe(HIDDEN * 4); // its own buffer, not a view of the batch
      expect(norm(vector)).toBeCloseTo(1, 5);
    }
    expect(await embedder.embed([])).toEqual([]);
  });

  it('is deterministic: the same text twice in a call, across calls, and in a newly started embedder', async () => {
    const [first, again] = await embedder.embed(['warm bread by the fire', 'warm bread by the fire']);
    const [later] = await embedder.embed(['warm bread by the fire']);
    const other = await LocalEmbedder.create(local(encoderDir));
    try {
      const [fresh] = await other.embed(['warm bread by the fire']);
      expect(again).toEqual(first);
      expect(later).toEqual(first);
      expect(fresh).toEqual(first);
    } finally {
      await other.dispose();
    }
  });

  it('gives different texts different vectors', async () => {
    const vectors = await embedder.embed(sentences(8));
    for (let i = 0; i < vectors.length; i++) {
      for (let j = i + 1; j < vectors.length; j++) {
        const cosine = vectors[i]!.reduce((sum, x, k) => sum + x * vectors[j]![k]!, 0);
        expect(cosine, `texts ${i} and ${j}`).toBeLessThan(0.999);
      }
    }
  });

  it('embeds 70 texts in batches of 32, in order, with the same vectors as one at a time', async () => {
    const texts = sentences(70);
    const progress: BatchProgress[] = [];
    const batched = await embedder.embed(texts, { onProgress: (p) => progress.push(p) });
    expect(progress).toEqual([
      { done: 32, total: 70 },
      { done: 64, total: 70 },
      { done: 70, total: 70 },
    ]);
    for (let i = 0; i < texts.length; i++) {
      const [alone] = await embedder.embed([texts[i]!]);
      expect(maxAbsDifference(batched[i]!, alone!), `text ${i}`).toBeLessThan(1e-5);
    }
  });

  it('gives a short text the same vector alone as when padded next to long ones', async () => {
    const short = 'warm bread';
    const [alone] = await embedder.embed([short]);
    const [padded] = await embedder.embed([short, sentences(20).join(' '), 'the library by the river']);
    expect(maxAbsDifference(alone!, padded!)).toBeLessThan(1e-5);
  });

  it('truncates a text longer than the model takes instead of failing', async () => {
    const [vector] = await embedder.embed([sentences(60).join(' ')]);
    expect(norm(vector!)).toBeCloseTo(1, 5);
  });

  it('stops a multi-batch embed between batches when the signal aborts', async () => {
    const controller = new AbortController();
    const progress: BatchProgress[] = [];
    const embedding = embedder.embed(sentences(100), {
      signal: controller.signal,
      onProgress: (p) => {
        progress.push(p);
        controller.abort();
      },
    });
    await expect(embedding).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(progress).toEqual([{ done: 32, total: 100 }]);
    await expect(embedder.embed(['warm'], { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await embedder.embed(['still works'])).toHaveLength(1);
  });

  it('cancels a batch the worker is running: the call ends CANCELLED and the worker keeps serving', async () => {
    // A heavier model and long texts keep the worker busy for a few hundred ms, so the cancel lands mid-batch.
    const dir = await writeTinyEncoder(path.join(temp.dir, 'slower-encoder'), { hidden: 256, layers: 4, heads: 4 });
    const slower = await LocalEmbedder.create(local(dir), { batchSize: 64 });
    try {
      const controller = new AbortController();
      const longTexts = sentences(32).map((text) => `${text} ${sentences(12).join(' ')}`);
      const embedding = slower.embed(longTexts, { signal: controller.signal });
      setImmediate(() => controller.abort()); // the batch has been posted to the worker by then
      await expect(embedding).rejects.toMatchObject({ code: 'CANCELLED', message: expect.stringContaining('The worker stopped embedding') });
      expect(await slower.embed(['still works'])).toHaveLength(1);
    } finally {
      await slower.dispose();
    }
  });

  it('fails the calls in flight with MODEL_CRASHED when the worker dies, then restarts it and reloads the model', async () => {
    const texts = sentences(70);
    const before = await embedder.embed(texts);
    const starts = embedder.workerStarts;
    const crashesBefore = crashes.length;
    const embedding = embedder.embed(texts, {
      onProgress: ({ done }) => {
        if (done === 32) void embedder.killWorker(); // the worker dies with the second batch in flight
      },
    });
    await expect(embedding).rejects.toMatchObject({ code: 'MODEL_CRASHED' });
    expect(crashes.length).toBe(crashesBefore + 1);
    expect(crashes.at(-1)?.code).toBe('MODEL_CRASHED');

    const after = await embedder.embed(texts);
    expect(embedder.workerStarts).toBe(starts + 1);
    expect(after).toEqual(before);
  });

  it('pools with [CLS] when the library entry asks, and mean otherwise', async () => {
    const cls = await LocalEmbedder.create(local(encoderDir, { pooling: 'cls' }));
    try {
      const texts = sentences(3);
      const [clsVectors, meanVectors] = [await cls.embed(texts), await embedder.embed(texts)];
      expect(cls.info.pooling).toBe('cls');
      expect(embedder.info.pooling).toBe('mean');
      for (let i = 0; i < texts.length; i++) {
        expect(norm(clsVectors[i]!)).toBeCloseTo(1, 5);
        expect(maxAbsDifference(clsVectors[i]!, meanVectors[i]!)).toBeGreaterThan(1e-3);
      }
    } finally {
      await cls.dispose();
    }
  });

  it("takes the pooling a sentence-transformers folder declares in 1_Pooling/config.json", async () => {
    const dir = await writeTinyEncoder(path.join(temp.dir, 'declares-cls'), { hidden: HIDDEN });
    await mkdir(path.join(dir, '1_Pooling'));
    await writeFile(path.join(dir, '1_Pooling', 'config.json'), JSON.stringify({ pooling_mode_cls_token: true, pooling_mode_mean_tokens: false }));
    const declared = await LocalEmbedder.create(local(dir));
    try {
      expect(declared.info.pooling).toBe('cls');
    } finally {
      await declared.dispose();
    }
  });

  it('fails a call made after dispose with CANCELLED', async () => {
    const shortLived = await LocalEmbedder.create(local(encoderDir));
    await shortLived.dispose();
    await expect(shortLived.embed(['warm'])).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('LocalReranker', () => {
  let reranker: LocalReranker;
  const query = 'warm kitchen';
  const passages = ['The fire in the hearth keeps the kitchen warm.', 'A quick brown fox jumps over the lazy dog.', 'Winter snow and cold wind at night.'];

  beforeAll(async () => {
    reranker = await LocalReranker.create(local(crossEncoderDir), { batchSize: 2 });
  });

  afterAll(async () => {
    await reranker?.dispose();
  });

  it('gives one finite, deterministic score per candidate', async () => {
    expect(reranker.info).toMatchObject({ kind: 'rerank', labels: 1 });
    const scores = await reranker.rerank(query, passages);
    expect(scores).toHaveLength(3);
    for (const score of scores) expect(Number.isFinite(score)).toBe(true);
    expect(new Set(scores).size).toBe(3);
    expect(await reranker.rerank(query, passages)).toEqual(scores);
    expect(await reranker.rerank(query, [])).toEqual([]);
  });

  it('follows the passages: reordered candidates get their scores reordered', async () => {
    const scores = await reranker.rerank(query, passages);
    const reversed = await reranker.rerank(query, [...passages].reverse());
    for (let i = 0; i < passages.length; i++) expect(reversed[i]).toBeCloseTo(scores[passages.length - 1 - i]!, 5);
    const other = await reranker.rerank('lazy dog', passages);
    expect(other).not.toEqual(scores);
  });

  it('scores the same in batches of 2 as in one batch', async () => {
    const whole = await LocalReranker.create(local(crossEncoderDir), { batchSize: 32 });
    try {
      const candidates = [...passages, 'Coffee with milk in the morning.', 'Search the library for bread.'];
      const inTwos = await reranker.rerank(query, candidates);
      const together = await whole.rerank(query, candidates);
      for (let i = 0; i < candidates.length; i++) expect(Math.abs(inTwos[i]! - together[i]!)).toBeLessThan(1e-5);
    } finally {
      await whole.dispose();
    }
  });
});

describe('broken model folders', () => {
  async function copyOf(name: string): Promise<string> {
    return writeTinyEncoder(path.join(temp.dir, name), { hidden: 16 });
  }

  it('a missing folder is MODEL_NOT_FOUND naming the path', async () => {
    const missing = path.join(temp.dir, 'no-such-model');
    await expect(LocalEmbedder.create(local(missing))).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
      message: expect.stringContaining(missing),
    });
  });

  it('a folder without onnx/model.onnx is MODEL_INVALID naming the file, and mentions other ONNX files', async () => {
    const dir = await copyOf('quantized-only');
    await writeFile(path.join(dir, 'onnx', 'model_quantized.onnx'), '');
    await rm(path.join(dir, 'onnx', 'model.onnx'));
    await expect(LocalEmbedder.create(local(dir))).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringMatching(/missing onnx[/\\]model\.onnx\..*model_quantized\.onnx/),
    });
  });

  it('a folder without tokenizer files is MODEL_INVALID naming each missing file', async () => {
    const dir = await copyOf('no-tokenizer');
    await rm(path.join(dir, 'tokenizer.json'));
    await rm(path.join(dir, 'tokenizer_config.json'));
    await expect(LocalReranker.create(local(dir))).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringContaining('missing tokenizer.json, tokenizer_config.json'),
    });
  });

  it('a corrupt ONNX file is MODEL_INVALID', async () => {
    const dir = await copyOf('corrupt');
    await truncate(path.join(dir, 'onnx', 'model.onnx'), 1000);
    await expect(LocalEmbedder.create(local(dir))).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringContaining(dir),
    });
  });

  it('an unreadable config.json is MODEL_INVALID naming it', async () => {
    const dir = await copyOf('bad-config');
    await writeFile(path.join(dir, 'config.json'), '{ not json');
    await expect(LocalEmbedder.create(local(dir))).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringContaining('config.json'),
    });
  });

  it('an embedding model used as a reranker is MODEL_INVALID: it gives no relevance logits', async () => {
    await expect(LocalReranker.create(local(encoderDir))).rejects.toMatchObject({ code: 'MODEL_INVALID' });
  });

  it('a GGUF entry is MODEL_INVALID without starting a worker', async () => {
    const onCrash = vi.fn();
    await expect(LocalEmbedder.create(local(path.join(temp.dir, 'model.gguf'), { format: 'gguf' }), { onCrash })).rejects.toMatchObject({
      code: 'MODEL_INVALID',
    });
    expect(onCrash).not.toHaveBeenCalled();
  });
});
