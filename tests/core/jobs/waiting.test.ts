/**
 * Jobs that wait: a run may pause (an agent waiting for an approval) — the job is `waiting`, its slot goes to the
 * next job, whoever waits on its outcome keeps waiting — and it runs again, one attempt later, when resumed. A
 * waiting job can be cancelled, and it stays waiting across a restart or a crash: it was not interrupted, so the
 * restart is not counted against it and its kind's recovery is not asked.
 */
import { describe, expect, it } from 'vitest';
import { JobWaits, type Jobs } from '../../../app/core/jobs/index.js';
import type { Db } from '../../../app/core/storage/index.js';
import { drain } from '../../fixtures/hearth-runner.js';
import { arrangeJobs, bake, describeEvent, heldKind, type HeldRun } from '../../fixtures/held-jobs.js';

/** The run pauses as a kind's code does: `wait()` throws, and the run lets it through. */
function pause(run: HeldRun): void {
  try {
    run.job.wait();
  } catch (error) {
    expect(error).toBeInstanceOf(JobWaits);
    run.fail(error);
  }
}

const attemptsOf = (db: Db, jobId: string) => (db.prepare('SELECT attempts FROM jobs WHERE id = ?').get(jobId) as { attempts: number }).attempts;

async function journalOf(jobs: Jobs, jobId: string): Promise<string[]> {
  return (await drain(jobs.watch(jobId))).events.map(describeEvent);
}

