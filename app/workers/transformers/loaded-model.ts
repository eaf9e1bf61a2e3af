/**
 * Loads an embedding model or a cross-encoder from a checked folder with transformers.js and runs it:
 * tokenize a batch (padded, truncated to what the model can take), one ONNX Runtime pass, then pool
 * token states into vectors or read relevance logits.
 */
import {
  AutoModel,
  AutoModelForSequenceClassification,
  AutoTokenizer,
  mean_pooling,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type Tensor,
} from '@huggingface/transformers';
import { HearthError } from '../../../schemas/index.js';
import type { EmbedResult, TransformersLoadParams, TransformersModelInfo } from '../../core/models/index.js';
import { loadFailure, maxTokens, type ModelFolder } from './model-folder.js';

export interface LoadedModel {
  readonly info: TransformersModelInfo;
  embed(texts: string[], signal: AbortSignal): Promise<EmbedResult>;
  /** Tokens per text without special tokens, untruncated. */
  countTokens(texts: string[], signal: AbortSignal): number[];
  rerank(query: string, passages: string[], signal: AbortSignal): Promise<number[]>;
  dispose(): Promise<void>;
}

const probeText = 'Hearth checks that the model runs.';

export async function loadModel(folder: ModelFolder, params: TransformersLoadParams): Promise<LoadedModel> {
  const tokenizer = await AutoTokenizer.from_pretrained(folder.dir, { local_files_only: true }).catch((error: unknown) => {
    throw loadFailure(folder.dir, 'tokenizer (tokenizer.json, tokenizer_config.json)', error);
  });
  const modelOptions = {
    local_files_only: true,
    device: 'cpu',
    dtype: 'fp32', // onnx/model.onnx, the file checkModelFolder required
    session_options: { intraOpNumThreads: params.threads ?? 1, interOpNumThreads: 1 },
  } as const;
  const modelClass = params.kind === 'embed' ? AutoModel : AutoModelForSequenceClassification;
  const model = await modelClass.from_pretrained(folder.dir, modelOptions).catch((error: unknown) => {
    throw loadFailure(folder.dir, 'ONNX model (onnx/model.onnx)', error);
  });
  const limit = maxTokens(folder.config, tokenizer.model_max_length as number);
  try {
    const loaded =
      params.kind === 'embed'
        ? new EmbeddingModel(tokenizer, model, limit, params.pooling ?? folder.declaredPooling ?? 'mean', params.normalize ?? true)
        : new CrossEncoder(tokenizer, model, limit, positiveLabel(folder.config.id2label));
    await loaded.probe();
    return loaded;
  } catch (error) {
    await model.dispose();
    if (error instanceof HearthError) throw error;
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new HearthError('MODEL_INVALID', `${folder.dir}: the model loaded but failed on a probe input (${message}).`, { path: folder.dir });
  }
}

function throwIfCancelled(signal: AbortSignal, what: string): void {
  if (signal.aborted) throw new HearthError('CANCELLED', `The worker stopped ${what}: the request was cancelled.`);
}

abstract class TokenizedModel {
  constructor(
    protected readonly tokenizer: PreTrainedTokenizer,
    protected readonly model: PreTrainedModel,
    protected readonly limit: number,
  ) {}

  abstract readonly info: TransformersModelInfo;
  abstract probe(): Promise<void>;

  countTokens(texts: string[], signal: AbortSignal): number[] {
    return texts.map((text, i) => {
      if (i % 256 === 0) throwIfCancelled(signal, 'counting tokens');
      return this.tokenizer.encode(text, { add_special_tokens: false }).length;
    });
  }

  embed(_texts: string[], _signal: AbortSignal): Promise<EmbedResult> {
    return Promise.reject(new HearthError('BAD_REQUEST', 'This worker holds a reranking model; it cannot embed.'));
  }

  rerank(_query: string, _passages: string[], _signal: AbortSignal): Promise<number[]> {
    return Promise.reject(new HearthError('BAD_REQUEST', 'This worker holds an embedding model; it cannot rerank.'));
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}

class EmbeddingModel extends TokenizedModel implements LoadedModel {
  info: TransformersModelInfo;

  constructor(
    tokenizer: PreTrainedTokenizer,
    model: PreTrainedModel,
    limit: number,
    private readonly pooling: 'mean' | 'cls',
    private readonly normalize: boolean,
  ) {
    super(tokenizer, model, limit);
    this.info = { kind: 'embed', dimensions: 0, pooling, maxTokens: limit };
  }

  async probe(): Promise<void> {
    const { dims } = await this.embed([probeText], new AbortController().signal);
    this.info = { ...this.info, dimensions: dims[1] };
  }

