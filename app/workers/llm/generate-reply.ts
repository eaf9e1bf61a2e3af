/**
 * One chat request in the worker: waits its turn for a sequence, starts that sequence afresh (the
 * request carries the whole conversation), decodes with the GGUF's chat template — under a JSON-schema
 * grammar when asked — and streams the text to the host until it stops, runs out or is cancelled.
 */
import type { ChatHistoryItem, LlamaChatResponse } from 'node-llama-cpp';
import type { LlmChatEvent, LlmChatParams, LlmChatResult } from '../../core/models/index.js';
import type { WorkerCallContext } from '../runtime.js';
import type { LoadedModel } from './loaded-model.js';

export async function generateReply(model: LoadedModel, params: LlmChatParams, { signal, emit }: WorkerCallContext): Promise<LlmChatResult> {
  // Before queueing: a schema that cannot become a grammar fails at once, not after a wait.
  const grammar = params.jsonSchema ? await model.grammarFor(params.jsonSchema) : undefined;
  const history = toChatHistory(params.messages);
  const promptTokens = model.countPromptTokens(history);

  let slot;
  try {
    slot = await model.pool.acquire(signal);
  } catch (error) {
    if (signal.aborted) return { finishReason: 'cancelled', usage: { promptTokens: 0, completionTokens: 0 } };
    throw error;
  }
  let completionTokens = 0;
  const text = new TextBatcher((chunk) => emit({ type: 'text', text: chunk } satisfies LlmChatEvent), model.streamIntervalMs);
  try {
    await slot.sequence.clearHistory();
    const response = await slot.chat.generateResponse(history, {
      onTextChunk: (chunk) => text.push(chunk),
      onToken: (tokens) => (completionTokens += tokens.length),
      signal,
      // Cancelling returns what was written so far instead of throwing (except during the prompt).
      stopOnAbortSignal: true,
      // Without a limit, a model that never ends its turn would run forever, shifting its context.
      maxTokens: params.maxTokens ?? model.info.contextSize,
      ...(params.temperature !== undefined ? { temperature: params.temperature } : {}),
      ...(params.seed !== undefined ? { seed: params.seed } : {}),
      ...(grammar ? { grammar } : {}),
      ...(params.stop ? { customStopTriggers: params.stop } : {}),
    });
    text.flush();
    return { finishReason: finishReasonOf(response), usage: { promptTokens, completionTokens } };
  } catch (error) {
    // Aborted while the prompt was still being read: node-llama-cpp throws the abort reason.
    if (!signal.aborted) throw error;
    text.flush();
    return { finishReason: 'cancelled', usage: { promptTokens, completionTokens } };
  } finally {
    model.pool.release(slot);
  }
}

function finishReasonOf(response: LlamaChatResponse): LlmChatResult['finishReason'] {
  switch (response.metadata.stopReason) {
    case 'maxTokens':
      return 'length';
    case 'abort':
      return 'cancelled';
    default:
      return 'stop';
  }
}

/** Hearth's messages as node-llama-cpp's chat history, ending where the model's reply goes. */
function toChatHistory(messages: LlmChatParams['messages']): ChatHistoryItem[] {
  const history = messages.map((message): ChatHistoryItem => {
    if (message.role === 'system') return { type: 'system', text: message.content };
    if (message.role === 'user') return { type: 'user', text: message.content };
    return { type: 'model', response: [message.content] };
  });
  // A trailing assistant message is a reply to continue; otherwise a new one starts.
  if (history.at(-1)?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}

/**
 * Sends text at most once per `intervalMs`: a chunk that comes after a quiet spell goes at once (a slow
 * model's every token, a fast model's first), later ones are joined until the interval is up. 0 sends
 * every chunk as it comes.
 */
class TextBatcher {
  private pending = '';
  private timer: NodeJS.Timeout | undefined;
  private lastSent = -Infinity;

  constructor(
    private readonly send: (text: string) => void,
    private readonly intervalMs: number,
  ) {}

  push(text: string): void {
    this.pending += text;
    if (this.timer) return;
    const wait = this.lastSent + this.intervalMs - performance.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending) return;
    this.send(this.pending);
    this.pending = '';
    this.lastSent = performance.now();
  }
}
