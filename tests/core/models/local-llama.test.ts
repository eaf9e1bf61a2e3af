/**
 * The local LLM end to end: a real worker thread running node-llama-cpp on a tiny GGUF written by the
 * fixture — streaming, cancelling, JSON that matches a schema, tools through the grammar envelope, the
 * next turn of a conversation reusing the evaluated prompt, more chats than sequences, a crash and the
 * reload after it, and the clear refusals (not a GGUF, truncated, too large, a GPU that is not there).
 * What every ChatModel must do is in chat-model.contract.test.ts. Needs the worker built: npm run build:node.
 */
import { copyFile, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { getLlamaGpuTypes } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HearthError } from '../../../schemas/index.js';
import type { LocalModelSource } from '../../../app/core/models/library.js';
import { LocalLlamaChatModel } from '../../../app/core/models/local-llama.js';
import { completeChat, type ChatEvent, type ChatMessage, type ChatRequest } from '../../../app/core/models/types.js';
import { writeTinyLlama } from '../../fixtures/models/tiny-llama.js';
import { QWEN_TOOL_TEMPLATE } from '../../fixtures/models/tool-templates.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';

/** Whether node-llama-cpp can use CUDA here; decided before the tests, so a test that cannot run is skipped, not passed. */
const cudaAvailable = (await getLlamaGpuTypes('supported')).includes('cuda');

const hello: ChatRequest = { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello to the world.' }] };

const planSchema = {
  type: 'object',
  properties: {
    // Bounded strings and arrays, numbers only as enums: random weights would otherwise write forever
    // (see tiny-llama.probe.test.ts).
    title: { type: 'string', maxLength: 16 },
    status: { enum: ['draft', 'active', 'done'] },
    owner: {
      type: 'object',
      properties: { name: { type: 'string', maxLength: 10 }, team: { enum: ['ops', 'legal', 'sales'] } },
      required: ['name', 'team'],
    },
    milestones: {
      type: 'array',
      maxItems: 3,
      items: {
        type: 'object',
        properties: { label: { type: 'string', maxLength: 8 }, week: { enum: [1, 2, 3, 4] }, blocked: { type: 'boolean' } },
        required: ['label', 'week', 'blocked'],
      },
    },
  },
  // Every key is asked for: the grammar writes required keys always, optional ones only when it chooses.
  required: ['title', 'status', 'owner', 'milestones'],
} as const;

/** maxLength counts code points, as the grammar does (zod's .max() counts UTF-16 units). */
const codePoints = (max: number) => z.string().refine((s) => [...s].length <= max, `at most ${max} code points`);

const Plan = z.strictObject({
  title: codePoints(16),
  status: z.enum(['draft', 'active', 'done']),
  owner: z.strictObject({ name: codePoints(10), team: z.enum(['ops', 'legal', 'sales']) }),
  milestones: z
    .array(z.strictObject({ label: codePoints(8), week: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]), blocked: z.boolean() }))
    .max(3),
});

const noteTool = {
  name: 'add_note',
  description: 'Adds a note to the list.',
  inputSchema: { type: 'object', properties: { text: { type: 'string', maxLength: 12 }, urgent: { type: 'boolean' } }, required: ['text', 'urgent'] },
};
const NoteInput = z.strictObject({ text: codePoints(12), urgent: z.boolean() });

const localSource = (file: string): LocalModelSource => ({ kind: 'local', path: path.basename(file), absolutePath: file, format: 'gguf' });

