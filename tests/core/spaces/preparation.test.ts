/**
 * SpacePreparations on scripted work whose steps the test releases one by one: a watcher joining midway learns
 * where the work is, a failure is kept as the space's state and tried again on the next request, a run for a
 * new embedder waits for the old one to stop, and closing cancels the work.
 */
import { describe, expect, it, vi } from 'vitest';
import { SpacePreparations, type PreparationWork } from '../../../app/core/spaces/index.js';
import { HearthError, type SpacePrepareProgress, type SpacePrepareResult } from '../../../schemas/index.js';
import { drain } from '../../fixtures/hearth-runner.js';

/** Work of `total` steps, each waiting for `step()`; it fails when `fail(error)` is called instead. */
function scripted(total: number) {
  const releases: Array<(error?: Error) => void> = [];
  let started = 0;
  let cancelledBy: AbortSignal | undefined;
  const work: PreparationWork = async function* (signal) {
    started++;
    cancelledBy = signal;
    yield { stage: 'embedding', done: 0, total };
    for (let done = 1; done <= total; done++) {
      const error = await new Promise<Error | undefined>((resolve) => releases.push(resolve));
      if (error) throw error;
      if (signal.aborted) throw new HearthError('CANCELLED', 'Embedding was cancelled.');
      yield { stage: 'embedding', done, total };
    }
    return { status: 'reembedded', embedded: total, removed: 0 } satisfies SpacePrepareResult;
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return {
    work,
    get started() {
      return started;
    },
    get signal() {
      return cancelledBy;
    },
    async step() {
      await vi.waitFor(() => expect(releases.length).toBeGreaterThan(0));
      releases.shift()!();
      await settle();
    },
    async fail(error: Error) {
      await vi.waitFor(() => expect(releases.length).toBeGreaterThan(0));
      releases.shift()!(error);
      await settle();
    },
  };
}

describe('SpacePreparations', () => {
  it('lets a watcher join midway at the latest progress, and runs the work once', async () => {
    const preparations = new SpacePreparations();
    const script = scripted(3);
    const first = preparations.prepare('space', 'mini', script.work);
    const early = drain(first.watch());
    await script.step();
    await script.step();

    const joined = preparations.prepare('space', 'mini', script.work);
    expect(joined).toBe(first);
    const late = joined.watch();
    expect((await late.next()).value).toEqual({ stage: 'embedding', done: 2, total: 3 });
    expect(preparations.state('space')).toEqual({ status: 'embedding', embedderId: 'mini', done: 2, total: 3 });
    await script.step();

    expect((await early).events.map((event: SpacePrepareProgress) => event.done)).toEqual([0, 1, 2, 3]);
    expect(await drain(late)).toEqual({ events: [{ stage: 'embedding', done: 3, total: 3 }], result: { status: 'reembedded', embedded: 3, removed: 0 } });
    expect(script.started).toBe(1);
    expect(preparations.state('space')).toEqual({ status: 'idle' });
  });

  it('keeps a failure as the state, tells every watcher, and tries again on the next request', async () => {
    const preparations = new SpacePreparations();
    const script = scripted(2);
    const failing = preparations.prepare('space', 'mini', script.work);
    const told = { code: 'INTERNAL', message: expect.stringContaining('out of memory') };
    const watchers = [expect(drain(failing.watch())).rejects.toMatchObject(told), expect(drain(failing.watch())).rejects.toMatchObject(told)];
    await script.fail(new Error('onnxruntime: out of memory'));
    await Promise.all(watchers);
    await expect(failing.finished).rejects.toBeInstanceOf(HearthError);
    expect(preparations.state('space')).toEqual({
      status: 'failed',
      embedderId: 'mini',
      error: { code: 'INTERNAL', message: 'Preparing search in this space failed: onnxruntime: out of memory' },
    });

    const retry = preparations.prepare('space', 'mini', script.work);
    expect(retry).not.toBe(failing);
    const watched = drain(retry.watch());
    await script.step();
    await script.step();
    expect((await watched).result.status).toBe('reembedded');
    expect(script.started).toBe(2);
  });

  it('stops a watcher whose signal aborts, even while the work is between steps, and only that watcher', async () => {
    const preparations = new SpacePreparations();
    const script = scripted(1);
    const preparation = preparations.prepare('space', 'mini', script.work);
    const controller = new AbortController();
    const leaving = preparation.watch(controller.signal);
    const staying = drain(preparation.watch());
    expect((await leaving.next()).value).toEqual({ stage: 'embedding', done: 0, total: 1 });
    const waiting = leaving.next();
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(script.signal?.aborted).toBe(false);

    await script.step();
    expect((await staying).result).toEqual({ status: 'reembedded', embedded: 1, removed: 0 });
  });

  it('cancels the run for an older embedder and starts the new one only once it has stopped', async () => {
    const preparations = new SpacePreparations();
    const old = scripted(2);
    const fresh = scripted(1);
    const first = preparations.prepare('space', 'mini', old.work);
    const oldWatcher = expect(drain(first.watch())).rejects.toMatchObject({ code: 'CANCELLED' });
    await new Promise((resolve) => setTimeout(resolve, 0));

    const second = preparations.prepare('space', 'other', fresh.work);
    expect(old.signal?.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(fresh.started).toBe(0); // the old run still holds the table

    await old.step();
    await oldWatcher;
    const watched = drain(second.watch());
    await fresh.step();
    expect((await watched).result.embedded).toBe(1);
    expect(preparations.state('space')).toEqual({ status: 'idle' });
  });

  it('cancels what is running when closed, and refuses to start more', async () => {
    const preparations = new SpacePreparations();
    const script = scripted(3);
    const preparation = preparations.prepare('space', 'mini', script.work);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const closing = preparations.dispose();
    await script.step();
    await closing;
    await expect(preparation.finished).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(() => preparations.prepare('space', 'mini', script.work)).toThrow(HearthError);
  });
});
