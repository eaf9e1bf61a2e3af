/**
 * Preparing a space for search after the embedding model changes, on real stores in a temp folder and the tiny
 * ONNX encoder run by the real transformers worker (dist/, built by `npm run build:node`): the preparation is a
 * job whose progress arrives in order up to the total, watchers share one run, a watcher that stops leaves the
 * work going for the others, and searches in the space wait for it. The embedder's `embed` is gated (at the
 * model boundary) where a test needs the work held midway.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHearth, localOwner, RpcSession, type Hearth } from '../../app/core/index.js';
import { importModel, type Embedder } from '../../app/core/models/index.js';
import type { IngestProgress, IngestResult, JobInfo, ServerFrame, SpacePrepareProgress, SpacePrepareResult } from '../../schemas/index.js';
import { writeTinyEncoder } from '../fixtures/models/onnx/index.js';
import { followJob, ingestFile, search } from '../fixtures/hearth-runner.js';
import { makeTempDir } from '../fixtures/temp-dir.js';
import { holdEmbedCalls } from '../fixtures/scripted-models.js';

/** Real work on a busy 2-core machine (a worker parsing, a model loading) may take seconds to get there. */
const waitLong = { timeout: 30_000, interval: 20 };

const WORDS = 'the fire in hearth keeps kitchen warm bread oven winter snow night library document search river forest music school coffee milk'.split(' ');

/** A Markdown handbook of `sections` short sections: enough passages for several embedding batches of 64. */
function handbook(title: string, sections: number): string {
  const parts = [`# ${title}`];
  for (let i = 0; i < sections; i++) {
    const words = Array.from({ length: 120 }, (_, k) => WORDS[(i * 7 + k * 3 + k * k) % WORDS.length]).join(' ');
    parts.push(`## ${title} part ${i + 1}\n\n${words}.`);
  }
  return parts.join('\n\n');
}

let models: { dir: string; cleanup(): Promise<void> };
let encoders: { mini: string; other: string };
let temp: { dir: string; cleanup(): Promise<void> };
let hearth: Hearth;
let spaceId: string;
let passages: number;

beforeAll(async () => {
  models = await makeTempDir('hearth-prepare-models-');
  encoders = {
    mini: await writeTinyEncoder(path.join(models.dir, 'mini-encoder')),
    other: await writeTinyEncoder(path.join(models.dir, 'other-encoder'), { seed: 7 }),
  };
});

afterAll(async () => {
  await models?.cleanup();
});

beforeEach(async () => {
  temp = await makeTempDir('hearth-prepare-');
  hearth = await createHearth({ dataDir: path.join(temp.dir, 'data'), modelLibrary: path.join(temp.dir, 'library') });
  spaceId = hearth.spaces.create('Handbooks').id;
  passages = 0;
  for (const name of ['kitchen', 'library']) {
    const file = path.join(temp.dir, `${name}.md`);
    await writeFile(file, handbook(name, 120));
    passages += (await ingestFile(hearth, spaceId, { kind: 'path', path: file })).result.document.chunkCount;
  }
  // With the built-in hash embedder the space was prepared by the ingest itself.
  expect(await hearth.call('spaces.prepare', { spaceId })).toEqual({ status: 'current' });
});

afterEach(async () => {
  await hearth?.dispose();
  await temp?.cleanup();
});

/** Makes `alias` (imported from `folder`) the active embedding model, as the Models page's Use does. */
async function switchEmbedder(alias: string, folder: string): Promise<Embedder> {
  await importModel({ library: hearth.models.libraryFolder, source: folder, alias });
  await hearth.models.use('embed', alias);
  // The instance stays open while it is the active one; the lease only says which it is.
  const lease = await hearth.models.leaseEmbedder();
  await lease.release();
  return lease.value;
}

/** Asks for the space's preparation, as a window opening it does: the job started (or joined). */
async function preparationJob(): Promise<JobInfo & { kind: 'space.prepare' }> {
  const answer = await hearth.call('spaces.prepare', { spaceId });
  if (answer.status !== 'preparing') throw new Error('expected the space to need preparing');
  return answer.job;
}

/** Prepares the space and follows the job to its end: its progress and result. */
async function prepare(): Promise<{ events: SpacePrepareProgress[]; result: SpacePrepareResult }> {
  return followJob(hearth, await preparationJob());
}