async function loadFailure(source: LocalModelSource, options: Parameters<typeof LocalLlamaChatModel.load>[1] = {}): Promise<HearthError> {
  const error = await LocalLlamaChatModel.load(source, { threads: 1, ...options }).then(
    async (model) => {
      await model.dispose();
      throw new Error('the model loaded');
    },
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(HearthError);
  return error as HearthError;
}

describe('LocalLlamaChatModel', () => {
  let cleanup: () => Promise<void>;
  let dir: string;
  let modelFile: string;
  let model: LocalLlamaChatModel;
  const crashes: HearthError[] = [];

  beforeAll(async () => {
    const temp = await makeTempDir('hearth-local-llama-');
    cleanup = temp.cleanup;
    dir = temp.dir;
    modelFile = path.join(dir, 'tiny-llama.gguf');
    await writeTinyLlama(modelFile, { seed: 7 });
    // Two sequences, so four concurrent chats must queue.
    model = await LocalLlamaChatModel.load(localSource(modelFile), { threads: 1, sequences: 2, onCrash: (error) => crashes.push(error) });
  });

  afterAll(async () => {
    await model?.dispose();
    await cleanup?.();
  });

  it('loads on the device it reports, with the GGUF chat template', async () => {
    const info = await model.info();
    // ChatML has no tool format of its own, so tools go through the grammar envelope.
    expect(info).toMatchObject({ device: 'cpu', threads: 1, sequences: 2, contextSize: 2048, chatTemplate: 'ChatML', toolCalling: 'grammar', reusePrefix: true });
    expect(info.model.architecture).toBe('llama');
    expect(info.memory.ramBytes).toBeGreaterThan(info.model.sizeBytes);
    expect(model.device).toBe('cpu');
  });

  it('streams a reply in several pieces and ends with the usage', async () => {
    const events: ChatEvent[] = [];
    for await (const event of model.chat({ ...hello, maxTokens: 400 })) events.push(event);
    const deltas = events.flatMap((event) => (event.type === 'text' ? [event.text] : []));
    // The worker joins what arrives within 33 ms, so a few hundred tokens come in several deltas, not 400.
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.length).toBeLessThan(400);
    expect(deltas.join('').length).toBeGreaterThan(400);
    const last = events.at(-1);
    expect(last).toEqual({
      type: 'finish',
      reason: 'length',
      usage: { promptTokens: expect.any(Number), completionTokens: 400, timeToFirstTokenMs: expect.any(Number), cachedPromptTokens: expect.any(Number) },
    });
    // "<s><|im_start|>system\nBe brief.<|im_end|>\n…<|im_start|>assistant\n", counted by the model's tokenizer.
    expect(last?.type === 'finish' && last.usage.promptTokens).toBeGreaterThan(10);
    expect(events.filter((event) => event.type === 'finish')).toHaveLength(1);
  });

  it('stops at once when cancelled, and serves the next request', async () => {
    const controller = new AbortController();
    const events: ChatEvent[] = [];
    let abortedAt = 0;
    for await (const event of model.chat({ ...hello, maxTokens: 1500 }, { signal: controller.signal })) {
      events.push(event);
      if (events.length === 1) {
        abortedAt = performance.now();
        controller.abort();
      }
    }
    const stoppedAfter = performance.now() - abortedAt;
    const done = events.at(-1);
    expect(done?.type === 'finish' && done.reason).toBe('cancelled');
    // The first text leaves the worker as soon as it is decoded; the worker checks the signal every token.
    expect(done?.type === 'finish' && done.usage.completionTokens).toBeLessThan(50);
    expect(stoppedAfter).toBeLessThan(500);

    const next = await completeChat(model, { ...hello, maxTokens: 8 });
    expect(next).toMatchObject({ finishReason: 'length', usage: { completionTokens: 8 } });
  });

  it('stops at a stop string, leaving it out of the reply', async () => {
    // Greedy decoding on a fresh sequence repeats itself exactly, so a stretch of one reply can stop the next.
    const full = await completeChat(model, { ...hello, maxTokens: 40 });
    const stop = full.text.slice(20, 24);
    const cut = await completeChat(model, { ...hello, maxTokens: 40, stop: [stop] });
    expect(cut.finishReason).toBe('stop');
    expect(cut.text).toBe(full.text.slice(0, full.text.indexOf(stop)));
  });

  it('reports an already-cancelled request as cancelled without decoding', async () => {
    const reply = await completeChat(model, { ...hello, maxTokens: 8 }, { signal: AbortSignal.abort() });
    expect(reply).toMatchObject({ text: '', finishReason: 'cancelled', usage: { promptTokens: 0, completionTokens: 0 } });
  });

  it('writes JSON that matches the schema, 20 times out of 20', async () => {
    for (let seed = 0; seed < 20; seed++) {
      const reply = await completeChat(model, {
        messages: [{ role: 'user', content: 'Plan the launch as JSON.' }],
        responseFormat: { schema: planSchema },
        // Greedy decoding with random weights loops inside the grammar; sampling does not.
        temperature: 0.8,
        seed,
        maxTokens: 400,
      });
      expect(reply.finishReason, `seed ${seed}: ${reply.text}`).toBe('stop');
      expect(reply.warnings).toEqual([]);
      const parsed: unknown = JSON.parse(reply.text);
      expect(Plan.parse(parsed), `seed ${seed}`).toEqual(parsed);
    }
  });

  it('evaluates only what is new when a conversation comes back for its next turn', async () => {
    // The passages and instructions of a question, as answers and agents send them every turn.
    const context: ChatMessage = { role: 'system', content: `Answer from these passages.\n${'The refund window is thirty days. '.repeat(30)}` };
    const first = await completeChat(model, { messages: [context, { role: 'user', content: 'How long is the refund window?' }], maxTokens: 12 });
    const second = await completeChat(model, {
      messages: [context, { role: 'user', content: 'How long is the refund window?' }, { role: 'assistant', content: first.text }, { role: 'user', content: 'And for hotels?' }],
      maxTokens: 12,
    });
    // The whole first prompt (and part of the reply) was still evaluated in its sequence.
    expect(second.usage.cachedPromptTokens).toBeGreaterThanOrEqual(first.usage.promptTokens);
    expect(second.usage.cachedPromptTokens).toBeLessThan(second.usage.promptTokens);

    const fresh = await LocalLlamaChatModel.load(localSource(modelFile), { threads: 1, sequences: 1, reusePrefix: false });
    try {
      expect(await fresh.info()).toMatchObject({ reusePrefix: false });
      const again = await completeChat(fresh, { messages: [context, { role: 'user', content: 'How long is the refund window?' }], maxTokens: 12 });
      const repeat = await completeChat(fresh, { messages: [context, { role: 'user', content: 'How long is the refund window?' }], maxTokens: 12 });
      expect([again.usage.cachedPromptTokens, repeat.usage.cachedPromptTokens]).toEqual([0, 0]);
      // Reuse changes what is evaluated, not what is written.
      expect(repeat.text).toBe(first.text);
    } finally {
      await fresh.dispose();
    }
  });

  it('gives two interleaved conversations each back the sequence that holds it', async () => {
    const conversation = (topic: string) => [
      { role: 'system' as const, content: `You help with ${topic}. ${`Notes on ${topic}. `.repeat(40)}` },
      { role: 'user' as const, content: `Tell me about ${topic}.` },
    ];
    const travel = conversation('travel');
    const payroll = conversation('payroll');
    const [travel1, payroll1] = [await completeChat(model, { messages: travel, maxTokens: 8 }), await completeChat(model, { messages: payroll, maxTokens: 8 })];
    const next = (messages: ChatMessage[], reply: string) => [...messages, { role: 'assistant' as const, content: reply }, { role: 'user' as const, content: 'Go on.' }];
    const travel2 = await completeChat(model, { messages: next(travel, travel1.text), maxTokens: 8 });
    const payroll2 = await completeChat(model, { messages: next(payroll, payroll1.text), maxTokens: 8 });
    expect(travel2.usage.cachedPromptTokens).toBeGreaterThanOrEqual(travel1.usage.promptTokens);
    expect(payroll2.usage.cachedPromptTokens).toBeGreaterThanOrEqual(payroll1.usage.promptTokens);
  });

  it('releases the sequence by the time a consumer that stopped reading has left the loop', async () => {
    for await (const event of model.chat({ ...hello, maxTokens: 1500 })) {
      if (event.type === 'text') break;
    }
    expect(await model.activity()).toEqual({ decoding: 0, waiting: 0 });
  });

  it('lets the model answer in text or call a tool when the choice is its own, through the grammar envelope', async () => {
    for (let seed = 0; seed < 4; seed++) {
      const reply = await completeChat(model, { ...hello, tools: [noteTool], maxTokens: 60, temperature: 0.8, seed });
      if (reply.toolCalls.length === 0) {
        expect(['stop', 'length']).toContain(reply.finishReason);
        expect(reply.text.length, `seed ${seed}`).toBeGreaterThan(0);
      } else {
        expect(reply.finishReason).toBe('tool-calls');
        expect(reply.toolCalls).toHaveLength(1);
        expect(NoteInput.parse(reply.toolCalls[0]!.input)).toEqual(reply.toolCalls[0]!.input);
      }
      expect(reply.warnings).toEqual([]);
    }
  });

  it('calls one of the tools when a call is required', async () => {
    const reply = await completeChat(model, { ...hello, tools: [noteTool, { name: 'clear_notes', inputSchema: { type: 'object', properties: {} } }], toolChoice: 'required', maxTokens: 80, temperature: 0.8, seed: 3 });
    expect(reply.finishReason).toBe('tool-calls');
    expect(reply.toolCalls.map((call) => call.name)).toEqual([expect.stringMatching(/^(add_note|clear_notes)$/)]);
  });

  it('enforces a schema made by zod, nullable fields and all, and names the constraints a grammar cannot hold', async () => {
    const Reply = z.object({ title: z.string().max(12), note: z.string().max(8).nullable(), priority: z.enum(['low', 'high']) });
    const zodSchema = z.toJSONSchema(Reply) as Record<string, unknown>;
    const held = await completeChat(model, { messages: [{ role: 'user', content: 'Reply as JSON.' }], responseFormat: { schema: zodSchema }, maxTokens: 120, temperature: 0.8, seed: 4 });
    expect(held.warnings).toEqual([]);
    expect(Reply.parse(JSON.parse(held.text))).toEqual(JSON.parse(held.text));

    const loose = await completeChat(model, {
      messages: [{ role: 'user', content: 'Reply as JSON.' }],
      responseFormat: { schema: { type: 'object', properties: { code: { type: 'string', maxLength: 6, pattern: '^[A-Z]+[0-9]?$' }, count: { enum: [1, 2] } } } },
      maxTokens: 120,
      temperature: 0.8,
      seed: 4,
    });
    expect(loose.warnings).toEqual([
      "The local model's grammar cannot enforce maxLength at /properties/code in the response format; the output may break those rules, so validate it.",
    ]);
    // The pattern itself is held (core/sgr compiles it); only its length beside it is left to validation.
    const code = (JSON.parse(loose.text) as { code?: string }).code;
    expect(code === undefined || /^[A-Z]+[0-9]?$/.test(code), loose.text).toBe(true);
  });

  it("calls tools in the template's own format when it has one, and still by grammar when a call is required", async () => {
    const file = path.join(dir, 'tiny-qwen.gguf');
    await writeTinyLlama(file, { seed: 7, chatTemplate: QWEN_TOOL_TEMPLATE });
    const native = await LocalLlamaChatModel.load(localSource(file), { threads: 1, sequences: 1 });
    try {
      expect(await native.info()).toMatchObject({ chatTemplate: 'JinjaTemplate', toolCalling: 'native' });
      const question: ChatMessage[] = [{ role: 'user', content: 'Add a note.' }];
      // The model's own choice: node-llama-cpp's function calling, which random weights rarely use.
      const free = await completeChat(native, { messages: question, tools: [noteTool], maxTokens: 40, temperature: 0.8, seed: 1 });
      expect(['stop', 'length', 'tool-calls']).toContain(free.finishReason);
      // An earlier call and its result are written in the template's <tool_call> / <tool_response> form.
      const after = await completeChat(native, {
        messages: [...question, { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'add_note', input: { text: 'milk', urgent: false } }] }, { role: 'tool', toolCallId: 'call_1', toolName: 'add_note', content: '{"ok":true}' }],
        tools: [noteTool],
        maxTokens: 16,
      });
      expect(after.usage.promptTokens).toBeGreaterThan(free.usage.promptTokens);
      expect(['stop', 'length', 'tool-calls']).toContain(after.finishReason);
      const named = await completeChat(native, { messages: question, tools: [noteTool], toolChoice: { tool: 'add_note' }, maxTokens: 60, temperature: 0.8, seed: 1 });
      expect(named.finishReason).toBe('tool-calls');
      expect(NoteInput.parse(named.toolCalls[0]!.input)).toEqual(named.toolCalls[0]!.input);
    } finally {
      await native.dispose();
    }
  });

  it('finishes four concurrent chats on two sequences, the later two waiting their turn in order', async () => {
    let clock = 0;
    const run = async () => {
      let firstDelta = -1;
      let done = -1;
      let text = '';
      for await (const event of model.chat({ ...hello, maxTokens: 24 })) {
        clock++;
        if (event.type === 'text') {
          if (firstDelta < 0) firstDelta = clock;
          text += event.text;
        } else {
          done = clock;
          expect(event).toMatchObject({ type: 'finish', reason: 'length', usage: { completionTokens: 24 } });
        }
      }
      return { firstDelta, done, text };
    };
    const [a, b, c, d] = await Promise.all([run(), run(), run(), run()]);
    // Same prompt, greedy decoding, a fresh sequence each time: the same reply.
    expect(new Set([a!.text, b!.text, c!.text, d!.text]).size).toBe(1);
    const [firstFreed, secondFreed] = [a!.done, b!.done].sort((x, y) => x - y);
    expect(c!.firstDelta).toBeGreaterThan(firstFreed!);
    expect(d!.firstDelta).toBeGreaterThan(secondFreed!);
  });

  it('lets a chat that is waiting for a sequence be cancelled without decoding', async () => {
    const busy = new AbortController();
    const running = [completeChat(model, { ...hello, maxTokens: 1500 }, { signal: busy.signal }), completeChat(model, { ...hello, maxTokens: 1500 }, { signal: busy.signal })];
    const waiting = new AbortController();
    const queued = completeChat(model, { ...hello, maxTokens: 8 }, { signal: waiting.signal });
    setTimeout(() => waiting.abort(), 50);
    expect(await queued).toMatchObject({ text: '', finishReason: 'cancelled', usage: { promptTokens: 0, completionTokens: 0 } });
    busy.abort();
    for (const reply of await Promise.all(running)) expect(reply.finishReason).toBe('cancelled');
  });

  it('fails the request in flight with MODEL_CRASHED when the worker dies, then reloads the model', async () => {
    const startsBefore = model.workerStarts;
    let killed = false;
    const failure = await (async () => {
      for await (const event of model.chat({ ...hello, maxTokens: 1500 })) {
        if (event.type === 'text' && !killed) {
          killed = true;
          await model.kill();
        }
      }
    })().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(HearthError);
    expect((failure as HearthError).code).toBe('MODEL_CRASHED');
    expect(crashes.map((error) => error.code)).toEqual(['MODEL_CRASHED']);

    const reply = await completeChat(model, { ...hello, maxTokens: 8 });
    expect(reply).toMatchObject({ finishReason: 'length', usage: { completionTokens: 8 } });
    expect(model.workerStarts).toBe(startsBefore + 1);
  });

  it('ends a streaming chat as cancelled when its model is disposed', async () => {
    // The runtime disposes the old model when the user picks another, possibly mid-reply.
    const other = await LocalLlamaChatModel.load(localSource(modelFile), { threads: 1, sequences: 1 });
    const events: ChatEvent[] = [];
    let disposing: Promise<void> | undefined;
    for await (const event of other.chat({ ...hello, maxTokens: 1500 })) {
      events.push(event);
      disposing ??= other.dispose();
    }
    await disposing;
    expect(events.at(-1)).toMatchObject({ type: 'finish', reason: 'cancelled' });
  });

  it('refuses a file that is not a GGUF, with MODEL_INVALID', async () => {
    const file = path.join(dir, 'report.gguf');
    await writeFile(file, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(4096, 7)])); // a zip renamed .gguf
    const error = await loadFailure(localSource(file));
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toContain('is not a GGUF file');
  });

  it('refuses a truncated GGUF, with MODEL_INVALID', async () => {
    const file = path.join(dir, 'half.gguf');
    await copyFile(modelFile, file);
    const handle = await open(file, 'r+');
    const { size } = await handle.stat();
    await handle.truncate(Math.floor(size / 2));
    await handle.close();
    const error = await loadFailure(localSource(file));
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toMatch(/is truncated: its tensors need \d+ bytes but the file has \d+/);
  });

  it('refuses a model and context that do not fit in memory, with MODEL_TOO_LARGE and figures', async () => {
    // 500M tokens × 4 sequences of KV cache is ~0.5 TB for this model: more than any test machine has
    // free, measured against the machine's real free memory by the same check every load runs.
    const error = await loadFailure(localSource(modelFile), { contextSize: 500_000_000, sequences: 4 });
    expect(error.code).toBe('MODEL_TOO_LARGE');
    expect(error.message).toMatch(/needs at least [\d.]+ GB of RAM .*, [\d.]+ GB free/);
    expect(error.message).toContain('max_context');
  });

  // On a machine with CUDA (and on macOS, where Metal stands in) there is nothing to refuse: skipped, and said so.
  it.skipIf(process.platform === 'darwin' || cudaAvailable)('says so when an explicitly chosen GPU backend is not available', async () => {
    const error = await loadFailure({ ...localSource(modelFile), gpu: 'cuda' });
    expect(error.code).toBe('MODEL_CONFIG_INVALID');
    expect(error.message).toContain('gpu = "cuda" was asked for, but CUDA cannot be used on this machine');
  });
});
