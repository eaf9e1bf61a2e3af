/**
 * The team server's `/v1`, judged by the official `openai` npm package, unmodified: with a team member's API
 * token it lists the models, streams a chat completion from the tiny GGUF, gets an embedding and an answer held
 * to a JSON schema; without a token, or with a revoked one, it gets 401. Needs the worker built: npm run build:node.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHearth, type Hearth } from '../../app/core/index.js';
import { parseLifetime } from '../../app/core/team/index.js';
import { startTeamServer, type TeamServer } from '../../app/server/team-server.js';
import { writeTinyLlama } from '../fixtures/models/tiny-llama.js';
import { makeTempDir } from '../fixtures/temp-dir.js';

let hearth: Hearth | undefined;
let server: TeamServer | undefined;
let cleanup: (() => Promise<void>) | undefined;
let token: string;
let tokenId: string;

beforeAll(async () => {
  const temp = await makeTempDir('hearth-team-v1-');
  cleanup = temp.cleanup;
  const library = path.join(temp.dir, 'models');
  await mkdir(library, { recursive: true });
  await writeTinyLlama(path.join(library, 'tiny.gguf'), { seed: 11 });
  await writeFile(path.join(library, 'models.toml'), '[llm.tiny]\npath = "tiny.gguf"\nformat = "gguf"\n');
  hearth = await createHearth({ dataDir: path.join(temp.dir, 'data'), modelLibrary: library });
  const user = hearth.team.accounts.addUser({ name: 'ada' });
  ({ token, info: { id: tokenId } } = await hearth.team.tokens.create(user.id, { label: 'script', lifetimeMs: parseLifetime('1d') }));
  server = await startTeamServer({ hearth, staticDir: path.join(temp.dir, 'no-renderer') });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await hearth?.dispose();
  await cleanup?.();
});

const clientWith = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${server!.origin}/v1`, maxRetries: 0, timeout: 60_000 });

describe("the team server's /v1 with the openai package", () => {
  it('lists the models and streams a chat completion for a token holder', async () => {
    const client = clientWith(token);
    expect((await client.models.list()).data.map((model) => model.id)).toContain('tiny');
    const stream = await client.chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 4, stream: true });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toMatch(/length|stop/);
  }, 60_000);

  it('gets an embedding and an answer held to a JSON schema', async () => {
    const client = clientWith(token);
    const embedding = await client.embeddings.create({ model: 'default', input: 'the ferry leaves at noon' });
    expect(embedding.data[0]!.embedding.length).toBeGreaterThan(8);
    const completion = await client.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: 'Is the harbour calm or busy?' }],
      max_tokens: 32,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'harbour',
          strict: true,
          schema: { type: 'object', properties: { mood: { type: 'string', enum: ['calm', 'busy'] } }, required: ['mood'], additionalProperties: false },
        },
      },
    });
    const answer = JSON.parse(completion.choices[0]!.message.content!) as { mood: string };
    expect(['calm', 'busy']).toContain(answer.mood);
  }, 90_000);

  it('answers 401 without a token, with a wrong one and with a revoked one', async () => {
    for (const apiKey of ['', 'sk-not-ours', `${token.slice(0, -3)}AAA`]) {
      await expect(clientWith(apiKey).models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    }
    hearth!.team.tokens.revoke(tokenId);
    await expect(clientWith(token).chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 })).rejects.toMatchObject({
      status: 401,
      message: expect.stringMatching(/revoked/),
    });
    const audit = hearth!.team.audit.list({ limit: 50 }).map((entry) => entry.action);
    expect(audit).toContain('token.use');
    expect(audit).toContain('signin.failed');
  });
});
