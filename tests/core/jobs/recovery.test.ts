/**
 * Jobs across restarts, on a real database closed and opened again: closing Hearth interrupts a running job as a
 * crash would — it stays `running` in the store and runs again at the next start, seeing the steps its earlier
 * run journalled — but only a crash counts towards giving up. A kind may end an interrupted job itself
 * (done, failed, cancelled, with the reason); a job no one can finish (its kind unknown, its owner gone,
 * interrupted too often) is ended with a message saying why, never dropped; old finished jobs are forgotten.
 */
import { describe, expect, it } from 'vitest';
import type { Jobs } from '../../../app/core/jobs/index.js';
import type { Db } from '../../../app/core/storage/index.js';
import { HearthError } from '../../../schemas/index.js';
import { drain } from '../../fixtures/hearth-runner.js';
import { arrangeJobs, bake, describeEvent, heldKind, type Baked } from '../../fixtures/held-jobs.js';

/** How many starts of a job count towards giving it up, as the store holds it. */
const attemptsOf = (db: Db, jobId: string) => (db.prepare('SELECT attempts FROM jobs WHERE id = ?').get(jobId) as { attempts: number }).attempts;

async function journalOf(jobs: Jobs, jobId: string): Promise<string[]> {
  return (await drain(jobs.watch(jobId))).events.map(describeEvent);
}

describe('closing Hearth while a job runs', () => {
  it('interrupts the run, leaves the job running in the store, and the next start runs it again from its steps', async () => {
    const arrangement = await arrangeJobs();
    const { open, restart, spaceId } = arrangement;
    let jobs = open();
    let bread = heldKind('space.prepare');
    jobs.register(bread.kind);
    const rye = bake(jobs, spaceId, 'rye');
    const first = await bread.runOf(rye.id);
    first.job.step('weighed');
    first.job.step('kneaded');
    const waiting = jobs.outcome(rye.id);

    jobs = await restart(jobs);

    expect(first.job.signal.aborted).toBe(true);
    await expect(waiting).rejects.toMatchObject({ code: 'CANCELLED', message: expect.stringContaining('next start') });
    expect(jobs.get(rye.id).state).toBe('running'); // not failed: it goes on
    expect(attemptsOf(arrangement.db, rye.id)).toBe(0); // an orderly close says nothing against the job

    jobs.register((bread = heldKind('space.prepare')).kind);
    expect(await jobs.recover()).toEqual({ resumed: 1, ended: 0 });
    const second = await bread.runOf(rye.id);
    expect(second.job.steps).toEqual([
      { step: 'weighed', detail: undefined },
      { step: 'kneaded', detail: undefined },
    ]);
    expect(second.job.attempt).toBe(2); // its second start: "more than 1 after a restart"
    expect(second.job.secret).toBeUndefined();
    second.job.step('baked');
    second.finish();

    expect(await jobs.outcome(rye.id)).toEqual({ loaf: 'rye', steps: ['weighed', 'kneaded', 'baked'] });
    expect(await journalOf(jobs, rye.id)).toEqual(['queued', 'running', 'step weighed', 'step kneaded', 'queued', 'running', 'step baked', 'done']);
  });

  it('keeps the queued jobs queued, to run in their order at the next start, and takes no new ones', async () => {
    const { open, restart, spaceId } = await arrangeJobs();
    let jobs = open();
    let bread = heldKind('space.prepare');
    jobs.register(bread.kind);
    const rye = bake(jobs, spaceId, 'rye');
    const spelt = bake(jobs, spaceId, 'spelt');
    const oat = bake(jobs, spaceId, 'oat');

    const closing = jobs.dispose();
    expect(() => bake(jobs, spaceId, 'barley')).toThrow(expect.objectContaining({ code: 'CLOSING' }));
    await closing;
    jobs = await restart(jobs);
    expect([rye, spelt, oat].map((job) => jobs.get(job.id).state)).toEqual(['running', 'queued', 'queued']);

    jobs.register((bread = heldKind('space.prepare')).kind);
    expect(await jobs.recover()).toEqual({ resumed: 3, ended: 0 });
    for (const job of [rye, spelt, oat]) (await bread.runOf(job.id)).finish();
    await jobs.outcome(oat.id);
    expect(bread.runs.map((run) => run.job.params.loaf)).toEqual(['rye', 'spelt', 'oat']);
  });
});