/** Starts ingesting a garden handbook and waits until its embedding is held at `embedder`'s gate. */
async function ingestHeldBy(embedder: Embedder) {
  const held = holdEmbedCalls(embedder);
  const file = path.join(temp.dir, 'garden.md');
  await writeFile(file, handbook('garden', 4));
  const ingesting = ingestFile(hearth, spaceId, { kind: 'path', path: file });
  await vi.waitFor(() => expect(held.calls).toHaveBeenCalled(), waitLong);
  return { held, ingesting };
}

/** The held ingest ends indexed, and SQLite and the vector table hold every passage of the space. */
async function expectIndexedInEveryStore(ingesting: Promise<{ events: IngestProgress[]; result: IngestResult }>): Promise<void> {
  const { result } = await ingesting;
  expect(result.status).toBe('indexed');
  const counts = await hearth.indexes.storeCounts(spaceId);
  expect(counts.sqliteChunkIds).toHaveLength(passages + result.document.chunkCount);
  expect(counts.vectorChunkIds).toEqual(counts.sqliteChunkIds);
}

function expectInOrderUpTo(events: SpacePrepareProgress[], total: number): void {
  expect(events.length).toBeGreaterThan(0);
  expect(events[0]).toEqual({ stage: 'embedding', done: 0, total });
  expect(events.at(-1)).toEqual({ stage: 'embedding', done: total, total });
  for (let i = 1; i < events.length; i++) {
    expect(events[i]!.total).toBe(total);
    expect(events[i]!.done).toBeGreaterThan(events[i - 1]!.done);
  }
}

/** The progress events among the frames a window received for one request. */
const progressIn = (frames: ServerFrame[]) =>
  frames.flatMap((frame) => (frame.type === 'event' && (frame.event as { type: string }).type === 'progress' ? [(frame.event as { progress: SpacePrepareProgress }).progress] : []));

