/**
 * Durable jobs on a real SQLite database: a job's states, progress and steps are numbered events of its journal,
 * and its row says where it stands (`get`, `list`); each kind runs as many at once as it says and queues the rest
 * in order; `cancel` stops a queued job before it runs and a running one through its signal; how a run ends —
 * a result, CANCELLED, any other error — is the job's final state, and `outcome` hands it to whoever waits.
 */
import { describe, expect, it } from 'vitest';
import type { Jobs } from '../../../app/core/jobs/index.js';
import { HearthError, type JobInfo } from '../../../schemas/index.js';
import { drain } from '../../fixtures/hearth-runner.js';
import { ann, arrangeJobs, bake, describeEvent, heldKind } from '../../fixtures/held-jobs.js';

/** What happened to a job, from its journal: `queued`, `running`, `progress 1`, `step weighed`, `done`… */
async function journalOf(jobs: Jobs, jobId: string): Promise<string[]> {
  const { events } = await drain(jobs.watch(jobId, { after: 0 }));
  return events.map(describeEvent);
}

describe('a job', () => {
  it('goes from queued through running to done, journalling its progress and steps as numbered events', async () => {
    const { open, spaceId } = await arrangeJobs();
    const jobs = open();
    const bread = heldKind('space.prepare');
    jobs.register(bread.kind);

    const job = bake(jobs, spaceId, 'rye');
    expect(job).toMatchObject({ kind: 'space.prepare', spaceId, title: 'Baking rye', subject: 'rye', state: 'running', owner: { id: 'ann', kind: 'user', name: 'Ann' }, lastSeq: 2 });

    const run = await bread.runOf(job.id);
    expect(run.job.params).toEqual({ loaf: 'rye' });
    expect(run.job.caller.principal).toEqual(ann.principal); // it acts for Ann
    expect(run.job.caller.kind).toBe('job');
    run.job.progress({ done: 1 });
    run.job.step('weighed', '500 g');
    run.job.progress({ done: 2 });

    const midway = jobs.get(job.id);
    expect(midway).toMatchObject({ state: 'running', progress: { done: 2 }, lastSeq: 5 });
    expect(midway.finishedAt).toBeUndefined();

    run.finish();
    expect(await jobs.outcome(job.id)).toEqual({ loaf: 'rye', steps: ['weighed'] });

    const done = jobs.get(job.id);
    expect(done).toMatchObject({ state: 'done', result: { loaf: 'rye', steps: ['weighed'] }, lastSeq: 6 });
    expect(done.finishedAt).toBeDefined();
    const { events, result } = await drain(jobs.watch(job.id));
    expect(events.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events.map(describeEvent)).toEqual(['queued', 'running', 'progress 1', 'step weighed', 'progress 2', 'done']);
    expect(events[3]).toMatchObject({ type: 'step', step: 'weighed', detail: '500 g', jobId: job.id, kind: 'space.prepare' });
    expect(events[5]).toMatchObject({ type: 'state', state: 'done', result: { loaf: 'rye', steps: ['weighed'] } });
    expect(result).toEqual(done);
  });

  it('is listed newest first, by state and by kind, in its own space only', async () => {
    const { open, spaceId, space } = await arrangeJobs();
    const jobs = open();
    const bread = heldKind('space.prepare');
    const cakes = heldKind('reingest');
    jobs.register(bread.kind);
    jobs.register(cakes.kind);
    const rye = bake(jobs, spaceId, 'rye');
    const cake = bake(jobs, spaceId, 'cake', 'reingest');
    const spelt = bake(jobs, spaceId, 'spelt'); // waits for the rye
    (await cakes.runOf(cake.id)).finish();
    await jobs.outcome(cake.id);
    const elsewhere = space('Garden');

    const ids = (list: JobInfo[]) => list.map((job) => job.id);
    const unfinished = ['queued', 'running', 'waiting'] as const;
    const all = ['queued', 'running', 'waiting', 'done', 'failed', 'cancelled'] as const;
    expect(ids(jobs.list({ spaceId, states: unfinished, limit: 100 }))).toEqual([spelt.id, rye.id]);
    expect(jobs.list({ spaceId, states: unfinished, limit: 100 }).map((job) => job.state)).toEqual(['queued', 'running']);
    expect(ids(jobs.list({ spaceId, states: ['done'], limit: 100 }))).toEqual([cake.id]);
    expect(ids(jobs.list({ spaceId, states: all, limit: 100 }))).toEqual([spelt.id, cake.id, rye.id]);
    expect(ids(jobs.list({ spaceId, states: all, kinds: ['space.prepare'], limit: 100 }))).toEqual([spelt.id, rye.id]);
    expect(ids(jobs.list({ spaceId, states: all, limit: 1 }))).toEqual([spelt.id]);
    expect(jobs.list({ spaceId: elsewhere, states: all, limit: 100 })).toEqual([]);
  });

  it('is refused when its kind is not registered; a kind is registered once; a job that does not exist is NOT_FOUND', async () => {
    const { open, spaceId } = await arrangeJobs();
    const jobs = open();

    expect(() => bake(jobs, spaceId, 'rye')).toThrow(expect.objectContaining({ code: 'INTERNAL', message: 'No job kind "space.prepare" is registered.' }));
    expect(() => jobs.get('no-such-job')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    await expect(jobs.outcome('no-such-job')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(jobs.cancel('no-such-job')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(jobs.watch('no-such-job').next()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(() => jobs.register(heldKind('ingest').kind)).not.toThrow();
    expect(() => jobs.register(heldKind('ingest').kind)).toThrow('job kind ingest is registered twice');
  });
});

describe('a kind’s concurrency', () => {
  it('keeps a second job queued until the first ends, when one runs at a time', async () => {
    const { open, spaceId } = await arrangeJobs();
    const jobs = open();
    const bread = heldKind('space.prepare', { concurrency: 1 });
    jobs.register(bread.kind);
    const rye = bake(jobs, spaceId, 'rye');
    const spelt = bake(jobs, spaceId, 'spelt');

    expect(spelt.state).toBe('queued');
    expect(bread.runs.map((run) => run.job.params.loaf)).toEqual(['rye']);

    (await bread.runOf(rye.id)).finish();
    const run = await bread.runOf(spelt.id);
    expect(jobs.get(spelt.id).state).toBe('running');
    run.finish();
    await jobs.outcome(spelt.id);
    expect(await journalOf(jobs, spelt.id)).toEqual(['queued', 'running', 'done']);
  });

  it('runs as many as the kind says at once, the rest in the order they were started', async () => {
    const { open, spaceId } = await arrangeJobs();
    const jobs = open();
    const bread = heldKind('space.prepare', { concurrency: 2 });
    jobs.register(bread.kind);
    const [rye, spelt, oat, barley] = ['rye', 'spelt', 'oat', 'barley'].map((loaf) => bake(jobs, spaceId, loaf));

    expect([rye, spelt, oat, barley].map((job) => job!.state)).toEqual(['running', 'running', 'queued', 'queued']);
    (await bread.runOf(spelt!.id)).finish();
    await bread.runOf(oat!.id);
    expect(jobs.get(barley!.id).state).toBe('queued');
    expect(bread.runs.map((run) => run.job.params.loaf)).toEqual(['rye', 'spelt', 'oat']);
  });

  it('does not hold up another kind', async () => {
    const { open, spaceId } = await arrangeJobs();
    const jobs = open();
    const bread = heldKind('space.prepare');
    const cakes = heldKind('reingest');
    jobs.register(bread.kind);
    jobs.register(cakes.kind);
    bake(jobs, spaceId, 'rye');

    const cake = bake(jobs, spaceId, 'cake', 'reingest');

    expect(cake.state).toBe('running');
  });
});

describe('cancelling', () => {
  it('never runs a queued job, and the next in line runs instead', async () => {
    const { open, spaceId } = await arrangeJobs();
    const jobs = open();
    const bread = heldKind('space.prepare');
    jobs.register(bread.kind);
    const rye = bake(jobs, spaceId, 'rye');
    const spelt = bake(jobs, spaceId, 'spelt');
    const oat = bake(jobs, spaceId, 'oat');
    const speltOutcome = jobs.outcome(spelt.id);

    const cancelled = await jobs.cancel(spelt.id);

    expect(cancelled).toMatchObject({ state: 'cancelled', error: { code: 'CANCELLED', message: '"Baking spelt" was cancelled.' } });
    await expect(speltOutcome).rejects.toMatchObject({ code: 'CANCELLED' });
    (await bread.runOf(rye.id)).finish();
    (await bread.runOf(oat.id)).finish();
    await jobs.outcome(oat.id);
    expect(bread.runs.map((run) => run.job.params.loaf)).toEqual(['rye', 'oat']);
    expect(await journalOf(jobs, spelt.id)).toEqual(['queued', 'cancelled']);
  });

  it('stops a running job through its signal, and it ends cancelled', async () => {
    const { open, spaceId } = await arrangeJobs();
    const jobs = open();
    const bread = heldKind('space.prepare');
    jobs.register(bread.kind);
    const rye = bake(jobs, spaceId, 'rye');
    const run = await bread.runOf(rye.id);
    run.job.progress({ done: 1 });
    const outcome = jobs.outcome(rye.id);

    const cancelled = await jobs.cancel(rye.id);

    expect(run.job.signal.aborted).toBe(true);
    expect(cancelled).toMatchObject({ state: 'cancelled', progress: { done: 1 }, error: { code: 'CANCELLED', message: '"Baking rye" was cancelled.' } });
    await expect(outcome).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await journalOf(jobs, rye.id)).toEqual(['queued', 'running', 'progress 1', 'cancelled']);
  });

  it('leaves a finished job as it is', async () => {
    const { open, spaceId } = await arrangeJobs();
    const jobs = open();
    const bread = heldKind('space.prepare');
    jobs.register(bread.kind);
    const rye = bake(jobs, spaceId, 'rye');
    (await bread.runOf(rye.id)).finish();
    await jobs.outcome(rye.id);

    expect(await jobs.cancel(rye.id)).toMatchObject({ state: 'done', result: { loaf: 'rye', steps: [] } });
  });
});

describe('how a run ends', () => {
  it('ends a job its kind stopped with CANCELLED as cancelled, saying why', async () => {
    const { open, spaceId } = await arrangeJobs();
    const jobs = open();
    const bread = heldKind('space.prepare');
    jobs.register(bread.kind);
    const rye = bake(jobs, spaceId, 'rye');

    (await bread.runOf(rye.id)).fail(new HearthError('CANCELLED', 'The oven was switched to another recipe.'));

    await expect(jobs.outcome(rye.id)).rejects.toMatchObject({ code: 'CANCELLED', message: 'The oven was switched to another recipe.' });
    expect(jobs.get(rye.id)).toMatchObject({ state: 'cancelled', error: { code: 'CANCELLED', message: 'The oven was switched to another recipe.' } });
  });

  it('ends a job whose run failed as failed, with the error as it was thrown', async () => {
    const { open, spaceId } = await arrangeJobs();
    const jobs = open();
    const bread = heldKind('space.prepare');
    jobs.register(bread.kind);
    const rye = bake(jobs, spaceId, 'rye');
    const outcome = jobs.outcome(rye.id);

    (await bread.runOf(rye.id)).fail(new HearthError('FILE_CORRUPT', 'rye.pdf is broken on page 3.', { page: 3 }));

    const error = await outcome.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(HearthError);
    expect(error).toMatchObject({ code: 'FILE_CORRUPT', message: 'rye.pdf is broken on page 3.', details: { page: 3 } });
    const failed = jobs.get(rye.id);
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'FILE_CORRUPT', message: 'rye.pdf is broken on page 3.', details: { page: 3 } } });
    expect(failed.finishedAt).toBeDefined();
    const { events } = await drain(jobs.watch(rye.id));
    expect(events.at(-1)).toMatchObject({ type: 'state', state: 'failed', error: { code: 'FILE_CORRUPT' } });
  });

  it('reports any other error as INTERNAL with its message', async () => {
    const { open, spaceId } = await arrangeJobs();
    const jobs = open();
    const bread = heldKind('space.prepare');
    jobs.register(bread.kind);
    const rye = bake(jobs, spaceId, 'rye');

    (await bread.runOf(rye.id)).fail(new TypeError('oven.temperature is undefined'));

    await expect(jobs.outcome(rye.id)).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('oven.temperature is undefined') });
    expect(jobs.get(rye.id)).toMatchObject({ state: 'failed', error: { code: 'INTERNAL', message: expect.stringContaining('oven.temperature is undefined') } });
  });

  it('gives the outcome of a job that ended earlier from the store, after a restart too', async () => {
    const { open, restart, spaceId } = await arrangeJobs();
    let jobs = open();
    let bread = heldKind('space.prepare');
    jobs.register(bread.kind);
    const rye = bake(jobs, spaceId, 'rye');
    (await bread.runOf(rye.id)).finish();
    const spelt = bake(jobs, spaceId, 'spelt');
    (await bread.runOf(spelt.id)).fail(new HearthError('FILE_EMPTY', 'spelt.txt is empty.'));
    await expect(jobs.outcome(spelt.id)).rejects.toMatchObject({ code: 'FILE_EMPTY' });

    expect(await jobs.outcome(rye.id)).toEqual({ loaf: 'rye', steps: [] });
    jobs = await restart(jobs);
    jobs.register((bread = heldKind('space.prepare')).kind);
    await jobs.recover();

    expect(await jobs.outcome(rye.id)).toEqual({ loaf: 'rye', steps: [] });
    await expect(jobs.outcome(spelt.id)).rejects.toMatchObject({ code: 'FILE_EMPTY', message: 'spelt.txt is empty.' });
    expect(bread.runs).toEqual([]);
  });
});