describe('a job that waits', () => {
  it('frees its slot for the next job and keeps its outcome pending until it is resumed and done', async () => {
    const { open, spaceId } = await arrangeJobs();
    const jobs = open();
    const bread = heldKind('space.prepare'); // one at a time
    jobs.register(bread.kind);
    const rye = bake(jobs, spaceId, 'rye');
    const spelt = bake(jobs, spaceId, 'spelt');
    const first = await bread.runOf(rye.id);
    first.job.step('kneaded');
    let settled = false;
    const outcome = jobs.outcome(rye.id).finally(() => (settled = true));

    pause(first);

    const speltRun = await bread.runOf(spelt.id); // the slot went to the next job
    expect(jobs.get(rye.id).state).toBe('waiting');
    expect(jobs.list({ spaceId, states: ['waiting'], limit: 10 }).map((job) => job.id)).toEqual([rye.id]);
    speltRun.finish();
    await jobs.outcome(spelt.id);
    expect(settled).toBe(false);
    // Someone asking for the outcome now waits too, rather than being told the job was interrupted.
    const later = jobs.outcome(rye.id);

    jobs.resume(rye.id);
    await expect.poll(() => bread.runs.length).toBe(3); // rye, spelt, rye again
    const second = bread.runs[2]!;
    expect(second.job.id).toBe(rye.id);
    expect(second.job.attempt).toBe(2);
    expect(second.job.steps.map((step) => step.step)).toEqual(['kneaded']);
    second.job.step('baked');
    second.finish();

    expect(await outcome).toEqual({ loaf: 'rye', steps: ['kneaded', 'baked'] });
    expect(await later).toEqual({ loaf: 'rye', steps: ['kneaded', 'baked'] });
    expect(await journalOf(jobs, rye.id)).toEqual(['queued', 'running', 'step kneaded', 'waiting', 'queued', 'running', 'step baked', 'done']);
  });

  it('can wait again after it is resumed, as a run asking a second question does', async () => {
    const { open, spaceId } = await arrangeJobs();
    const jobs = open();
    const bread = heldKind('space.prepare');
    jobs.register(bread.kind);
    const rye = bake(jobs, spaceId, 'rye');
    pause(await bread.runOf(rye.id));
    await expect.poll(() => jobs.get(rye.id).state).toBe('waiting');
    jobs.resume(rye.id);
    await expect.poll(() => bread.runs.length).toBe(2);
    pause(bread.runs[1]!);
    await expect.poll(() => jobs.get(rye.id).state).toBe('waiting');
    jobs.resume(rye.id);
    await expect.poll(() => bread.runs.length).toBe(3);
    expect(bread.runs[2]!.job.attempt).toBe(3);
    bread.runs[2]!.finish();
    await jobs.outcome(rye.id);
    expect(await journalOf(jobs, rye.id)).toEqual(['queued', 'running', 'waiting', 'queued', 'running', 'waiting', 'queued', 'running', 'done']);
  });

  it('is the only kind of job that can be resumed, and says so', async () => {
    const { open, spaceId } = await arrangeJobs();
    const jobs = open();
    const bread = heldKind('space.prepare');
    jobs.register(bread.kind);
    const rye = bake(jobs, spaceId, 'rye');
    await bread.runOf(rye.id);

    expect(() => jobs.resume(rye.id)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST', message: '"Baking rye" is running, not waiting, so there is nothing to resume.' }));
    bread.runs[0]!.finish();
    await jobs.outcome(rye.id);
    expect(() => jobs.resume(rye.id)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST', message: expect.stringContaining('is done, not waiting') }));
    expect(() => jobs.resume('no-such-job')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('ends cancelled when cancelled, and whoever waited on it hears so', async () => {
    const { open, spaceId } = await arrangeJobs();
    const jobs = open();
    const bread = heldKind('space.prepare');
    jobs.register(bread.kind);
    const rye = bake(jobs, spaceId, 'rye');
    const outcome = jobs.outcome(rye.id);
    pause(await bread.runOf(rye.id));
    await expect.poll(() => jobs.get(rye.id).state).toBe('waiting');

    expect((await jobs.cancel(rye.id)).state).toBe('cancelled');

    await expect(outcome).rejects.toMatchObject({ code: 'CANCELLED', message: '"Baking rye" was cancelled.' });
    expect(() => jobs.resume(rye.id)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(bread.runs).toHaveLength(1);
  });
});

describe('a waiting job across a restart', () => {
  it('stays waiting, is neither counted as an attempt nor recovered, and runs again when resumed', async () => {
    const arrangement = await arrangeJobs();
    const { open, restart, spaceId } = arrangement;
    let jobs = open();
    let bread = heldKind('space.prepare');
    jobs.register(bread.kind);
    const rye = bake(jobs, spaceId, 'rye');
    const first = await bread.runOf(rye.id);
    first.job.step('kneaded');
    pause(first);
    await expect.poll(() => jobs.get(rye.id).state).toBe('waiting');
    expect(attemptsOf(arrangement.db, rye.id)).toBe(0); // a pause is no crash

    jobs = await restart(jobs);
    const recovered: string[] = [];
    bread = heldKind('space.prepare', { recover: (job) => (recovered.push(job.id), { resume: true }) });
    jobs.register(bread.kind);
    expect(await jobs.recover()).toEqual({ resumed: 0, ended: 0 });

    expect(recovered).toEqual([]);
    expect(bread.runs).toEqual([]);
    expect(jobs.get(rye.id).state).toBe('waiting');
    expect(jobs.list({ spaceId, states: ['queued', 'running', 'waiting'], limit: 10 }).map((job) => job.id)).toEqual([rye.id]);
    expect(attemptsOf(arrangement.db, rye.id)).toBe(0);
    const outcome = jobs.outcome(rye.id);

    jobs.resume(rye.id);
    const second = await bread.runOf(rye.id);
    expect(second.job.attempt).toBe(2);
    expect(second.job.steps.map((step) => step.step)).toEqual(['kneaded']);
    second.finish();
    expect(await outcome).toEqual({ loaf: 'rye', steps: ['kneaded'] });
    expect(await journalOf(jobs, rye.id)).toEqual(['queued', 'running', 'step kneaded', 'waiting', 'queued', 'running', 'done']);
  });

  it('is resumed at the next start when its answer was stored before the crash cut its resume short', async () => {
    const arrangement = await arrangeJobs();
    let jobs = arrangement.open();
    let bread = heldKind('space.prepare');
    jobs.register(bread.kind);
    const rye = bake(jobs, arrangement.spaceId, 'rye');
    const wheat = bake(jobs, arrangement.spaceId, 'wheat');
    pause(await bread.runOf(rye.id));
    pause(await bread.runOf(wheat.id));
    await expect.poll(() => [jobs.get(rye.id).state, jobs.get(wheat.id).state]).toEqual(['waiting', 'waiting']);

    // Rye's answer is in (the kind says so); wheat still waits for its own.
    jobs = arrangement.crash(jobs);
    bread = heldKind('space.prepare');
    const asked: string[] = [];
    jobs.register({ ...bread.kind, answered: (job) => (asked.push(job.id), job.id === rye.id) });
    expect(await jobs.recover()).toEqual({ resumed: 1, ended: 0 });

    expect(asked.sort()).toEqual([rye.id, wheat.id].sort());
    (await bread.runOf(rye.id)).finish();
    expect(await jobs.outcome(rye.id)).toEqual({ loaf: 'rye', steps: [] });
    expect(jobs.get(wheat.id).state).toBe('waiting');
  });

  it('stays waiting after a crash too, many times over, without being given up', async () => {
    const arrangement = await arrangeJobs();
    let jobs = arrangement.open();
    let bread = heldKind('space.prepare');
    jobs.register(bread.kind);
    const rye = bake(jobs, arrangement.spaceId, 'rye');
    pause(await bread.runOf(rye.id));
    await expect.poll(() => jobs.get(rye.id).state).toBe('waiting');

    for (let crash = 0; crash < 6; crash++) {
      jobs = arrangement.crash(jobs);
      jobs.register((bread = heldKind('space.prepare')).kind);
      await jobs.recover();
      expect(jobs.get(rye.id).state).toBe('waiting');
    }

    jobs.resume(rye.id);
    (await bread.runOf(rye.id)).finish();
    expect(await jobs.outcome(rye.id)).toEqual({ loaf: 'rye', steps: [] });
  });
});
