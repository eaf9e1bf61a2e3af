/**
 * The ChatModel contract, as one suite every implementation runs (tests/core/models/chat-model.contract.test.ts):
 * a streamed reply that ends with its usage; a tool call round trip (a named tool is called with input
 * that matches its schema, and the result sent back gets a plain reply); JSON that matches a response
 * format; and the cancellation rule — a signal ends the stream as `cancelled` and stops the work, a
 * consumer that stops reading releases it, and the model serves the next request either way.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { completeChat, type ChatEvent, type ChatModel, type ChatRequest, type ChatTool } from '../../../app/core/models/index.js';

export interface ContractSubject {
  model: ChatModel;
  /** Generations running or waiting where the model computes (the worker, or the server's model). */
  busy(): Promise<number> | number;
}

/** maxLength counts code points, as the grammar does (zod's .max() counts UTF-16 units). */
const codePoints = (max: number) => z.string().refine((s) => [...s].length <= max, `at most ${max} code points`);

// Bounded strings, enums instead of free numbers: random weights would otherwise write forever
// (tests/fixtures/models/tiny-llama.probe.test.ts).
export const weatherTool: ChatTool = {
  name: 'lookup_weather',
  description: 'Finds the weather in a city today.',
  inputSchema: {
    type: 'object',
    properties: {
      city: { type: 'string', maxLength: 12, description: 'The city, as the user named it' },
      unit: { enum: ['celsius', 'fahrenheit'] },
    },
    required: ['city', 'unit'],
    additionalProperties: false,
  },
};
export const WeatherInput = z.strictObject({ city: codePoints(12), unit: z.enum(['celsius', 'fahrenheit']) });

export const noteFormat = {
  type: 'object',
  properties: {
    title: { type: 'string', maxLength: 16, description: 'A short title for the note' },
    mood: { enum: ['calm', 'busy', 'odd'], description: 'How the day felt' },
    tags: { type: 'array', items: { type: 'string', maxLength: 6 }, maxItems: 3 },
    done: { type: 'boolean' },
  },
  required: ['title', 'mood', 'tags', 'done'],
  // Closed, as Note below is strict: an open object lets random weights add keys until the token limit.
  additionalProperties: false,
};
export const Note = z.strictObject({ title: codePoints(16), mood: z.enum(['calm', 'busy', 'odd']), tags: z.array(codePoints(6)).max(3), done: z.boolean() });

const question: ChatRequest['messages'] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'What is the weather in Oslo today?' },
];
const weatherResult = JSON.stringify({ temperature: 21, sky: 'clear' });
/** Long enough that it is still running when the test stops it. */
const longReply = 1500;

