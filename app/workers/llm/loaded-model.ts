/**
 * One GGUF model loaded in the worker: checked (a whole GGUF file, a model that generates text, one
 * that fits), then one context whose sequences are shared out to concurrent chats (each keeping what it
 * evaluated, for the next request that starts the same way), the chat template resolved once from the
 * GGUF with how it calls tools, and grammars parsed once each.
 */
import {
  ChatWrapper,
  GgufInsights,
  InsufficientMemoryError,
  JinjaTemplateChatWrapper,
  LlamaChat,
  readGgufFileInfo,
  resolveChatWrapper,
  type ChatHistoryItem,
  type ChatModelFunctions,
  type GbnfJsonSchema,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaGrammar,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp';
import type { z } from 'zod';
import { HearthError } from '../../../schemas/index.js';
import { readGgufSummary } from '../../core/models/index.js';
import type { LlmActivity, LlmInfo, LlmLoadParams } from '../../core/models/index.js';
import type { ToolCalling } from './chat-history.js';
import { checkFit, tooLargeFrom } from './fit-check.js';
import { deviceOf, openLlama } from './open-llama.js';
import { SequencePool } from './sequence-pool.js';

/** Without a setting, a chat gets the model's training context, but no more than this. */
const defaultMaxContext = 4096;

export interface ChatSlot {
  sequence: LlamaContextSequence;
  chat: LlamaChat;
}

/** Parsed grammars a model keeps (see cachedGrammar). */
const keptGrammars = 64;

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
    /** Whether sequences keep their evaluated tokens between requests. */
    readonly reusePrefix: boolean,
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
        toolCalling: toolCallingOf(chatWrapper),
        reusePrefix: params.reusePrefix,
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
      return new LoadedModel(info, params.streamIntervalMs, params.reusePrefix, llama, model, context, chatWrapper);
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

  /**
   * node-llama-cpp's grammar for a schema in its subset (grammar-schema.ts), for native function calls,
   * compiled on first use; a failure is not kept, so a later request tries again.
   */
  grammarFor(schema: GbnfJsonSchema): Promise<LlamaGrammar> {
    return this.cachedGrammar(`schema:${JSON.stringify(schema)}`, () => this.llama.createGrammarForJsonSchema<GbnfJsonSchema>(schema));
  }

  /** A GBNF grammar (from core/sgr's compiler) parsed by llama.cpp, once per text. */
  grammarOf(gbnf: string): Promise<LlamaGrammar> {
    return this.cachedGrammar(`gbnf:${gbnf}`, () => this.llama.createGrammar({ grammar: gbnf }));
  }

  /**
   * Parsed grammars by their text, the most recently used kept: a server sees a new schema with each client,
   * and a grammar of thousands of rules is worth keeping only while it is in use.
   */
  private cachedGrammar(key: string, create: () => Promise<LlamaGrammar>): Promise<LlamaGrammar> {
    let grammar = this.grammars.get(key);
    if (grammar) {
      this.grammars.delete(key); // re-inserted below: a Map keeps insertion order, so the oldest is first
    } else {
      grammar = create().catch((error: unknown) => {
        this.grammars.delete(key);
        throw error;
      });
    }
    this.grammars.set(key, grammar);
    while (this.grammars.size > keptGrammars) this.grammars.delete(this.grammars.keys().next().value!);
    return grammar;
  }

  /** The prompt's tokens as the chat template renders it (with native tools), up to where the reply starts. */
  promptTokens(history: ChatHistoryItem[], functions?: ChatModelFunctions): Token[] {
    const { contextText } = this.chatWrapper.generateContextState({ chatHistory: history, ...(functions ? { availableFunctions: functions } : {}) });
    return contextText.tokenize(this.model.tokenizer);
  }

  get tokenizer(): LlamaModel['tokenizer'] {
    return this.model.tokenizer;
  }

  activity(): LlmActivity {
    return { decoding: this.pool.inUse, waiting: this.pool.queued };
  }

  async dispose(): Promise<void> {
    await this.quiesce();
    await this.context.dispose();
    await this.model.dispose();
    await this.llama.dispose();
  }
}

/**
 * Whether the template has a tool format of its own: a Jinja template whose tool syntax node-llama-cpp
 * could read from it, or a specialised wrapper (Llama 3.1, Qwen, Functionary, Mistral…) with its own call
 * syntax. Every other wrapper only has node-llama-cpp's generic `||call:` text, which the model was never
 * trained on, so tools go through the grammar envelope instead.
 */
export function toolCallingOf(wrapper: ChatWrapper): ToolCalling {
  if (wrapper instanceof JinjaTemplateChatWrapper) return wrapper.usingJinjaFunctionCallTemplate ? 'native' : 'grammar';
  const prefix = wrapper.settings.functions.call.prefix;
  return typeof prefix === 'string' && prefix === ChatWrapper.defaultSettings.functions.call.prefix ? 'grammar' : 'native';
}