describe('preparing a space for a new embedding model', () => {
  it('embeds every passage again as one job, its progress in order up to the total, then answers current', async () => {
    expect(passages).toBeGreaterThan(3 * 64);
    await switchEmbedder('mini', encoders.mini);

    const job = await preparationJob();
    expect(job).toMatchObject({ kind: 'space.prepare', spaceId, title: 'Preparing search in Handbooks', owner: { id: 'local', kind: 'local-owner' } });
    const { events, result } = await followJob(hearth, job);
    expectInOrderUpTo(events, passages);
    // The journal holds every batch of 64, so a watcher sees each one, however late it came.
    expect(events.map((event) => event.done)).toEqual([0, ...Array.from({ length: Math.ceil(passages / 64) }, (_, i) => Math.min((i + 1) * 64, passages))]);
    expect(result).toEqual({ status: 'reembedded', embedded: passages, removed: 0 });
    expect(await hearth.call('jobs.get', { jobId: job.id })).toMatchObject({ state: 'done', result, progress: { done: passages, total: passages } });

    expect(await hearth.call('spaces.prepare', { spaceId })).toEqual({ status: 'current' });
    const counts = await hearth.indexes.storeCounts(spaceId);
    expect(counts.vectorChunkIds).toEqual(counts.sqliteChunkIds);
  });

  it('runs once for two windows; the one that stops watching leaves the other, and the searches, their answer', async () => {
    const embedder = await switchEmbedder('mini', encoders.mini);
    const { open, calls } = holdEmbedCalls(embedder);
    const first = { frames: [] as ServerFrame[] };
    const second = { frames: [] as ServerFrame[] };
    const firstWindow = new RpcSession(hearth.dispatcher, localOwner, (frame) => first.frames.push(frame));
    const secondWindow = new RpcSession(hearth.dispatcher, localOwner, (frame) => second.frames.push(frame));

    // Both windows ask for the preparation and are given the same job, which each watches.
    const job = await preparationJob();
    expect(await preparationJob()).toMatchObject({ id: job.id });
    firstWindow.receive({ type: 'request', id: 'watch-1', method: 'jobs.watch', params: { jobId: job.id } });
    await vi.waitFor(() => expect(progressIn(first.frames)).toContainEqual({ stage: 'embedding', done: 0, total: passages }), waitLong);
    secondWindow.receive({ type: 'request', id: 'watch-1', method: 'jobs.watch', params: { jobId: job.id } });
    await vi.waitFor(() => expect(progressIn(second.frames)).toContainEqual({ stage: 'embedding', done: 0, total: passages }), waitLong);
    let searched = false;
    const searching = search(hearth, spaceId, 'bread oven kitchen', 3).finally(() => (searched = true));

    // The first window stops watching while the first batch is still being embedded.
    firstWindow.receive({ type: 'cancel', id: 'watch-1' });
    await vi.waitFor(() => expect(first.frames.at(-1)).toMatchObject({ type: 'error', id: 'watch-1', error: { code: 'CANCELLED' } }), waitLong);
    expect(await hearth.call('jobs.get', { jobId: job.id })).toMatchObject({ state: 'running', progress: { done: 0, total: passages } });
    expect(searched).toBe(false);

    open();
    await vi.waitFor(() => expect(second.frames.at(-1)?.type).toBe('result'), { timeout: 30_000 });
    expect(second.frames.at(-1)).toMatchObject({ type: 'result', id: 'watch-1', result: { id: job.id, state: 'done', result: { status: 'reembedded', embedded: passages, removed: 0 } } });
    expectInOrderUpTo(progressIn(second.frames), passages);
    // One run: one embedding call per batch of 64, however many watched (the search embeds its query besides).
    const batches = calls.mock.calls.filter(([texts]) => !texts.includes('bread oven kitchen'));
    expect(batches.map(([texts]) => texts.length).reduce((sum, n) => sum + n, 0)).toBe(passages);
    expect(batches).toHaveLength(Math.ceil(passages / 64));
    expect(progressIn(first.frames)).toHaveLength(1);

    const hits = await searching;
    expect(hits.length).toBeGreaterThan(0);
    const counts = await hearth.indexes.storeCounts(spaceId);
    expect(counts.vectorChunkIds).toEqual(counts.sqliteChunkIds);
    firstWindow.dispose();
    secondWindow.dispose();
  });

  it('embeds again a document whose ingest outlived a change of model: two models never share a table', async () => {
    const { held, ingesting } = await ingestHeldBy(hearth.models.hashEmbedder);

    // The model changes while the garden handbook is being embedded by the old one; the space is re-embedded.
    await switchEmbedder('mini', encoders.mini);
    expect((await prepare()).result).toEqual({ status: 'reembedded', embedded: passages, removed: 0 });
    held.open();

    // The old model's vectors (384 numbers, where the new model makes 32) were never written: the garden
    // handbook was embedded again by the new model, and every store holds every passage.
    await expectIndexedInEveryStore(ingesting);
  });

  it('finishes an ingest whose local embedding model was replaced while it embedded', async () => {
    const mini = await switchEmbedder('mini', encoders.mini);
    await prepare();
    const { held, ingesting } = await ingestHeldBy(mini);

    // The ingest holds a lease on the old model, which stays open for it while the space is prepared for the new one.
    await switchEmbedder('other', encoders.other);
    await prepare();
    held.open();

    await expectIndexedInEveryStore(ingesting);
  });

  it('cancels the run for a model switched away from midway; the searches waiting follow the new one', async () => {
    const mini = await switchEmbedder('mini', encoders.mini);
    const held = holdEmbedCalls(mini);
    const firstJob = await preparationJob();
    const watcher = followJob(hearth, firstJob);
    await vi.waitFor(() => expect(held.calls).toHaveBeenCalled(), waitLong);
    const searching = search(hearth, spaceId, 'bread oven kitchen', 3);

    const other = await switchEmbedder('other', encoders.other);
    const again = preparationJob();
    held.open();
    // The run for the first model was given up, saying so; the new run re-embeds everything with the new model.
    await expect(watcher).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await hearth.call('jobs.get', { jobId: firstJob.id })).toMatchObject({ state: 'cancelled' });
    const secondJob = await again;
    expect(secondJob.id).not.toBe(firstJob.id);
    const followed = await followJob(hearth, secondJob);
    expectInOrderUpTo(followed.events, passages);
    expect(followed.result).toEqual({ status: 'reembedded', embedded: passages, removed: 0 });
    expect((await searching).length).toBeGreaterThan(0);
    expect((await hearth.indexes.storeCounts(spaceId)).vectorChunkIds).toHaveLength(passages);
    expect(other.id).not.toBe(mini.id);
  });

  it('refuses an unknown space with NOT_FOUND', async () => {
    await expect(hearth.call('spaces.prepare', { spaceId: 'no-such-space' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