  override async embed(texts: string[], signal: AbortSignal): Promise<EmbedResult> {
    if (texts.length === 0) return { data: new Float32Array(0), dims: [0, this.info.dimensions] };
    throwIfCancelled(signal, 'embedding');
    const inputs = this.tokenizer(texts, { padding: true, truncation: true, max_length: this.limit });
    const outputs = (await this.model(inputs)) as Record<string, Tensor | undefined>;
    throwIfCancelled(signal, 'embedding');
    let vectors = this.pool(outputs, inputs.attention_mask);
    if (this.normalize) vectors = vectors.normalize(2, -1);
    if (!(vectors.data instanceof Float32Array) || vectors.dims.length !== 2) {
      throw new HearthError('MODEL_INVALID', `The model gave ${vectors.type} embeddings of shape [${vectors.dims.join(', ')}], not float32 [texts, dimensions].`);
    }
    return { data: ownBuffer(vectors.data), dims: [vectors.dims[0]!, vectors.dims[1]!] };
  }

  private pool(outputs: Record<string, Tensor | undefined>, attentionMask: Tensor): Tensor {
    const tokens = outputs.last_hidden_state ?? outputs.token_embeddings;
    if (tokens) return this.pooling === 'cls' ? tokens.slice(null, 0) : mean_pooling(tokens, attentionMask);
    // Some sentence-transformers exports pool inside the graph.
    if (outputs.sentence_embedding) return outputs.sentence_embedding;
    throw new HearthError('MODEL_INVALID', `The model's outputs (${Object.keys(outputs).join(', ')}) hold no token states (last_hidden_state) to pool.`);
  }
}

class CrossEncoder extends TokenizedModel implements LoadedModel {
  info: TransformersModelInfo;

  constructor(
    tokenizer: PreTrainedTokenizer,
    model: PreTrainedModel,
    limit: number,
    private readonly positive: number,
  ) {
    super(tokenizer, model, limit);
    this.info = { kind: 'rerank', dimensions: 0, maxTokens: limit };
  }

  async probe(): Promise<void> {
    const logits = await this.logits(probeText, [probeText]);
    const labels = logits.dims[1] ?? 0;
    if (logits.dims.length !== 2 || labels < 1 || labels > 2) {
      throw new HearthError(
        'MODEL_INVALID',
        `A reranker must give one relevance logit (or two classes) per pair; this model gives logits of shape [${logits.dims.join(', ')}].`,
      );
    }
    this.info = { ...this.info, labels };
  }

  /**
   * One logit: returned as is, not through a sigmoid — the order is the same, and raw logits do not
   * saturate to ties at 1.0 in float32 the way sigmoid(large logit) does. Two classes: the log-odds of
   * the positive class (its logit minus the other), which orders pairs exactly as softmax would.
   */
  override async rerank(query: string, passages: string[], signal: AbortSignal): Promise<number[]> {
    if (passages.length === 0) return [];
    throwIfCancelled(signal, 'reranking');
    const logits = await this.logits(query, passages);
    throwIfCancelled(signal, 'reranking');
    const data = logits.data as Float32Array;
    const labels = this.info.labels ?? 1;
    return Array.from({ length: passages.length }, (_, i) =>
      labels === 1 ? data[i]! : data[i * 2 + this.positive]! - data[i * 2 + 1 - this.positive]!,
    );
  }

  private async logits(query: string, passages: string[]): Promise<Tensor> {
    const queries = passages.map(() => query);
    // Plain truncation cuts from the end: the query comes first, so a long passage loses its tail.
    const inputs = this.tokenizer(queries, { text_pair: passages, padding: true, truncation: true, max_length: this.limit });
    const { logits } = (await this.model(inputs)) as { logits?: Tensor };
    if (!logits) throw new HearthError('MODEL_INVALID', 'The model gives no logits; a reranker must be a sequence-classification model.');
    return logits;
  }
}

/** Which of two classes means "relevant": a label that says so, else index 1 (the usual convention). */
function positiveLabel(id2label: Record<string, string> | undefined): number {
  for (const [index, label] of Object.entries(id2label ?? {})) {
    if (/^(label_1|1|pos|positive|relevant|yes|true|entailment)$/i.test(label) && (index === '0' || index === '1')) return Number(index);
  }
  return 1;
}

/** A typed array alone in its buffer, so cloning it to the main thread copies only its own bytes. */
function ownBuffer(data: Float32Array): Float32Array<ArrayBuffer> {
  const { buffer } = data;
  return buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === buffer.byteLength ? new Float32Array(buffer) : data.slice();
}
