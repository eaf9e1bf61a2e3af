/**
 * A ChatModel wrapped so each `chat()` is one client span with the GenAI conventions' attributes: the model, the
 * request's settings, the tokens in and out, time to first token and latency, how the reply finished, the tools
 * offered and called, and the schema a structured reply was held to (SGR). The stream passes through unchanged.
 */
import type { ChatEvent, ChatModel, ChatRequest, FinishReason } from '../models/index.js';
import { attr, jsonAttribute, type Attributes } from './attributes.js';
import type { HearthSpan } from './span.js';

/** Finish reasons as the conventions (and OpenAI) spell them. */
const finishReasonNames: Record<FinishReason, string> = { stop: 'stop', length: 'length', 'tool-calls': 'tool_calls', cancelled: 'cancelled' };

export function tracedChatModel(model: ChatModel, start: (name: string, attributes: Attributes) => HearthSpan): ChatModel {
  return {
    id: model.id,
    ...(model.device !== undefined ? { device: model.device } : {}),
    chat: (request, options) => tracedChat(model, request, options, start),
    // The wrapper owns nothing: whoever holds the model (a lease) disposes it.
    dispose: async () => {},
  };
}

async function* tracedChat(
  model: ChatModel,
  request: ChatRequest,
  options: Parameters<ChatModel['chat']>[1],
  start: (name: string, attributes: Attributes) => HearthSpan,
): AsyncGenerator<ChatEvent> {
  const span = start(`chat ${model.id}`, requestAttributes(model, request));
  const startedAt = performance.now();
  let firstTokenAt: number | undefined;
  const toolsCalled: string[] = [];
  let finished = false;
  try {
    for await (const event of model.chat(request, options)) {
      if ((event.type === 'text' || event.type === 'tool-call') && firstTokenAt === undefined) firstTokenAt = performance.now();
      if (event.type === 'tool-call') {
        toolsCalled.push(event.name);
        span.event('gen_ai.tool.call', { [attr.toolName]: event.name, [attr.toolCallId]: event.id, [attr.toolArguments]: jsonAttribute(event.input) });
      } else if (event.type === 'warning') {
        span.event('warning', { message: event.message, raw: event.raw });
      } else if (event.type === 'finish') {
        finished = true;
        // The model's own measure of the first token (the local worker's, from the request reaching it) when it has one.
        const ttftMs = event.usage.timeToFirstTokenMs > 0 ? event.usage.timeToFirstTokenMs : firstTokenAt !== undefined ? firstTokenAt - startedAt : undefined;
        span.set({
          [attr.inputTokens]: event.usage.promptTokens,
          [attr.outputTokens]: event.usage.completionTokens,
          [attr.cachedInputTokens]: event.usage.cachedPromptTokens,
          [attr.finishReasons]: [finishReasonNames[event.reason]],
          [attr.timeToFirstTokenMs]: ttftMs === undefined ? undefined : round(ttftMs),
          [attr.timeToFirstChunk]: ttftMs === undefined ? undefined : ttftMs / 1000,
          [attr.toolsCalled]: toolsCalled.length > 0 ? toolsCalled : undefined,
        });
      }
      yield event;
    }
  } catch (error) {
    span.fail(error);
    throw error;
  } finally {
    // A consumer that stopped reading before the finish (a break, a throw in its loop) left the reply unfinished.
    if (!finished) span.set({ [attr.finishReasons]: ['abandoned'] });
    span.set({ [attr.latencyMs]: round(performance.now() - startedAt) });
    span.end();
  }
}

function requestAttributes(model: ChatModel, request: ChatRequest): Attributes {
  return {
    [attr.operationName]: 'chat',
    [attr.requestModel]: model.id,
    [attr.llmDevice]: model.device,
    [attr.requestMaxTokens]: request.maxTokens,
    [attr.requestTemperature]: request.temperature,
    [attr.requestSeed]: request.seed,
    [attr.llmMessages]: request.messages.length,
    [attr.toolsOffered]: request.tools && request.tools.length > 0 ? request.tools.map((tool) => tool.name) : undefined,
    [attr.outputType]: request.responseFormat ? 'json' : 'text',
    [attr.sgrSchemaName]: request.responseFormat?.name,
    [attr.sgrSchema]: request.responseFormat ? jsonAttribute(request.responseFormat.schema) : undefined,
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;