describe('a kind’s recovery', () => {
  it('can end an interrupted job done, from its journal, without running it again', async () => {
    const { open, restart, spaceId } = await arrangeJobs();
    let jobs = open();
    jobs.register(heldKind('space.prepare').kind);
    const rye = bake(jobs, spaceId, 'rye');
    jobs = await restart(jobs);

    const seen: unknown[] = [];
    const bread = heldKind('space.prepare', {
      recover: (job) => {
        seen.push(job);
        return { done: { loaf: job.params.loaf, steps: ['found on the shelf'] } };
      },
    });
    jobs.register(bread.kind);
    expect(await jobs.recover()).toEqual({ resumed: 0, ended: 1 });

    expect(seen).toEqual([{ id: rye.id, spaceId, params: { loaf: 'rye' }, steps: [] }]);
    expect(bread.runs).toEqual([]);
    expect(jobs.get(rye.id)).toMatchObject({ state: 'done', result: { loaf: 'rye', steps: ['found on the shelf'] } });
    expect(await jobs.outcome(rye.id)).toEqual({ loaf: 'rye', steps: ['found on the shelf'] });
  });

  it('can end an interrupted job failed, or cancelled, with its reason', async () => {
    const { open, restart, spaceId } = await arrangeJobs();
    let jobs = open();
    jobs.register(heldKind('space.prepare').kind);
    const rye = bake(jobs, spaceId, 'rye'); // running
    const spelt = bake(jobs, spaceId, 'spelt'); // queued
    jobs = await restart(jobs);

    jobs.register(
      heldKind('space.prepare', {
        recover: ({ params }) =>
          params.loaf === 'rye'
            ? { fail: new HearthError('FILE_UNREADABLE', 'rye.txt was moved while Hearth was closed.') }
            : { fail: new HearthError('CANCELLED', 'Nobody wants spelt any more.') },
      }).kind,
    );
    expect(await jobs.recover()).toEqual({ resumed: 0, ended: 2 });

    expect(jobs.get(rye.id)).toMatchObject({ state: 'failed', error: { code: 'FILE_UNREADABLE', message: 'rye.txt was moved while Hearth was closed.' } });
    expect(jobs.get(spelt.id)).toMatchObject({ state: 'cancelled', error: { code: 'CANCELLED', message: 'Nobody wants spelt any more.' } });
    await expect(jobs.outcome(rye.id)).rejects.toMatchObject({ code: 'FILE_UNREADABLE' });
  });

  it('that throws, or answers what the kind cannot use, ends that job failed and lets the others recover', async () => {
    const { open, restart, spaceId } = await arrangeJobs();
    let jobs = open();
    jobs.register(heldKind('space.prepare').kind);
    const rye = bake(jobs, spaceId, 'rye');
    const spelt = bake(jobs, spaceId, 'spelt');
    const oat = bake(jobs, spaceId, 'oat');
    jobs = await restart(jobs);

    const bread = heldKind('space.prepare', {
      recover: ({ params }) => {
        if (params.loaf === 'rye') throw new Error('the recipe book is missing');
        if (params.loaf === 'spelt') return { done: { loaf: 'spelt' } as unknown as Baked }; // no steps: not a result of this kind
        return { resume: true };
      },
    });
    jobs.register(bread.kind);
    expect(await jobs.recover()).toEqual({ resumed: 1, ended: 2 });

    expect(jobs.get(rye.id)).toMatchObject({ state: 'failed', error: { code: 'INTERNAL', message: expect.stringContaining('the recipe book is missing') } });
    expect(jobs.get(spelt.id)).toMatchObject({ state: 'failed', error: { code: 'INTERNAL' } });
    (await bread.runOf(oat.id)).finish();
    expect(await jobs.outcome(oat.id)).toEqual({ loaf: 'oat', steps: [] });
  });
});

