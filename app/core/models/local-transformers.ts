/**
 * Local embedding and reranking models (ONNX folders in the transformers.js layout), each run by
 * @huggingface/transformers in its own worker thread so inference never blocks the main process and a
 * crash in native code costs one request, not the app. Large inputs go in batches, with cancellation
 * checked between them.
 */
import path from 'node:path';
import { z } from 'zod';
import { HearthError } from '../../../schemas/index.js';
import type { LocalModelSource } from './library.js';
import type { CallOptions, Embedder, Reranker } from './types.js';
import { WorkerHost } from '../threads/index.js';

import { transformersWorkerName, TransformersLoadParams, TransformersModelInfo, EmbedParams, EmbedResult, CountParams, CountResult, RerankParams, RerankResult } from './transformers-contract.js';


export interface LocalTransformersOptions {
  /** The model's id (e.g. its alias); default: `transformers:<folder name>`. */
  id?: string;
  /** Inputs per worker call; cancellation is checked between batches. Default 32. */
  batchSize?: number;
  /** ONNX Runtime threads; default the entry's `threads`, else 1 (leaves the other cores to the UI and the LLM). */
  threads?: number;
  /** Called when the worker dies; the next call restarts it and reloads the model. */
  onCrash?: (error: HearthError) => void;
  /** The worker script; found in the build output when not given. */
  workerScript?: string;
}

export interface BatchProgress {
  done: number;
  total: number;
}

export interface LocalCallOptions extends CallOptions {
  /** Called after each batch. */
  onProgress?: (progress: BatchProgress) => void;
}

const defaultBatchSize = 32;
const countBatchSize = 2000;

/** The part both models share: one worker with one model in it, fed in batches. */
abstract class LocalTransformersModel {
  readonly id: string;
  protected readonly batchSize: number;

  protected constructor(
    protected readonly host: WorkerHost,
    readonly info: TransformersModelInfo,
    source: LocalModelSource,
    options: LocalTransformersOptions,
  ) {
    this.id = options.id ?? `transformers:${path.basename(source.absolutePath)}`;
    this.batchSize = options.batchSize ?? defaultBatchSize;
  }

  /** Ends the worker as a crash would: calls in flight fail with MODEL_CRASHED, the next call reloads the model. */
  killWorker(): Promise<void> {
    return this.host.kill();
  }

  /** How many times the worker has been started (1, plus one per restart after a crash). */
  get workerStarts(): number {
    return this.host.starts;
  }

  dispose(): Promise<void> {
    return this.host.dispose();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /** Runs `items` through `run` in batches, in order, stopping between batches when the signal aborts. */
  protected async inBatches<T, R>(
    items: readonly T[],
    options: LocalCallOptions,
    run: (batch: T[], signal?: AbortSignal) => Promise<R[]>,
    batchSize = this.batchSize,
  ): Promise<R[]> {
    const results: R[] = [];
    for (let start = 0; start < items.length; start += batchSize) {
      if (options.signal?.aborted) throw new HearthError('CANCELLED', `${this.id}: cancelled after ${start} of ${items.length} inputs.`);
      const batch = items.slice(start, start + batchSize);
      const batchResults = await run(batch, options.signal);
      if (batchResults.length !== batch.length) {
        throw new HearthError('INTERNAL', `${this.id}: the worker answered ${batchResults.length} results for ${batch.length} inputs.`);
      }
      results.push(...batchResults);
      options.onProgress?.({ done: results.length, total: items.length });
    }
    return results;
  }
}

export class LocalEmbedder extends LocalTransformersModel implements Embedder {
  readonly dimensions: number;

  /** Starts the worker, loads the model and embeds a probe text to learn the vector size. */
  static async create(source: LocalModelSource, options: LocalTransformersOptions = {}): Promise<LocalEmbedder> {
    const params = loadParams('embed', source, options);
    const { host, info } = await startWorker(params, options);
    return new LocalEmbedder(host, info, source, options);
  }

  private constructor(host: WorkerHost, info: TransformersModelInfo, source: LocalModelSource, options: LocalTransformersOptions) {
    super(host, info, source, options);
    this.dimensions = info.dimensions;
  }

