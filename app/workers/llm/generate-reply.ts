/**
 * One chat request in the worker: plans how to decode it (reply-plan.ts), waits its turn for the free
 * sequence that already holds the longest part of its prompt, lets node-llama-cpp evaluate only the rest
 * (the sequence keeps what it evaluated for the next request), decodes with the GGUF's chat template —
 * under a grammar, or with the template's own tool calling, when asked — and streams text, tool calls and
 * warnings to the host until the reply stops, runs out or is cancelled.
 */
import { randomUUID } from 'node:crypto';
import { LlamaText, type ChatModelFunctions, type LlamaChatResponse, type LlamaContextSequence, type Token } from 'node-llama-cpp';
import { jsonReplyProblem, type LlmChatEvent, type LlmChatResult } from '../../core/models/index.js';
import type { WorkerCallContext } from '../runtime.js';
import type { LoadedModel } from './loaded-model.js';
import { planReply, type ChatParams, type ReplyPlan } from './reply-plan.js';
import { TextBatcher } from './text-batcher.js';
import { EnvelopeReader } from './tool-envelope.js';

type FinishReason = LlmChatResult['finishReason'];

export async function generateReply(model: LoadedModel, params: ChatParams, { signal, emit }: WorkerCallContext): Promise<LlmChatResult> {
  const received = performance.now();
  const send = (event: LlmChatEvent) => emit(event);
  // Before queueing: a schema problem is reported at once, not after a wait.
  const plan = await planReply(model, params);
  for (const message of plan.warnings) send({ type: 'warning', message });
  const prompt = model.promptTokens(plan.history, plan.mode === 'native-tools' ? plan.functions : undefined);

  let firstTokenAt: number | undefined;
  const usage = (completionTokens: number, cachedPromptTokens: number, promptTokens = prompt.length) => ({
    promptTokens,
    completionTokens,
    timeToFirstTokenMs: (firstTokenAt ?? performance.now()) - received,
    cachedPromptTokens,
  });

  let slot;
  try {
    slot = await model.pool.acquire(signal, model.reusePrefix ? (free) => reuseGain(free.sequence, prompt) : undefined);
  } catch (error) {
    if (signal.aborted) return { finishReason: 'cancelled', usage: usage(0, 0, 0) };
    throw error;
  }
  let completionTokens = 0;
  let cached = 0;
  const output = new ReplyOutput(plan, send, model.streamIntervalMs);
  try {
    if (model.reusePrefix) {
      // node-llama-cpp keeps the shared prefix and evaluates from the first token that differs; one
      // token is always evaluated again, to have the logits the reply starts from.
      cached = Math.min(slot.sequence.compareContextTokens(prompt).firstDifferentIndex, Math.max(0, prompt.length - 1));
    } else {
      await slot.sequence.clearHistory();
    }
    const options = {
      onTextChunk: (chunk: string) => output.text(chunk),
      onToken: (tokens: Token[]) => {
        firstTokenAt ??= performance.now();
        completionTokens += tokens.length;
      },
      signal,
      // Cancelling returns what was written so far instead of throwing (except during the prompt).
      stopOnAbortSignal: true,
      // Without a limit, a model that never ends its turn would run forever, shifting its context.
      maxTokens: params.maxTokens ?? model.info.contextSize,
      ...(params.temperature !== undefined ? { temperature: params.temperature } : {}),
      ...(params.seed !== undefined ? { seed: params.seed } : {}),
      // A stop string inside JSON would cut it; the grammar ends JSON replies by itself.
      ...(params.stop && (plan.mode === 'text' || plan.mode === 'native-tools') ? { customStopTriggers: params.stop } : {}),
    };
    // A grammar or the template's function calling, never both (node-llama-cpp's options say so).
    const constraint =
      plan.mode === 'native-tools'
        ? { functions: plan.functions, onFunctionCallParamsChunk: () => (firstTokenAt ??= performance.now()) }
        : plan.mode === 'text'
          ? {}
          : { grammar: plan.grammar };
    const response = await slot.chat.generateResponse(plan.history, { ...options, ...constraint });
    // Native calls' tokens are not counted by onToken (it sees only the text of the reply).
    for (const call of response.functionCalls ?? []) completionTokens += LlamaText.fromJSON(call.raw).tokenize(model.tokenizer).length;
    const finishReason = output.finish(finishReasonOf(response), response);
    return { finishReason, usage: usage(completionTokens, cached) };
  } catch (error) {
    // Aborted while the prompt was still being read: node-llama-cpp throws the abort reason.
    if (!signal.aborted) throw error;
    output.finish('cancelled');
    return { finishReason: 'cancelled', usage: usage(completionTokens, cached) };
  } finally {
    model.pool.release(slot);
  }
}

