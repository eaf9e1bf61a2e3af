/** The model library as the UI and CLI see it: entries, problems, what is active, smoke-check reports. */
import { z } from 'zod';

export const ModelKindName = z.enum(['llm', 'embed', 'rerank']);
export type ModelKindName = z.infer<typeof ModelKindName>;

export const ModelEntryInfo = z.object({
  kind: ModelKindName,
  alias: z.string(),
  aliases: z.array(z.string()),
  /** `gguf` / `onnx` / `hf` for local models, `openai` for a remote server. */
  format: z.string(),
  /** The file or folder (local) or `model@url` (remote). */
  location: z.string(),
  active: z.boolean(),
  line: z.number().int(),
  /** From the GGUF header, when it could be read. */
  details: z
    .object({
      architecture: z.string().optional(),
      parameters: z.number().optional(),
      quantization: z.string().optional(),
      contextLength: z.number().optional(),
      sizeBytes: z.number().optional(),
    })
    .optional(),
});
export type ModelEntryInfo = z.infer<typeof ModelEntryInfo>;

export const LibraryProblemInfo = z.object({ line: z.number().int(), key: z.string().optional(), message: z.string() });

export const ModelLibraryInfo = z.object({
  folder: z.string(),
  file: z.string(),
  entries: z.array(ModelEntryInfo),
  problems: z.array(LibraryProblemInfo),
  /** What answers use per kind; `hash` is the built-in embedder when no embedding model is installed. */
  active: z.object({ llm: z.string().nullable(), embed: z.string(), rerank: z.string().nullable() }),
  /**
   * Active models that could not be opened, and why. Hearth goes on without them (extractive answers, no
   * reranking, the hash embedder's place is not taken) and does not try again until the model is checked or chosen
   * again, or its entry changes.
   */
  unavailable: z.array(z.object({ kind: ModelKindName, alias: z.string(), message: z.string() })).default([]),
  /** The compute device local models run on, once a local LLM has loaded (`cuda`, `vulkan`, `metal`, `cpu`). */
  device: z.string().nullable(),
});
export type ModelLibraryInfo = z.infer<typeof ModelLibraryInfo>;

export const SmokeStep = z.object({
  name: z.enum(['load', 'complete', 'embed', 'rerank']),
  ok: z.boolean(),
  ms: z.number(),
  detail: z.string(),
});
export type SmokeStep = z.infer<typeof SmokeStep>;

export const SmokeReport = z.object({
  kind: ModelKindName,
  alias: z.string(),
  ok: z.boolean(),
  steps: z.array(SmokeStep),
});
export type SmokeReport = z.infer<typeof SmokeReport>;

export const ModelImportResult = z.object({
  kind: ModelKindName,
  alias: z.string(),
  version: z.number().int(),
  path: z.string(),
  format: z.string(),
  copied: z.boolean(),
});
export type ModelImportResult = z.infer<typeof ModelImportResult>;
