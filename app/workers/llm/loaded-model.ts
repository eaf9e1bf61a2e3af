/**
 * One GGUF model loaded in the worker: checked (a whole GGUF file, a model that generates text, one
 * that fits), then one context whose sequences are shared out to concurrent chats, the chat template
 * resolved once from the GGUF, and JSON-schema grammars compiled once per schema.
 */
import {
  GgufInsights,
  InsufficientMemoryError,
  LlamaChat,
  readGgufFileInfo,
  resolveChatWrapper,
  type ChatHistoryItem,
  type ChatWrapper,
  type GbnfJsonSchema,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaGrammar,
  type LlamaModel,
} from 'node-llama-cpp';
import type { z } from 'zod';
import { HearthError } from '../../../schemas/index.js';
import { readGgufSummary } from '../../core/models/index.js';
import type { LlmInfo, LlmLoadParams } from '../../core/models/index.js';
import { checkFit, tooLargeFrom } from './fit-check.js';
import { deviceOf, openLlama } from './open-llama.js';
import { SequencePool } from './sequence-pool.js';

/** Without a setting, a chat gets the model's training context, but no more than this. */
const defaultMaxContext = 4096;

export interface ChatSlot {
  sequence: LlamaContextSequence;
  chat: LlamaChat;
}

export class LoadedModel {
  readonly pool: SequencePool<ChatSlot>;
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();
  /** Chats in progress, and the switch that stops them all (see {@link quiesce}). */
  private readonly running = new Set<Promise<unknown>>();
  private readonly stopping = new AbortController();

  private constructor(
    readonly info: LlmInfo,
    /** How often streamed text is sent to the host, in ms. */
    readonly streamIntervalMs: number,
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly chatWrapper: ChatWrapper,
  ) {
    const slots = Array.from({ length: info.sequences }, () => {
      const sequence = context.getSequence();
      return { sequence, chat: new LlamaChat({ contextSequence: sequence, chatWrapper }) };
    });
    this.pool = new SequencePool(slots);
  }

  static async load(params: z.output<typeof LlmLoadParams>): Promise<LoadedModel> {
    const { modelPath, sequences, threads } = params;
    // Magic, header and size first: a renamed or half-copied file gets a plain answer, not a native error.
    const summary = await readGgufSummary(modelPath);
    const llama = await openLlama(params.gpu, threads);
    try {
      let insights: GgufInsights;
      try {
        insights = await GgufInsights.from(await readGgufFileInfo(modelPath, { logWarnings: false }), llama);
      } catch (error) {
        throw new HearthError('MODEL_INVALID', `${modelPath} is not a readable GGUF model: ${(error as Error).message}`, { path: modelPath });
      }
      if (!insights.hasDecoder) {
        throw new HearthError(
          'MODEL_INVALID',
          `${modelPath} (${summary.architecture}) is an encoder-only model: it embeds text but cannot write it. Add it as an [embed.…] model, and pick a chat model for [llm.…].`,
          { path: modelPath },
        );
      }
      const contextSize = params.contextSize ?? Math.min(insights.trainContextSize ?? defaultMaxContext, defaultMaxContext);
      const fit = await checkFit(llama, insights, { modelPath, contextSize, sequences });

      let model: LlamaModel;
      try {
        model = await llama.loadModel({ modelPath, gpuLayers: fit.gpuLayers, defaultContextFlashAttention: false });
      } catch (error) {
        if (error instanceof InsufficientMemoryError) throw tooLargeFrom(error, modelPath);
        throw new HearthError('MODEL_INVALID', `llama.cpp could not load ${modelPath} (architecture ${summary.architecture}): ${(error as Error).message}`, { path: modelPath });
      }
      let context: LlamaContext;
      try {
        context = await model.createContext({ contextSize, sequences, threads, flashAttention: false });
      } catch (error) {
        await model.dispose();
        if (error instanceof InsufficientMemoryError) throw tooLargeFrom(error, modelPath);
        throw error;
      }
      // Compares the GGUF's Jinja template with node-llama-cpp's built-in wrappers (0.3–1 s here): once, here.
      const chatWrapper = resolveChatWrapper(model);
      const info: LlmInfo = {
        device: deviceOf(llama),
        gpuLayers: model.gpuLayers,
        threads: context.idealThreads,
        contextSize: context.contextSize,
        sequences,
        chatTemplate: chatWrapper.wrapperName,
        memory: { ramBytes: fit.ramBytes, vramBytes: fit.vramBytes },
        model: {
          architecture: summary.architecture,
          ...(summary.name ? { name: summary.name } : {}),
          parameters: summary.parameters,
          quantization: summary.quantization,
          ...(summary.contextLength ? { contextLength: summary.contextLength } : {}),
          sizeBytes: summary.sizeBytes,
        },
      };
      return new LoadedModel(info, params.streamIntervalMs, llama, model, context, chatWrapper);
    } catch (error) {
      await llama.dispose();
      throw error;
    }
  }

  /**
   * Runs one chat under a signal that also fires when the model is stopped, and keeps track of it so
   * that stopping can wait for it.
   */
  run<T>(signal: AbortSignal, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const task = work(AbortSignal.any([signal, this.stopping.signal]));
    const tracked = task.finally(() => this.running.delete(tracked));
    this.running.add(tracked);
    return tracked;
  }

  /**
   * Stops every chat at its next token and waits until no llama.cpp call is running. Ending the thread
   * while one runs takes the whole process down (node-llama-cpp's native async work calls back into
   * the torn-down thread and aborts), so this comes before unloading and before a deliberate kill.
   */
  async quiesce(): Promise<void> {
    this.pool.close(new HearthError('CANCELLED', 'The model is being stopped.'));
    this.stopping.abort();
    await Promise.allSettled([...this.running]);
  }

  /** The grammar for a JSON Schema, compiled on first use. */
  grammarFor(schema: Record<string, unknown>): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      grammar = this.llama.createGrammarForJsonSchema<GbnfJsonSchema>(schema as GbnfJsonSchema).catch((error: unknown) => {
        this.grammars.delete(key);
        throw new HearthError('BAD_REQUEST', `This JSON Schema cannot be turned into a grammar: ${(error as Error).message}`, { schema });
      });
      this.grammars.set(key, grammar);
    }
    return grammar;
  }

  /** Tokens in the prompt as the chat template renders it, up to where the reply starts. */
  countPromptTokens(history: ChatHistoryItem[]): number {
    const { contextText } = this.chatWrapper.generateContextState({ chatHistory: history });
    return contextText.tokenize(this.model.tokenizer).length;
  }

  async dispose(): Promise<void> {
    await this.quiesce();
    await this.context.dispose();
    await this.model.dispose();
    await this.llama.dispose();
  }
}