/**
 * How much a request wants a free sequence (llama.cpp's server picks its slots the same way): the
 * sequence of its own conversation — most of what the sequence holds is the start of this prompt — by
 * how much it shares; else an empty one; else none in particular, and the pool takes the one used
 * longest ago, so a conversation that just ran keeps its tokens for its next turn.
 */
function reuseGain(sequence: LlamaContextSequence, prompt: Token[]): number {
  const held = sequence.nextTokenIndex;
  if (held === 0) return 1;
  const shared = sequence.compareContextTokens(prompt).firstDifferentIndex;
  return shared / held >= 0.5 ? 2 + shared : 0;
}

/** Turns what the model writes into events: text as it comes, tool calls and checks once it stops. */
class ReplyOutput {
  private readonly batcher: TextBatcher;
  private readonly envelope: EnvelopeReader | undefined;
  private json = '';

  constructor(
    private readonly plan: ReplyPlan,
    private readonly send: (event: LlmChatEvent) => void,
    streamIntervalMs: number,
  ) {
    this.batcher = new TextBatcher((text) => send({ type: 'text', text }), streamIntervalMs);
    this.envelope = plan.mode === 'envelope' ? new EnvelopeReader(plan.answerIsString) : undefined;
  }

  text(chunk: string): void {
    if (this.envelope) this.batcher.push(this.envelope.push(chunk));
    else {
      if (this.plan.mode === 'json') this.json += chunk;
      this.batcher.push(chunk);
    }
  }

  /** Sends what is left and returns the finish reason the caller sees. */
  finish(reason: FinishReason, response?: LlamaChatResponse<ChatModelFunctions>): FinishReason {
    this.batcher.flush();
    if (this.plan.mode === 'json') {
      const problem = reason === 'cancelled' ? undefined : jsonReplyProblem(this.json, reason);
      if (problem) this.send({ type: 'warning', message: problem, raw: this.json });
      return reason;
    }
    if (this.plan.mode === 'native-tools') {
      const calls = response?.functionCalls ?? [];
      for (const call of calls) this.send({ type: 'tool-call', id: newCallId(), name: call.functionName, input: call.params ?? {} });
      return calls.length > 0 ? 'tool-calls' : reason;
    }
    if (!this.envelope) return reason;
    const outcome = this.envelope.finish();
    if (outcome.kind === 'tool-call') {
      this.send({ type: 'tool-call', id: newCallId(), name: outcome.name, input: outcome.input ?? {} });
      return reason === 'cancelled' ? reason : 'tool-calls';
    }
    if (outcome.kind === 'answer') {
      if (outcome.text) this.send({ type: 'text', text: outcome.text });
      const answerIsString = this.plan.mode === 'envelope' && this.plan.answerIsString;
      if (!answerIsString && reason !== 'cancelled') {
        const problem = jsonReplyProblem(outcome.text, reason);
        if (problem) this.send({ type: 'warning', message: problem, raw: outcome.text });
      }
      return reason;
    }
    // Cancelled mid-envelope: the cancel is the news, not the half-written JSON.
    if (reason !== 'cancelled') this.send({ type: 'warning', message: outcome.message, raw: outcome.raw });
    return reason;
  }
}

function newCallId(): string {
  return `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

function finishReasonOf(response: LlamaChatResponse<ChatModelFunctions>): FinishReason {
  switch (response.metadata.stopReason) {
    case 'maxTokens':
      return 'length';
    case 'abort':
      return 'cancelled';
    case 'functionCalls':
      return 'tool-calls';
    default:
      return 'stop';
  }
}