describe('a job no one can finish', () => {
  it('of a kind this Hearth does not know ends failed, saying so', async () => {
    const { open, restart, spaceId } = await arrangeJobs();
    let jobs = open();
    jobs.register(heldKind('reingest').kind);
    const cake = bake(jobs, spaceId, 'cake', 'reingest');
    jobs = await restart(jobs);

    jobs.register(heldKind('space.prepare').kind);
    expect(await jobs.recover()).toEqual({ resumed: 0, ended: 1 });

    const failed = jobs.get(cake.id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toEqual({ code: 'INTERNAL', message: 'This version of Hearth does not know how to finish a "reingest" job, so it was ended.' });
    expect(failed.finishedAt).toBeDefined();
  });

  it('whose owner is no longer known ends failed with FORBIDDEN, naming the owner', async () => {
    const { open, restart, spaceId } = await arrangeJobs();
    let jobs = open();
    jobs.register(heldKind('space.prepare').kind);
    const rye = bake(jobs, spaceId, 'rye');
    jobs = await restart(jobs, { owners: () => undefined }); // Ann's account was removed meanwhile

    const bread = heldKind('space.prepare');
    jobs.register(bread.kind);
    expect(await jobs.recover()).toEqual({ resumed: 0, ended: 1 });

    expect(bread.runs).toEqual([]);
    const failed = jobs.get(rye.id);
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'FORBIDDEN' } });
    expect(failed.error?.message).toContain('Ann');
    expect(failed.error?.message).toContain('Baking rye');
  });

  it('interrupted by a crash five times is given up, saying so, rather than stopping Hearth again', async () => {
    const arrangement = await arrangeJobs();
    const { open, crash, spaceId } = arrangement;
    let jobs = open();
    let bread = heldKind('space.prepare');
    jobs.register(bread.kind);
    const rye = bake(jobs, spaceId, 'rye');
    const attempts: number[] = [(await bread.runOf(rye.id)).job.attempt];

    for (let restart = 1; restart < 5; restart++) {
      jobs = crash(jobs); // the run never comes back
      jobs.register((bread = heldKind('space.prepare')).kind);
      expect(await jobs.recover()).toEqual({ resumed: 1, ended: 0 });
      attempts.push((await bread.runOf(rye.id)).job.attempt);
    }
    expect(attempts).toEqual([1, 2, 3, 4, 5]);
    expect(attemptsOf(arrangement.db, rye.id)).toBe(5);

    jobs = crash(jobs);
    jobs.register((bread = heldKind('space.prepare')).kind);
    expect(await jobs.recover()).toEqual({ resumed: 0, ended: 1 });

    expect(bread.runs).toEqual([]);
    const given = jobs.get(rye.id);
    expect(given).toMatchObject({ state: 'failed', error: { code: 'INTERNAL' } });
    expect(given.error?.message).toContain('interrupted 5 times');
    expect(given.error?.message).toContain('given up');
  });

  it('is not given up for restarts that closed Hearth in order', async () => {
    const { open, restart, spaceId } = await arrangeJobs();
    let jobs = open();
    let bread = heldKind('space.prepare');
    jobs.register(bread.kind);
    const rye = bake(jobs, spaceId, 'rye');

    for (let time = 0; time < 6; time++) {
      jobs = await restart(jobs);
      jobs.register((bread = heldKind('space.prepare')).kind);
      expect(await jobs.recover()).toEqual({ resumed: 1, ended: 0 });
    }
    (await bread.runOf(rye.id)).finish();

    expect(await jobs.outcome(rye.id)).toEqual({ loaf: 'rye', steps: [] });
  });
});

describe('old jobs', () => {
  it('are forgotten with their journals 30 days after they finished; unfinished and recent ones are kept', async () => {
    const arrangement = await arrangeJobs();
    const { open, restart, spaceId } = arrangement;
    let jobs = open();
    let bread = heldKind('space.prepare');
    jobs.register(bread.kind);
    const old = bake(jobs, spaceId, 'rye');
    (await bread.runOf(old.id)).finish();
    await jobs.outcome(old.id);
    const recent = bake(jobs, spaceId, 'spelt');
    (await bread.runOf(recent.id)).fail(new HearthError('FILE_EMPTY', 'spelt.txt is empty.'));
    await jobs.outcome(recent.id).catch(() => undefined);
    const unfinished = bake(jobs, spaceId, 'oat');
    const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 3600 * 1000).toISOString();
    const age = arrangement.db.prepare('UPDATE jobs SET created_at = ?, updated_at = ? WHERE id = ?');
    age.run(daysAgo(40), daysAgo(31), old.id);
    age.run(daysAgo(40), daysAgo(29), recent.id);
    age.run(daysAgo(40), daysAgo(31), unfinished.id); // running for a month, as far as the store knows

    jobs = await restart(jobs);
    jobs.register((bread = heldKind('space.prepare')).kind);
    await jobs.recover();

    expect(() => jobs.get(old.id)).toThrow(expect.objectContaining({ code: 'NOT_FOUND', message: expect.stringContaining('30 days') }));
    await expect(jobs.watch(old.id).next()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(arrangement.db.prepare('SELECT COUNT(*) AS events FROM job_events WHERE job_id = ?').get(old.id)).toEqual({ events: 0 });
    expect(jobs.get(recent.id).state).toBe('failed');
    await bread.runOf(unfinished.id);
    expect(jobs.get(unfinished.id).state).toBe('running');
  });
});
