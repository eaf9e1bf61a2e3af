/**
 * Jobs through a whole Hearth, on real files in a temp folder with the built-in hash embedder: adding a file
 * answers with its job at once, the job is listed while it runs and any number of callers follow it to the same
 * end; a caller with no role in a space cannot look at, follow or cancel that space's jobs. The embedder's
 * `embed` is held (at the model boundary) where a story needs the job caught midway. Closing Hearth under a
 * running job and opening it again resumes the job, which knows it is a second start.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { Caller, type Hearth } from '../../../app/core/index.js';
import { buildEncryptedPdf } from '../../fixtures/documents/encrypted-pdf.js';
import { drain, followJob, openTempHearth } from '../../fixtures/hearth-runner.js';
import { holdEmbedCalls } from '../../fixtures/scripted-models.js';

/** Real work on a busy 2-core machine (a worker parsing, a model loading) may take seconds to get there. */
const waitLong = { timeout: 30_000, interval: 20 };

/** A Hearth with a space, closed when the test ends (its held embedder let go first, so the job can stop). */
async function arrangeHearth() {
  const arranged = await openTempHearth('Kitchen');
  const held = holdEmbedCalls(arranged.hearth.models.hashEmbedder);
  const reopened: Hearth[] = [];
  onTestFinished(async () => {
    held.open();
    await arranged.hearth.dispose();
    for (const hearth of reopened) await hearth.dispose();
    await arranged.temp.cleanup();
  });
  return {
    ...arranged,
    held,
    /** Opens the data folder again, as the next start does (closed when the test ends). */
    reopen: async () => {
      const hearth = await arranged.open();
      reopened.push(hearth);
      return hearth;
    },
  };
}

async function writeNote(dir: string, name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

const startIngest = (hearth: Hearth, spaceId: string, file: string) => hearth.call('documents.ingest', { spaceId, source: { kind: 'path', path: file } });

describe('a file added through the contract', () => {
  it('answers with its job at once; the job is listed while it runs, and two callers follow it to the same end', async () => {
    const { hearth, spaceId, temp, held } = await arrangeHearth();
    const file = await writeNote(temp.dir, 'bread.md', '# Bread\n\nRye dough rests overnight before it is baked at dawn.\n');

    const job = await startIngest(hearth, spaceId, file);

    expect(job).toMatchObject({ kind: 'ingest', spaceId, title: 'Adding bread.md', subject: 'bread.md', owner: { id: 'local' } });
    expect(['queued', 'running']).toContain(job.state);
    await vi.waitFor(() => expect(held.calls).toHaveBeenCalled(), waitLong); // caught midway, at its embedding
    expect(await hearth.call('jobs.list', { spaceId, kinds: ['ingest'] })).toEqual([expect.objectContaining({ id: job.id, state: 'running' })]);
    expect((await hearth.call('jobs.get', { jobId: job.id })).state).toBe('running');

    const viewer = new Caller({ id: 'bea', kind: 'user', name: 'Bea', serverRole: 'member', spaces: { [spaceId]: 'viewer' } });
    const owners = drain(hearth.stream('jobs.watch', { jobId: job.id }));
    const viewers = drain(hearth.stream('jobs.watch', { jobId: job.id }, { caller: viewer }));
    held.open();
    const [mine, theirs] = await Promise.all([owners, viewers]);

    expect(mine.result).toMatchObject({ id: job.id, state: 'done', result: { status: 'indexed', document: { name: 'bread.md' } } });
    expect(theirs.events).toEqual(mine.events);
    expect(theirs.result).toEqual(mine.result);
    expect(mine.events.map((event) => event.seq)).toEqual(Array.from({ length: mine.result.lastSeq }, (_, i) => i + 1));
    expect(mine.events[0]).toMatchObject({ type: 'state', state: 'queued' });
    expect(mine.events.some((event) => event.type === 'progress')).toBe(true);
    expect(mine.events.at(-1)).toMatchObject({ type: 'state', state: 'done' });
    // Done, it leaves the list of what is going on, and is in the list of what is done.
    expect(await hearth.call('jobs.list', { spaceId, kinds: ['ingest'] })).toEqual([]);
    expect(await hearth.call('jobs.list', { spaceId, states: ['done'], kinds: ['ingest'] })).toEqual([mine.result]);
  });
});

describe('a job of a space', () => {
  it('is not for a caller with no role in that space: looking, following and cancelling are refused, and it goes on', async () => {
    const { hearth, spaceId, temp, held } = await arrangeHearth();
    const garden = hearth.spaces.create('Garden').id;
    const kitchenJob = await startIngest(hearth, spaceId, await writeNote(temp.dir, 'bread.md', '# Bread\n\nRye dough rests overnight.\n'));
    const gardenJob = await startIngest(hearth, garden, await writeNote(temp.dir, 'roses.md', '# Roses\n\nPrune the roses in late winter.\n'));
    const cook = new Caller({ id: 'cara', kind: 'user', name: 'Cara', serverRole: 'member', spaces: { [spaceId]: 'editor' } });

    expect(await hearth.call('jobs.get', { jobId: kitchenJob.id }, { caller: cook })).toMatchObject({ id: kitchenJob.id });
    await expect(hearth.call('jobs.get', { jobId: gardenJob.id }, { caller: cook })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(hearth.stream('jobs.watch', { jobId: gardenJob.id }, { caller: cook }).next()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(hearth.call('jobs.cancel', { jobId: gardenJob.id }, { caller: cook })).rejects.toMatchObject({ code: 'FORBIDDEN' });

    held.open();
    const { result } = await followJob(hearth, gardenJob);
    expect(result).toMatchObject({ status: 'indexed', document: { name: 'roses.md' } });
    expect((await hearth.call('jobs.get', { jobId: gardenJob.id })).state).toBe('done');
    await followJob(hearth, kitchenJob);
  });
});

describe('a job Hearth was closed under', () => {
  it('resumes at the next start as a second attempt: an encrypted PDF asks for its password again, saying why', async () => {
    const { hearth, spaceId, temp, held, reopen } = await arrangeHearth();
    const file = path.join(temp.dir, 'sealed.pdf');
    await writeFile(file, buildEncryptedPdf({ userPassword: 'hearth', text: 'The vault code is kept by the harbour master.' }));
    const job = await hearth.call('documents.ingest', { spaceId, source: { kind: 'path', path: file }, password: 'hearth' });
    await vi.waitFor(() => expect(held.calls).toHaveBeenCalled(), waitLong); // read with its password, now embedding

    const closing = hearth.dispose();
    held.open();
    await closing;
    const next = await reopen();

    const { result } = await drain(next.stream('jobs.watch', { jobId: job.id }));
    expect(result.state).toBe('failed');
    expect(result.error?.code).toBe('PASSWORD_REQUIRED');
    // Not a bare "needs a password": the user gave one, and is told why it is asked again.
    expect(result.error?.message).toContain('Hearth stopped while it was reading sealed.pdf');
  });
});
