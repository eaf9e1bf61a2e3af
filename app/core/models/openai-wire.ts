/**
 * The OpenAI-compatible wire format, in one place: the request and response shapes Hearth sends to vLLM,
 * Ollama, llama-server or LM Studio — and that Hearth's team server will answer with — plus Server-Sent
 * Events framing. Only the fields Hearth uses are modelled; unknown fields pass through untouched.
 */
import { z } from 'zod';

export const WireChatMessage = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});

export const WireChatRequest = z.looseObject({
  model: z.string(),
  messages: z.array(WireChatMessage).min(1),
  stream: z.boolean().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).optional(),
  max_tokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(2).optional(),
  seed: z.number().int().optional(),
  stop: z.array(z.string()).optional(),
  response_format: z
    .union([
      z.object({ type: z.literal('text') }),
      z.object({ type: z.literal('json_object') }),
      z.object({
        type: z.literal('json_schema'),
        json_schema: z.object({ name: z.string(), schema: z.record(z.string(), z.unknown()), strict: z.boolean().optional() }),
      }),
    ])
    .optional(),
  /** vLLM's guided decoding (older servers): the schema the output must match. */
  guided_json: z.record(z.string(), z.unknown()).optional(),
});
export type WireChatRequest = z.infer<typeof WireChatRequest>;

export const WireUsage = z.looseObject({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
});

const WireFinishReason = z.string().nullable().optional();

export const WireChatCompletion = z.looseObject({
  choices: z
    .array(z.looseObject({ message: z.looseObject({ content: z.string().nullable() }), finish_reason: WireFinishReason }))
    .min(1),
  usage: WireUsage.optional(),
});
export type WireChatCompletion = z.infer<typeof WireChatCompletion>;

export const WireChatChunk = z.looseObject({
  choices: z.array(
    z.looseObject({
      delta: z.looseObject({ content: z.string().nullable().optional() }),
      finish_reason: WireFinishReason,
    }),
  ),
  usage: WireUsage.nullable().optional(),
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

export const WireError = z.looseObject({
  error: z.union([z.string(), z.looseObject({ message: z.string(), type: z.string().optional() })]),
});

/** Maps the wire's finish reasons onto Hearth's. */
export function finishReasonOf(reason: string | null | undefined): 'stop' | 'length' {
  return reason === 'length' ? 'length' : 'stop';
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
