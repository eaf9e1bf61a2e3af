/**
 * The OpenAI-compatible wire format, in one place: the request and response shapes Hearth sends to vLLM,
 * Ollama, llama-server or LM Studio — and that Hearth's team server answers with — tools and tool calls
 * included, plus Server-Sent Events framing. Only the fields Hearth uses are modelled; unknown fields pass
 * through untouched, and the optional ones accept `null`, as the OpenAI SDKs send them.
 */
import { z } from 'zod';

/** Message content: a string, or (newer clients) a list of parts, of which Hearth reads the text ones. */
const WireContent = z.union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() }))]);

export const WireToolCall = z.looseObject({
  id: z.string(),
  type: z.literal('function').optional(),
  /** `arguments` is JSON text, as the model wrote it. */
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});
export type WireToolCall = z.infer<typeof WireToolCall>;

export const WireChatMessage = z.discriminatedUnion('role', [
  z.looseObject({ role: z.enum(['system', 'developer']), content: WireContent }),
  z.looseObject({ role: z.literal('user'), content: WireContent }),
  z.looseObject({ role: z.literal('assistant'), content: WireContent.nullable().optional(), tool_calls: z.array(WireToolCall).optional() }),
  z.looseObject({ role: z.literal('tool'), tool_call_id: z.string(), content: WireContent, name: z.string().optional() }),
]);
export type WireChatMessage = z.infer<typeof WireChatMessage>;

export const WireTool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});
export type WireTool = z.infer<typeof WireTool>;

export const WireToolChoice = z.union([
  z.enum(['auto', 'none', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
]);
export type WireToolChoice = z.infer<typeof WireToolChoice>;

export const WireChatRequest = z.looseObject({
  model: z.string(),
  messages: z.array(WireChatMessage).min(1),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  max_tokens: z.number().int().positive().nullable().optional(),
  /** The newer name of max_tokens. */
  max_completion_tokens: z.number().int().positive().nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  stop: z.union([z.string(), z.array(z.string())]).nullable().optional(),
  tools: z.array(WireTool).optional(),
  tool_choice: WireToolChoice.optional(),
  response_format: z
    .union([
      z.looseObject({ type: z.literal('text') }),
      z.looseObject({ type: z.literal('json_object') }),
      z.looseObject({
        type: z.literal('json_schema'),
        json_schema: z.looseObject({ name: z.string(), schema: z.record(z.string(), z.unknown()).optional(), strict: z.boolean().nullable().optional() }),
      }),
    ])
    .optional(),
  /** vLLM's structured outputs (its current field): `json` is the schema the output must match. */
  structured_outputs: z.looseObject({ json: z.record(z.string(), z.unknown()).optional() }).nullable().optional(),
  /** vLLM's guided decoding (servers before v0.12): the schema the output must match. */
  guided_json: z.record(z.string(), z.unknown()).optional(),
});
export type WireChatRequest = z.infer<typeof WireChatRequest>;

export const WireUsage = z.looseObject({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative().optional(),
  prompt_tokens_details: z.looseObject({ cached_tokens: z.number().int().nonnegative().optional() }).nullable().optional(),
});
export type WireUsage = z.infer<typeof WireUsage>;

const WireFinishReason = z.string().nullable().optional();

/**
 * Warnings a Hearth server passes on from its model (a schema its grammar cannot fully enforce, a tool
 * call whose arguments were not JSON). Not part of OpenAI's format: other clients ignore the field.
 */
export const WireWarnings = z.array(z.looseObject({ message: z.string(), raw: z.string().optional() })).optional();

export const WireChatCompletion = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        message: z.looseObject({ content: z.string().nullable().optional(), tool_calls: z.array(WireToolCall).nullable().optional() }),
        finish_reason: WireFinishReason,
      }),
    )
    .min(1),
  usage: WireUsage.nullable().optional(),
  hearth_warnings: WireWarnings,
});
export type WireChatCompletion = z.infer<typeof WireChatCompletion>;

/** A streamed piece of a tool call: the first names it (id, name), later ones add to its arguments. */
export const WireToolCallDelta = z.looseObject({
  index: z.number().int().nonnegative(),
  id: z.string().nullable().optional(),
  type: z.literal('function').nullable().optional(),
  function: z.looseObject({ name: z.string().nullable().optional(), arguments: z.string().nullable().optional() }).nullable().optional(),
});