async function collect(stream: AsyncIterable<ChatEvent>): Promise<ChatEvent[]> {
  const events: ChatEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

function finishOf(events: ChatEvent[]) {
  const last = events.at(-1);
  expect(last?.type, 'the stream ends with a finish event').toBe('finish');
  expect(events.filter((event) => event.type === 'finish')).toHaveLength(1);
  return last as Extract<ChatEvent, { type: 'finish' }>;
}

export function chatModelContract(name: string, subject: () => ContractSubject): void {
  describe(`${name} keeps the ChatModel contract`, () => {
    it('streams the reply as text and ends with one finish carrying the usage', async () => {
      const { model } = subject();
      const started = performance.now();
      const events = await collect(model.chat({ messages: question, maxTokens: 24, seed: 1 }));
      const elapsed = performance.now() - started;
      const finish = finishOf(events);
      const texts = events.filter((event) => event.type === 'text');
      expect(texts.length).toBeGreaterThan(0);
      expect(events.slice(0, -1).every((event) => event.type === 'text')).toBe(true);
      expect(['stop', 'length']).toContain(finish.reason);
      expect(finish.usage.promptTokens).toBeGreaterThan(0);
      expect(finish.usage.completionTokens).toBeGreaterThan(0);
      expect(finish.usage.completionTokens).toBeLessThanOrEqual(24);
      expect(finish.usage.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
      expect(finish.usage.timeToFirstTokenMs).toBeLessThanOrEqual(elapsed);
    });

    it('calls the tool it is told to, with input that matches its schema, and answers once given the result', async () => {
      const { model } = subject();
      const ask: ChatRequest = { messages: question, tools: [weatherTool], toolChoice: { tool: weatherTool.name }, maxTokens: 120, temperature: 0.8, seed: 5 };
      const events = await collect(model.chat(ask));
      expect(finishOf(events).reason).toBe('tool-calls');
      const calls = events.flatMap((event) => (event.type === 'tool-call' ? [event] : []));
      expect(calls).toHaveLength(1);
      const call = calls[0]!;
      expect(call.name).toBe(weatherTool.name);
      expect(call.id).not.toBe('');
      expect(WeatherInput.parse(call.input)).toEqual(call.input);
      expect(events.filter((event) => event.type === 'warning')).toEqual([]);

      const said = events.flatMap((event) => (event.type === 'text' ? [event.text] : [])).join('');
      const answer = await completeChat(model, {
        messages: [
          ...question,
          { role: 'assistant', content: said, toolCalls: [{ id: call.id, name: call.name, input: call.input }] },
          { role: 'tool', toolCallId: call.id, toolName: call.name, content: weatherResult },
        ],
        tools: [weatherTool],
        toolChoice: 'none',
        maxTokens: 24,
        seed: 1,
      });
      expect(['stop', 'length']).toContain(answer.finishReason);
      expect(answer.toolCalls).toEqual([]);
      expect(answer.text.length).toBeGreaterThan(0);
    });

    it('writes JSON that matches the response format', async () => {
      const { model } = subject();
      const reply = await completeChat(model, {
        messages: [{ role: 'user', content: 'Write a note about today as JSON.' }],
        responseFormat: { schema: noteFormat, name: 'note' },
        maxTokens: 200,
        // Greedy decoding with random weights loops inside the grammar; sampling does not.
        temperature: 0.8,
        seed: 2,
      });
      expect(reply.finishReason, reply.text).toBe('stop');
      expect(reply.warnings).toEqual([]);
      const parsed: unknown = JSON.parse(reply.text);
      expect(Note.parse(parsed)).toEqual(parsed);
    });

    it('ends as cancelled when the signal is aborted mid-stream, stops the work, and serves the next request', async () => {
      const { model, busy } = subject();
      const controller = new AbortController();
      const events: ChatEvent[] = [];
      for await (const event of model.chat({ messages: question, maxTokens: longReply }, { signal: controller.signal })) {
        events.push(event);
        if (event.type === 'text') controller.abort();
      }
      const finish = finishOf(events);
      expect(finish.reason).toBe('cancelled');
      expect(finish.usage.completionTokens).toBeLessThan(longReply);
      await expect.poll(() => busy(), { timeout: 5_000 }).toBe(0);

      const next = await completeChat(model, { messages: question, maxTokens: 8 });
      expect(['stop', 'length']).toContain(next.finishReason);
    });

    it('reports a request cancelled before it started as cancelled, with nothing written', async () => {
      const { model } = subject();
      const reply = await completeChat(model, { messages: question, maxTokens: 8 }, { signal: AbortSignal.abort() });
      expect(reply).toMatchObject({ text: '', toolCalls: [], finishReason: 'cancelled' });
    });

    it('releases the work when the consumer stops reading, and serves the next request', async () => {
      const { model, busy } = subject();
      for await (const event of model.chat({ messages: question, maxTokens: longReply })) {
        if (event.type === 'text') break;
      }
      await expect.poll(() => busy(), { timeout: 5_000 }).toBe(0);
      const next = await completeChat(model, { messages: question, maxTokens: 8 });
      expect(['stop', 'length']).toContain(next.finishReason);
    });

    it('refuses a tool choice that names a tool it was not offered, with BAD_REQUEST', async () => {
      const { model } = subject();
      await expect(completeChat(model, { messages: question, tools: [weatherTool], toolChoice: { tool: 'send_email' } })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: 'The tool choice names "send_email", but the tools offered are lookup_weather.',
      });
    });
  });
}
