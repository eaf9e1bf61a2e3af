/**
 * Hearth's own OpenAI-compatible `/v1` (app/server/openai-api.ts) on a loopback port, serving the given
 * chat models by name: what the remote provider and real OpenAI clients talk to in these tests.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { ChatModel } from '../../../app/core/models/index.js';
import { fixedModels, handleOpenAIRequest } from '../../../app/server/openai-api.js';

export interface V1Server {
  /** Up to and including `/v1`. */
  url: string;
  close(): Promise<void>;
}

export async function startV1Server(chat: Record<string, ChatModel>): Promise<V1Server> {
  const models = fixedModels({ chat });
  const server = http.createServer((request, response) => {
    void handleOpenAIRequest(models, request, response).then((handled) => {
      if (!handled) response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A model library (created if needed) whose default LLM is a model served by `v1`, as a user configures one. */
export async function writeV1Library(folder: string, v1: V1Server, model = 'scripted'): Promise<string> {
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, 'models.toml'), `[llm.default]\nprovider = "openai"\nurl = "${v1.url}"\nmodel = "${model}"\n`);
  return folder;
}
