/**
 * Every ChatModel Hearth has keeps one contract (chat-model-contract.ts): the local GGUF in its worker
 * (the tiny fixture model, one sequence, so a sequence that is not released blocks the next request), the
 * remote provider talking to Hearth's own `/v1` served by another such local model — client, wire and
 * server for real — and the scripted model the other tests use. Needs the worker built: npm run build:node.
 */
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { LocalLlamaChatModel, OpenAICompatibleChatModel, type ChatRequest, type LocalModelSource } from '../../../app/core/models/index.js';
import { writeTinyLlama } from '../../fixtures/models/tiny-llama.js';
import { ScriptedChatModel, type ScriptedTurn } from '../../fixtures/scripted-models.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';
import { chatModelContract } from './chat-model-contract.js';
import { startV1Server, type V1Server } from './v1-server.js';

let cleanup: (() => Promise<void>) | undefined;
let local: LocalLlamaChatModel;
let served: LocalLlamaChatModel;
let server: V1Server;
let remote: OpenAICompatibleChatModel;

beforeAll(async () => {
  const temp = await makeTempDir('hearth-chat-contract-');
  cleanup = temp.cleanup;
  const file = path.join(temp.dir, 'tiny-llama.gguf');
  await writeTinyLlama(file, { seed: 7 });
  const source: LocalModelSource = { kind: 'local', path: path.basename(file), absolutePath: file, format: 'gguf' };
  [local, served] = await Promise.all([
    LocalLlamaChatModel.load(source, { threads: 1, sequences: 1 }),
    LocalLlamaChatModel.load(source, { threads: 1, sequences: 1 }),
  ]);
  server = await startV1Server({ tiny: served });
  remote = new OpenAICompatibleChatModel({ url: server.url, model: 'tiny', retries: 0 });
});

afterAll(async () => {
  await server?.close();
  await Promise.all([local?.dispose(), served?.dispose()]);
  await cleanup?.();
});

const workerBusy = async (model: LocalLlamaChatModel) => {
  const { decoding, waiting } = await model.activity();
  return decoding + waiting;
};

chatModelContract('the local GGUF model', () => ({ model: local, busy: () => workerBusy(local) }));
chatModelContract("the remote provider against Hearth's /v1", () => ({ model: remote, busy: () => workerBusy(served) }));

/** The scripted model plays what the contract asks of a real one. */
const scripted = new ScriptedChatModel(
  (request: ChatRequest): ScriptedTurn => {
    const choice = request.toolChoice;
    if (typeof choice === 'object') return [{ type: 'tool-call', name: choice.tool, input: { city: 'Oslo', unit: 'celsius' } }];
    if (request.responseFormat) return JSON.stringify({ title: 'A quiet day', mood: 'calm', tags: ['home'], done: true });
    if ((request.maxTokens ?? 0) > 1000) return 'word '.repeat(300);
    return 'It is 21 degrees and clear.';
  },
  { pieceDelayMs: 2 },
);
chatModelContract('the scripted model', () => ({ model: scripted, busy: () => scripted.active }));
