/**
 * Checks a model folder in the transformers.js layout before anything is loaded, so a wrong folder is
 * reported as "this path, these files missing" rather than as a stack trace from deep in the loader.
 * Also reads what the folder says about itself: config.json and, for sentence-transformers exports,
 * the pooling it was trained with.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { HearthError } from '../../../schemas/index.js';

/** The fp32 ONNX file: the one Hearth loads (it asks transformers.js for dtype `fp32`). */
export const onnxFile = path.join('onnx', 'model.onnx');
const requiredFiles = ['config.json', 'tokenizer.json', 'tokenizer_config.json', onnxFile];

export interface ModelConfig {
  model_type?: string;
  hidden_size?: number;
  max_position_embeddings?: number;
  pad_token_id?: number;
  id2label?: Record<string, string>;
}

export interface ModelFolder {
  dir: string;
  config: ModelConfig;
  /** The pooling a sentence-transformers export declares in 1_Pooling/config.json, if any. */
  declaredPooling?: 'mean' | 'cls';
}

export async function checkModelFolder(dir: string): Promise<ModelFolder> {
  if (!existsSync(dir)) {
    throw new HearthError('MODEL_NOT_FOUND', `Model folder not found: ${dir}. Check the path in models.toml.`, { path: dir });
  }
  if (!statSync(dir).isDirectory()) {
    throw new HearthError(
      'MODEL_INVALID',
      `${dir} is a file; an embedding or reranking model is a folder with ${requiredFiles.join(', ')}.`,
      { path: dir },
    );
  }
  const missing = requiredFiles.filter((file) => !existsSync(path.join(dir, file)));
  if (missing.length > 0) {
    throw new HearthError(
      'MODEL_INVALID',
      `${dir} is not a model folder Hearth can load: missing ${missing.join(', ')}.${otherOnnxFilesHint(dir, missing)}`,
      { path: dir, missing },
    );
  }
  return { dir, config: await readJson<ModelConfig>(dir, 'config.json'), ...(await declaredPooling(dir)) };
}

/** A folder exported with only quantized weights is common; say so instead of just "missing". */
function otherOnnxFilesHint(dir: string, missing: string[]): string {
  if (!missing.includes(onnxFile) || !existsSync(path.join(dir, 'onnx'))) return '';
  const others = readdirSync(path.join(dir, 'onnx')).filter((name) => name.endsWith('.onnx'));
  if (others.length === 0) return '';
  return ` The onnx folder holds ${others.join(', ')}; Hearth loads the fp32 weights, onnx/model.onnx.`;
}

async function declaredPooling(dir: string): Promise<{ declaredPooling?: 'mean' | 'cls' }> {
  const file = path.join('1_Pooling', 'config.json');
  if (!existsSync(path.join(dir, file))) return {};
  const pooling = await readJson<{ pooling_mode_cls_token?: boolean; pooling_mode_mean_tokens?: boolean }>(dir, file);
  if (pooling.pooling_mode_cls_token) return { declaredPooling: 'cls' };
  if (pooling.pooling_mode_mean_tokens) return { declaredPooling: 'mean' };
  return {}; // max or weighted pooling: not supported, so the default (mean) applies
}

async function readJson<T>(dir: string, file: string): Promise<T> {
  const full = path.join(dir, file);
  try {
    const value: unknown = JSON.parse(await readFile(full, 'utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as T;
  } catch (error) {
    throw new HearthError('MODEL_INVALID', `${full} cannot be read: ${(error as Error).message}.`, { path: full });
  }
}

/**
 * How many tokens a text may have: the tokenizer's limit, else what the position table holds. RoBERTa-like
 * models start positions after the padding id, so two slots of their table are never usable.
 */
export function maxTokens(config: ModelConfig, tokenizerLimit: number): number {
  if (Number.isFinite(tokenizerLimit) && tokenizerLimit > 0 && tokenizerLimit < 1_000_000) return tokenizerLimit;
  const positions = config.max_position_embeddings;
  if (!positions) return 512;
  const offsetPositions = ['roberta', 'xlm-roberta', 'camembert', 'longformer'].includes(config.model_type ?? '');
  return offsetPositions ? positions - (config.pad_token_id ?? 1) - 1 : positions;
}

/** Turns a loader failure into MODEL_INVALID naming the folder; HearthErrors pass through. */
export function loadFailure(dir: string, what: string, error: unknown): HearthError {
  if (error instanceof HearthError) return error;
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  return new HearthError('MODEL_INVALID', `${dir}: cannot load the ${what} (${message}). The model files may be corrupt or of an unsupported architecture.`, {
    path: dir,
  });
}
