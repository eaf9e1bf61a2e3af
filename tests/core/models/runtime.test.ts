/**
 * The models in use, as leases, through a whole Hearth on real files: an answer streaming from a local GGUF
 * when the user switches models finishes with the model it started with, whose worker ends only afterwards;
 * two first callers share one load; a reranker that cannot be opened is said once — in the answer and on the
 * Models page — instead of being swallowed and loaded again for every search. Real workers: npm run build:node.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHearth, type Hearth } from '../../../app/core/index.js';
import { liveWorkerThreads, workerThreadStarts } from '../../../app/core/threads/index.js';
import { travelPolicy } from '../../fixtures/documents.js';
import { ingestFile, rpcStream } from '../../fixtures/hearth-runner.js';
import { writeTinyCrossEncoder } from '../../fixtures/models/onnx/index.js';
import { writeTinyLlama } from '../../fixtures/models/tiny-llama.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';

/** Real work on a busy 2-core machine (a worker parsing, a model loading) may take seconds to get there. */
const waitLong = { timeout: 30_000, interval: 20 };

let temp: { dir: string; cleanup(): Promise<void> };
let hearth: Hearth | undefined;

beforeEach(async () => {
  temp = await makeTempDir('hearth-runtime-');
});

afterEach(async () => {
  await hearth?.dispose();
  hearth = undefined;
  await temp.cleanup();
});

const llmWorkers = () => liveWorkerThreads().filter((name) => name === 'llm').length;

/** A Hearth whose model library holds `toml` (and the files written by `files`), with the travel policy in a space. */
async function openWith(toml: string, files: (library: string) => Promise<void>): Promise<{ hearth: Hearth; spaceId: string }> {
  const library = path.join(temp.dir, 'library');
  await mkdir(library, { recursive: true });
  await files(library);
  await writeFile(path.join(library, 'models.toml'), toml);
  hearth = await createHearth({ dataDir: path.join(temp.dir, 'data'), modelLibrary: library });
  const spaceId = hearth.spaces.create('Travel').id;
  const policy = path.join(temp.dir, 'policy.md');
  await writeFile(policy, travelPolicy);
  await ingestFile(hearth, spaceId, { kind: 'path', path: policy });
  return { hearth, spaceId };
}

const twoModels = `
[llm.first]
path = "first.gguf"
format = "gguf"

[llm.second]
path = "second.gguf"
format = "gguf"
`;

async function writeTwoModels(library: string): Promise<void> {
  await writeTinyLlama(path.join(library, 'first.gguf'), { seed: 1 });
  await writeTinyLlama(path.join(library, 'second.gguf'), { seed: 2 });
}

describe('the models in use, leased', () => {
  it('lets an answer streaming across a switch of model finish, and ends the old model’s worker afterwards', async () => {
    const { hearth, spaceId } = await openWith(twoModels, writeTwoModels);
    await hearth.models.use('llm', 'first');
    const answer = hearth.stream('chat.ask', { spaceId, question: 'How long do I have to claim a refund for train tickets?' });
    let streamed = '';
    for (let step = await answer.next(); !step.done; step = await answer.next()) {
      if (step.value.type !== 'delta') continue;
      streamed += step.value.text;
      break; // the model has started writing
    }
    expect(streamed).not.toBe('');

    // The user picks the other model while the answer streams, and something uses it at once: the first model
    // keeps its worker for the answer, beside the second.
    await hearth.models.use('llm', 'second');
    expect((await hearth.models.describe()).active.llm).toBe('second');
    const second = await hearth.models.leaseChatModel();
    expect(llmWorkers()).toBe(2);

    let rest = await answer.next();
    while (!rest.done) rest = await answer.next();
    const message = rest.value;
    expect(message.role).toBe('assistant');
    expect(message.content.length).toBeGreaterThan(streamed.length);
    // The answer returned its lease: the first model's worker ends, the second's stays.
    await vi.waitFor(() => expect(llmWorkers()).toBe(1), waitLong);
    expect(second?.value.id).toBe('llm.second');
    await second?.release();
    expect(llmWorkers()).toBe(1);
  });

  it('opens a model once for two first callers at the same moment', async () => {
    const { hearth } = await openWith(twoModels, writeTwoModels);
    const starts = workerThreadStarts('llm');
    const [a, b] = await Promise.all([hearth.models.leaseChatModel(), hearth.models.leaseChatModel()]);
    expect(a?.value).toBe(b?.value);
    expect(workerThreadStarts('llm') - starts).toBe(1);
    expect(llmWorkers()).toBe(1);
    await a?.release();
    await b?.release();
    // Still the active model: released leases leave it loaded for the next caller.
    expect(llmWorkers()).toBe(1);
  });

  it('says once, in the answer and on the Models page, that reranking is off and why, and tries again after a check', async () => {
    const toml = `
[rerank.broken]
path = "broken-reranker"
format = "onnx"
`;
    const { hearth, spaceId } = await openWith(toml, async (library) => {
      const folder = await writeTinyCrossEncoder(path.join(library, 'broken-reranker'));
      await writeFile(path.join(folder, 'onnx', 'model.onnx'), 'these bytes are not an ONNX graph');
    });
    const starts = workerThreadStarts('transformers');

    const first = await rpcStream(hearth, 'chat.ask', { spaceId, question: 'refund train tickets' });
    expect(first.result.citations.length).toBeGreaterThan(0); // the search went on without the reranker
    expect(first.result.notices).toEqual([expect.stringMatching(/^Reranking is off: the reranker "broken" could not be opened \(.+\)\. Check it on the Models page\.$/)]);
    expect(first.events.filter((event) => event.type === 'notice')).toHaveLength(1);
    const page = await hearth.call('models.list', {});
    expect(page.unavailable).toEqual([{ kind: 'rerank', alias: 'broken', message: expect.any(String) }]);
    expect(first.result.notices[0]).toContain(page.unavailable[0]!.message);
    const loadsForFirst = workerThreadStarts('transformers') - starts;
    expect(loadsForFirst).toBeGreaterThan(0);

    // The next answers say so too, without loading the broken model again.
    const second = await rpcStream(hearth, 'chat.ask', { spaceId, question: 'hotel cap' });
    expect(second.result.notices).toEqual(first.result.notices);
    expect(workerThreadStarts('transformers') - starts).toBe(loadsForFirst);

    // Checking it is trying it again: the check fails the same way, and the next search tries once more.
    const report = await hearth.call('models.check', { kind: 'rerank', alias: 'broken' });
    expect(report.ok).toBe(false);
    const afterCheck = workerThreadStarts('transformers');
    await rpcStream(hearth, 'chat.ask', { spaceId, question: 'receipts' });
    expect(workerThreadStarts('transformers')).toBeGreaterThan(afterCheck);
  });
});
