/**
 * Watching a job from any point: a watcher reads the journal after the number it gives, then follows the live
 * events to the final state and gets the job's final info. However late it comes, however slowly it reads
 * (more events than the broker keeps for it), it sees every event once and in order; two watchers see the same
 * thing; a watcher that stops stops only itself.
 */
import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../schemas/index.js';
import { drain } from '../../fixtures/hearth-runner.js';
import { arrangeJobs, bake, describeEvent, heldKind } from '../../fixtures/held-jobs.js';

/** Reads the next `count` events of a watch. */
async function read(watch: AsyncGenerator<JobEvent>, count: number): Promise<JobEvent[]> {
  const events: JobEvent[] = [];
  for (let i = 0; i < count; i++) {
    const step = await watch.next();
    if (step.done) throw new Error(`the watch ended after ${events.length} of ${count} events`);
    events.push(step.value);
  }
  return events;
}

/** 1, 2, … n. */
const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

async function arrangeBaking() {
  const arrangement = await arrangeJobs();
  const jobs = arrangement.open();
  const bread = heldKind('space.prepare');
  jobs.register(bread.kind);
  const job = bake(jobs, arrangement.spaceId, 'rye');
  const run = await bread.runOf(job.id);
  return { ...arrangement, jobs, bread, job, run };
}

describe('watching a job', () => {
  it('from the start, joining late: the whole journal, then the live events, then the final info', async () => {
    const { jobs, job, run } = await arrangeBaking();
    run.job.progress({ done: 1 });
    run.job.step('kneaded');

    const watch = jobs.watch(job.id, { after: 0 });
    expect((await read(watch, 4)).map(describeEvent)).toEqual(['queued', 'running', 'progress 1', 'step kneaded']);
    const rest = drain(watch); // waiting for what comes next
    run.job.progress({ done: 2 });
    run.finish();

    const { events, result } = await rest;
    expect(events.map(describeEvent)).toEqual(['progress 2', 'done']);
    expect(events.map((event) => event.seq)).toEqual([5, 6]);
    expect(result).toMatchObject({ id: job.id, state: 'done', result: { loaf: 'rye', steps: ['kneaded'] }, lastSeq: 6 });
  });

  it('after a number: only what follows it', async () => {
    const { jobs, job, run } = await arrangeBaking();
    run.job.progress({ done: 1 });
    run.job.step('kneaded');
    const known = jobs.get(job.id).lastSeq;

    const watching = drain(jobs.watch(job.id, { after: known - 1 }));
    run.job.progress({ done: 2 });
    run.finish();

    const { events } = await watching;
    expect(events.map((event) => event.seq)).toEqual([known, known + 1, known + 2]);
    expect(events.map(describeEvent)).toEqual(['step kneaded', 'progress 2', 'done']);
  });

  it('shows two watchers the same events in the same order', async () => {
    const { jobs, job, run } = await arrangeBaking();
    const early = drain(jobs.watch(job.id));
    run.job.progress({ done: 1 });
    const late = drain(jobs.watch(job.id));
    run.job.step('proved');
    run.job.progress({ done: 2 });
    run.finish();

    const [first, second] = await Promise.all([early, late]);
    expect(first.events.map(describeEvent)).toEqual(['queued', 'running', 'progress 1', 'step proved', 'progress 2', 'done']);
    expect(second.events).toEqual(first.events);
    expect(second.result).toEqual(first.result);
  });

  it('stops only the watcher whose signal aborts: it gets CANCELLED, the job goes on', async () => {
    const { jobs, job, run } = await arrangeBaking();
    const leaving = new AbortController();
    const watch = jobs.watch(job.id, { signal: leaving.signal });
    const staying = drain(jobs.watch(job.id));
    await read(watch, 2);
    const waiting = watch.next();

    leaving.abort();

    await expect(waiting).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(run.job.signal.aborted).toBe(false);
    expect(jobs.get(job.id).state).toBe('running');
    run.job.progress({ done: 1 });
    run.finish();
    const { events, result } = await staying;
    expect(events.map(describeEvent)).toEqual(['queued', 'running', 'progress 1', 'done']);
    expect(result.state).toBe('done');
    expect(jobs.broker.subscribers(`job:${job.id}`)).toBe(0);
  });

  it('forgets a watcher that stops reading', async () => {
    const { jobs, job, run } = await arrangeBaking();
    const watch = jobs.watch(job.id);
    await read(watch, 2);
    expect(jobs.broker.subscribers(`job:${job.id}`)).toBe(1);

    await watch.return(jobs.get(job.id));

    expect(jobs.broker.subscribers(`job:${job.id}`)).toBe(0);
    run.finish();
    await jobs.outcome(job.id);
  });

  it('of a finished job: its journal and its final info at once, or just the info after its last event', async () => {
    const { jobs, job, run } = await arrangeBaking();
    run.job.step('baked');
    run.finish();
    await jobs.outcome(job.id);

    const whole = await drain(jobs.watch(job.id));
    expect(whole.events.map(describeEvent)).toEqual(['queued', 'running', 'step baked', 'done']);
    expect(whole.result).toEqual(jobs.get(job.id));

    const nothingNew = await drain(jobs.watch(job.id, { after: whole.result.lastSeq }));
    expect(nothingNew.events).toEqual([]);
    expect(nothingNew.result).toMatchObject({ state: 'done', result: { loaf: 'rye', steps: ['baked'] } });
    expect(jobs.broker.subscribers(`job:${job.id}`)).toBe(0);
  });

  it('that reads more slowly than the job writes: every event once, in order, caught up from the journal', async () => {
    const { jobs, job, run } = await arrangeBaking();
    const watch = jobs.watch(job.id);
    const seen = await read(watch, 2); // queued, running: from the journal
    const live = watch.next(); // caught up: it waits for the next event
    run.job.progress({ done: 1 });
    seen.push(...(await live.then((step) => (step.done ? [] : [step.value]))));
    // A subscriber that is away, as the watcher now is, while the job writes far more than the broker keeps for it.
    const away = jobs.broker.subscribe(`job:${job.id}`);

    for (let done = 2; done <= 3000; done++) run.job.progress({ done });
    expect(await away.next()).toEqual({ lagged: true });
    away.close();
    seen.push(...(await read(watch, 1500)));
    // It pauses again midway through catching up, and the job writes more and ends meanwhile.
    for (let done = 3001; done <= 6000; done++) run.job.progress({ done });
    run.job.step('baked');
    run.finish();
    const { events, result } = await drain(watch);
    seen.push(...events);

    expect(result.state).toBe('done');
    expect(seen.map((event) => event.seq)).toEqual(upTo(result.lastSeq));
    expect(seen.map(describeEvent)).toEqual(['queued', 'running', ...upTo(6000).map((done) => `progress ${done}`), 'step baked', 'done']);
  });

  it('that joins late and reads slowly while the job ends: still the whole journal', async () => {
    const { jobs, job, run } = await arrangeBaking();
    run.job.progress({ done: 1 });
    const watch = jobs.watch(job.id);
    const seen = await read(watch, 1); // it has read `queued` and pauses

    run.job.step('baked');
    run.finish();
    const { events } = await drain(watch);
    seen.push(...events);

    expect(seen.map(describeEvent)).toEqual(['queued', 'running', 'progress 1', 'step baked', 'done']);
  });
});