export const WireChatChunk = z.looseObject({
  choices: z.array(
    z.looseObject({
      delta: z.looseObject({
        role: z.string().nullable().optional(),
        content: z.string().nullable().optional(),
        tool_calls: z.array(WireToolCallDelta).nullable().optional(),
      }),
      finish_reason: WireFinishReason,
    }),
  ),
  usage: WireUsage.nullable().optional(),
  hearth_warnings: WireWarnings,
});
export type WireChatChunk = z.infer<typeof WireChatChunk>;

export const WireEmbeddingRequest = z.looseObject({
  model: z.string(),
  input: z.union([z.string(), z.array(z.string())]),
  encoding_format: z.literal('float').optional(),
});
export type WireEmbeddingRequest = z.infer<typeof WireEmbeddingRequest>;

export const WireEmbeddingResponse = z.looseObject({
  data: z.array(z.looseObject({ index: z.number().int().nonnegative(), embedding: z.array(z.number()) })),
});
export type WireEmbeddingResponse = z.infer<typeof WireEmbeddingResponse>;

/** `/rerank` as vLLM, llama-server and Jina/Cohere-style servers offer it. */
export const WireRerankRequest = z.looseObject({
  model: z.string(),
  query: z.string(),
  documents: z.array(z.string()),
  top_n: z.number().int().positive().optional(),
});
export type WireRerankRequest = z.infer<typeof WireRerankRequest>;

export const WireRerankResponse = z.looseObject({
  results: z.array(z.looseObject({ index: z.number().int().nonnegative(), relevance_score: z.number() })),
});
export type WireRerankResponse = z.infer<typeof WireRerankResponse>;

/**
 * An error body, or an error event ending a stream. Hearth adds, for output that never matched its schema
 * (`code: output_invalid`), the errors as "/pointer: message" and the output itself (`raw`).
 */
export const WireError = z.looseObject({
  error: z.union([
    z.string(),
    z.looseObject({
      message: z.string(),
      type: z.string().nullable().optional(),
      code: z.string().nullable().optional(),
      param: z.string().nullable().optional(),
      errors: z.array(z.string()).optional(),
      raw: z.string().optional(),
    }),
  ]),
});
export type WireError = z.infer<typeof WireError>;

/** Maps the wire's finish reasons onto Hearth's (`function_call` is the pre-tools name of a call). */
export function finishReasonOf(reason: string | null | undefined): 'stop' | 'length' | 'tool-calls' {
  if (reason === 'length') return 'length';
  if (reason === 'tool_calls' || reason === 'function_call') return 'tool-calls';
  return 'stop';
}

/** Hearth's finish reasons on the wire; a cancelled reply (the client went away) ends as `stop`. */
export function wireFinishReason(reason: 'stop' | 'length' | 'tool-calls' | 'cancelled'): 'stop' | 'length' | 'tool_calls' {
  if (reason === 'length') return 'length';
  if (reason === 'tool-calls') return 'tool_calls';
  return 'stop';
}

/** The text of message content, whichever form it came in. */
export function wireText(content: z.infer<typeof WireContent> | null | undefined): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => part.text ?? '').join('');
}

/** One SSE event carrying JSON (or the `[DONE]` sentinel). */
export function serializeSseData(data: unknown | '[DONE]'): string {
  return `data: ${data === '[DONE]' ? data : JSON.stringify(data)}\n\n`;
}

/**
 * Splits a byte stream into SSE `data:` payloads. Multi-line data fields are joined with "\n" as the
 * SSE specification says; comments and other fields are ignored.
 */
export async function* readSseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  const flushLine = function* (line: string): Generator<string> {
    if (line === '') {
      if (data.length > 0) yield data.join('\n');
      data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== 'data') return;
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    data.push(value);
  };
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value: chunk } = await reader.read();
      if (done) break;
      buffer += decoder.decode(chunk, { stream: true });
      let newline;
      while ((newline = buffer.search(/\r\n|\r|\n/)) !== -1) {
        // A CR that ends this chunk may be half of a CRLF split across chunks: wait for the next one.
        if (newline === buffer.length - 1 && buffer.endsWith('\r')) break;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        yield* flushLine(line);
      }
    }
  } finally {
    // A reader that stops early (break, cancel) must let the connection go.
    reader.cancel().catch(() => undefined);
  }
  buffer += decoder.decode();
  if (buffer) yield* flushLine(buffer);
  yield* flushLine('');
}
