/**
 * What the main thread and the transformers worker (app/workers/transformers/worker.ts) exchange: `load`,
 * `embed`, `count` and `rerank`, as zod schemas both sides check.
 */
import { z } from 'zod';

export const transformersWorkerName = 'transformers';

export const TransformersLoadParams = z.object({
  kind: z.enum(['embed', 'rerank']),
  /** An absolute path to the model folder. */
  modelPath: z.string().min(1),
  /** embed: how token vectors become one vector; default: what the folder declares, else mean. */
  pooling: z.enum(['mean', 'cls']).optional(),
  /** embed: scale vectors to unit length (default true, as the Embedder contract promises). */
  normalize: z.boolean().optional(),
  /** ONNX Runtime intra-op threads; default 1. */
  threads: z.number().int().positive().max(256).optional(),
});
export type TransformersLoadParams = z.infer<typeof TransformersLoadParams>;

/** What the worker learnt while loading (it runs a probe input through the model). */
export const TransformersModelInfo = z.object({
  kind: z.enum(['embed', 'rerank']),
  /** embed: the vector size; rerank: 0. */
  dimensions: z.number().int().nonnegative(),
  pooling: z.enum(['mean', 'cls']).optional(),
  /** Longer inputs are cut to this many tokens. */
  maxTokens: z.number().int().positive(),
  /** rerank: how many logits the classifier gives (1, or 2 with a positive class). */
  labels: z.number().int().positive().optional(),
});
export type TransformersModelInfo = z.infer<typeof TransformersModelInfo>;

export const EmbedParams = z.object({ texts: z.array(z.string()) });
/** One flat row-major buffer for the batch: cloning one typed array is a memcpy, per-number arrays are not. */
export const EmbedResult = z.object({
  data: z.instanceof(Float32Array),
  dims: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
});
export type EmbedResult = z.infer<typeof EmbedResult>;

export const CountParams = z.object({ texts: z.array(z.string()) });
export const CountResult = z.array(z.number().int().nonnegative());

export const RerankParams = z.object({ query: z.string(), passages: z.array(z.string()) });
export const RerankResult = z.array(z.number());
