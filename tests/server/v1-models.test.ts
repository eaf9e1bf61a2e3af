/**
 * A Hearth's own models over /v1, as a team server serves them (app/server/v1-models.ts), judged by the
 * official `openai` client: the active model of each kind listed by its alias, an embedding from the built-in
 * hash embedder, a short completion whole and streamed from the tiny GGUF in its worker, a wrong name told
 * what is served — and every request's lease returned when it ends, a client that hangs up mid-stream
 * included. Needs the worker built: npm run build:node.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHearth, type Hearth } from '../../app/core/index.js';
import type { Lease } from '../../app/core/lifecycle.js';
import { liveWorkerThreads } from '../../app/core/threads/index.js';
import { handleOpenAIRequest, type OpenAIModels } from '../../app/server/openai-api.js';
import { runtimeModels } from '../../app/server/v1-models.js';
import { writeTinyLlama } from '../fixtures/models/tiny-llama.js';
import { makeTempDir } from '../fixtures/temp-dir.js';

/** A model worker starting on a busy 2-core machine may take seconds. */
const waitLong = { timeout: 30_000, interval: 20 };

let cleanup: (() => Promise<void>) | undefined;
let hearth: Hearth | undefined;
let server: http.Server;
let client: OpenAI;
/** Leases taken and not yet returned, across every request. */
let outstanding = 0;

/** `models`, counting the leases its lookups hand out and the ones returned. */
function counted(models: OpenAIModels): OpenAIModels {
  const count =
    <T>(lookup: (name: string) => Promise<Lease<T> | undefined>) =>
    async (name: string): Promise<Lease<T> | undefined> => {
      const lease = await lookup(name);
      if (!lease) return undefined;
      outstanding++;
      let returned = false;
      const release = async () => {
        if (!returned) outstanding--;
        returned = true;
        await lease.release();
      };
      return { value: lease.value, release, [Symbol.asyncDispose]: release };
    };
  return { chat: count(models.chat), embedder: count(models.embedder), reranker: count(models.reranker), list: () => models.list() };
}

beforeAll(async () => {
  const temp = await makeTempDir('hearth-v1-models-');
  cleanup = temp.cleanup;
  const library = path.join(temp.dir, 'models');
  await mkdir(library, { recursive: true });
  await writeTinyLlama(path.join(library, 'tiny.gguf'), { seed: 7 });
  // The first LLM is the active one; `other` is there to switch to. No embedding model: the hash embedder answers.
  await writeFile(path.join(library, 'models.toml'), '[llm.tiny]\npath = "tiny.gguf"\nformat = "gguf"\n\n[llm.other]\npath = "tiny.gguf"\nformat = "gguf"\n');
  hearth = await createHearth({ dataDir: path.join(temp.dir, 'data'), modelLibrary: library });
  const models = counted(runtimeModels(hearth.models));
  server = http.createServer((request, response) => {
    void handleOpenAIRequest(models, request, response).then((handled) => {
      if (!handled) response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new OpenAI({ baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, apiKey: 'not-needed-locally', maxRetries: 0 });
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await hearth?.dispose();
  await cleanup?.();
});

const question = [{ role: 'user' as const, content: 'Say hello.' }];

describe("a Hearth's models over /v1, through the official openai client", () => {
  it('lists the active model of each kind by its alias', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) {
      expect(model).toMatchObject({ object: 'model', owned_by: 'hearth' });
      ids.push(model.id);
    }
    expect(ids).toEqual(['tiny', 'hash']);
  });

  it('embeds with the built-in hash embedder, by its name or as the default', async () => {
    const [expected] = await hearth!.models.hashEmbedder.embed(['a cabin by the lake']);
    for (const model of ['hash', 'default']) {
      // Without an encoding_format the client asks for base64 and decodes it.
      const result = await client.embeddings.create({ model, input: 'a cabin by the lake' });
      expect(result.data).toHaveLength(1);
      expect(result.data[0]!.embedding).toEqual(Array.from(expected!));
    }
    const floats = await client.embeddings.create({ model: 'hash', input: ['one', 'two'], encoding_format: 'float' });
    expect(floats.data.map((item) => item.embedding.length)).toEqual([expected!.length, expected!.length]);
    await vi.waitFor(() => expect(outstanding).toBe(0));
  });

  it('answers a short chat completion from the tiny GGUF, whole and streamed', async () => {
    const completion = await client.chat.completions.create({ model: 'tiny', messages: question, max_tokens: 4, seed: 1 });
    expect(completion.model).toBe('tiny');
    expect(completion.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(completion.usage!.completion_tokens).toBeLessThanOrEqual(4);

    const stream = await client.chat.completions.create({ model: 'default', messages: question, max_tokens: 4, seed: 1, stream: true });
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(finish);
    await vi.waitFor(() => expect(outstanding).toBe(0));
  }, 60_000);

  it('says what it serves when asked for a model it does not', async () => {
    const chat = await client.chat.completions.create({ model: 'other', messages: question, max_tokens: 4 }).catch((error: unknown) => error);
    expect(chat).toBeInstanceOf(OpenAI.NotFoundError);
    expect((chat as Error).message).toContain('No chat model "other" here; this server serves: tiny.');

    const embedding = await client.embeddings.create({ model: 'nomic', input: 'x' }).catch((error: unknown) => error);
    expect(embedding).toBeInstanceOf(OpenAI.NotFoundError);
    expect((embedding as Error).message).toContain('No embedding model "nomic" here; this server serves: hash.');

    const rerank = await fetch(`${client.baseURL}/rerank`, { method: 'POST', body: JSON.stringify({ model: 'x', query: 'q', documents: ['a'] }) });
    expect(rerank.status).toBe(404);
    expect(await rerank.json()).toMatchObject({ error: { message: 'No rerank model "x" here; this server serves no rerank model.' } });
    expect(outstanding).toBe(0);
  });

  it('returns the lease of a stream the client hangs up on, so a switched model closes', async () => {
    const stream = await client.chat.completions.create({ model: 'tiny', messages: question, max_tokens: 64, seed: 2, stream: true });
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) break; // the client aborts the request
    }
    await vi.waitFor(() => expect(outstanding).toBe(0), waitLong);

    // The old model is disposed only once its last lease is back: its worker ending shows none was kept.
    expect(liveWorkerThreads()).toContain('llm');
    await hearth!.models.use('llm', 'other');
    await vi.waitFor(() => expect(liveWorkerThreads()).not.toContain('llm'), waitLong);
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['other', 'hash']);
  }, 60_000);
});