  get maxTokens(): number {
    return this.info.maxTokens;
  }

  /** Counted by the model's own tokenizer in its worker, many texts a call (tokenizing is cheap next to a model pass). */
  async countTokens(texts: string[], options: CallOptions = {}): Promise<number[]> {
    return this.inBatches(
      texts,
      options,
      async (batch, signal) => parseWorkerResult(CountResult, await this.host.call('count', { texts: batch }, signal ? { signal } : {}), 'count'),
      countBatchSize,
    );
  }

  async embed(texts: string[], options: LocalCallOptions = {}): Promise<Float32Array[]> {
    return this.inBatches(texts, options, async (batch, signal) => {
      const raw = await this.host.call('embed', { texts: batch }, signal ? { signal } : {});
      const { data, dims } = parseWorkerResult(EmbedResult, raw, 'embed');
      const [rows, width] = dims;
      if (rows !== batch.length || width !== this.dimensions || data.length !== rows * width) {
        throw new HearthError('INTERNAL', `${this.id}: the worker answered a ${rows}×${width} batch for ${batch.length} texts of ${this.dimensions} dimensions.`);
      }
      // Own buffers, not views of the batch: a caller may hand `vector.buffer` to storage.
      return Array.from({ length: rows }, (_, i) => data.slice(i * width, (i + 1) * width));
    });
  }
}

export class LocalReranker extends LocalTransformersModel implements Reranker {
  /** Starts the worker, loads the cross-encoder and scores a probe pair to check its output. */
  static async create(source: LocalModelSource, options: LocalTransformersOptions = {}): Promise<LocalReranker> {
    const params = loadParams('rerank', source, options);
    const { host, info } = await startWorker(params, options);
    return new LocalReranker(host, info, source, options);
  }

  private constructor(host: WorkerHost, info: TransformersModelInfo, source: LocalModelSource, options: LocalTransformersOptions) {
    super(host, info, source, options);
  }

  /** Raw relevance logits (log-odds for two-class models): higher is more relevant, comparable within one model. */
  async rerank(query: string, passages: string[], options: LocalCallOptions = {}): Promise<number[]> {
    return this.inBatches(passages, options, async (batch, signal) =>
      parseWorkerResult(RerankResult, await this.host.call('rerank', { query, passages: batch }, signal ? { signal } : {}), 'rerank'),
    );
  }
}

function loadParams(kind: 'embed' | 'rerank', source: LocalModelSource, options: LocalTransformersOptions): TransformersLoadParams {
  if (source.format === 'gguf') {
    throw new HearthError(
      'MODEL_INVALID',
      `${source.absolutePath}: ${kind} models run with ONNX Runtime; give a folder in the transformers.js layout (format = "onnx"), not a GGUF file.`,
      { path: source.absolutePath },
    );
  }
  const params: TransformersLoadParams = { kind, modelPath: source.absolutePath, threads: options.threads ?? source.threads ?? 1 };
  if (kind === 'embed' && source.pooling) params.pooling = source.pooling;
  if (kind === 'embed' && source.normalize !== undefined) params.normalize = source.normalize;
  return params;
}

/** Starts a worker and asks what it loaded; a model that fails to load takes its worker down with it. */
async function startWorker(params: TransformersLoadParams, options: LocalTransformersOptions): Promise<{ host: WorkerHost; info: TransformersModelInfo }> {
  const host = new WorkerHost({
    name: transformersWorkerName,
    init: { method: 'load', params },
    ...(options.workerScript ? { script: options.workerScript } : {}),
    ...(options.onCrash ? { onCrash: options.onCrash } : {}),
  });
  try {
    const info = parseWorkerResult(TransformersModelInfo, await host.call('info', {}), 'info');
    return { host, info };
  } catch (error) {
    await host.dispose();
    throw error;
  }
}

function parseWorkerResult<T>(schema: z.ZodType<T>, raw: unknown, method: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new HearthError('INTERNAL', `The ${transformersWorkerName} worker answered ${method} with an unexpected shape: ${parsed.error.message}`);
  return parsed.data;
}
