/**
 * A space's preparation for search: the one-off work every request in the space waits on (its keyword index
 * loaded, its passages embedded for the active embedding model), which can take minutes for a big space on a
 * CPU. One preparation per space runs at a time; any number of watchers follow its progress, and a watcher
 * that stops watching leaves the work running for the others and for the requests waiting on it.
 */
import { HearthError, type ErrorPayload, type SpacePrepareProgress, type SpacePrepareResult } from '../../../schemas/index.js';

/** What a space's preparation is doing: nothing (never started, or done), embedding, or failed. */
export type SpacePreparationState =
  | { status: 'idle' }
  | { status: 'embedding'; embedderId: string; done: number; total: number }
  | { status: 'failed'; embedderId: string; error: ErrorPayload };

/** The work itself: progress events, then the result; it stops when `signal` aborts. */
export type PreparationWork = (signal: AbortSignal) => AsyncGenerator<SpacePrepareProgress, SpacePrepareResult>;

type Outcome = { ok: true; result: SpacePrepareResult } | { ok: false; error: HearthError };

/** One run of a space's preparation, for one embedder. */
export class SpacePreparation {
  /** Settles with the work: the result, or the failure as a HearthError. */
  readonly finished: Promise<SpacePrepareResult>;
  private latest: SpacePrepareProgress | undefined;
  private outcome: Outcome | undefined;
  /** Resolved (and replaced) on every change, waking the watchers. */
  private changed = signalled();
  private readonly controller = new AbortController();

  constructor(
    readonly spaceId: string,
    readonly embedderId: string,
    work: PreparationWork,
    /** A preparation still settling (for the embedder before): the work starts after it, never beside it. */
    after?: Promise<unknown>,
  ) {
    this.finished = this.run(work, after);
    // Whoever needs the failure reads it from `finished` or a watcher; an unobserved one is still in `state`.
    this.finished.catch(() => undefined);
  }

  get state(): SpacePreparationState {
    if (this.outcome && !this.outcome.ok) return { status: 'failed', embedderId: this.embedderId, error: this.outcome.error.toPayload() };
    if (this.outcome || !this.latest) return { status: 'idle' };
    return { status: 'embedding', embedderId: this.embedderId, done: this.latest.done, total: this.latest.total };
  }

  get succeeded(): boolean {
    return this.outcome?.ok === true;
  }

  get failed(): boolean {
    return this.outcome?.ok === false;
  }

  get settled(): boolean {
    return this.outcome !== undefined;
  }

  /** Stops the work itself (the embedder changed again, or Hearth is closing); watchers see it fail with CANCELLED. */
  cancel(): void {
    this.controller.abort();
  }

  /**
   * Follows the progress: the latest event at once (a watcher joining midway learns where the work is), then
   * each new one, then the result. A slow watcher skips to the latest event rather than queueing them all:
   * an event says how far the work is, so only the newest matters. Aborting `signal` ends this watcher with
   * CANCELLED and nothing else.
   */
  async *watch(signal?: AbortSignal): AsyncGenerator<SpacePrepareProgress, SpacePrepareResult> {
    const stopped = abortion(signal);
    try {
      let seen: SpacePrepareProgress | undefined;
      for (;;) {
        if (signal?.aborted) {
          throw new HearthError('CANCELLED', 'Stopped following the preparation of this space; it goes on for the searches waiting on it.');
        }
        if (this.latest !== seen) {
          seen = this.latest;
          if (seen) yield seen;
          continue;
        }
        if (this.outcome) {
          if (this.outcome.ok) return this.outcome.result;
          throw this.outcome.error;
        }
        await Promise.race([this.changed.promise, stopped.promise]);
      }
    } finally {
      stopped.dispose();
    }
  }

  private async run(work: PreparationWork, after: Promise<unknown> | undefined): Promise<SpacePrepareResult> {
    try {
      // The earlier run's failure is its own watchers' news; this run only waits for it to let go of the table.
      await after?.catch(() => undefined);
      if (this.controller.signal.aborted) throw new HearthError('CANCELLED', 'The preparation was cancelled before it started.');
      const steps = work(this.controller.signal);
      for (;;) {
        const step = await steps.next();
        if (step.done) {
          this.settle({ ok: true, result: step.value });
          return step.value;
        }
        this.latest = step.value;
        this.wake();
      }
    } catch (error) {
      const failure =
        error instanceof HearthError
          ? error
          : new HearthError('INTERNAL', `Preparing search in this space failed: ${error instanceof Error ? error.message : String(error)}`);
      this.settle({ ok: false, error: failure });
      throw failure;
    }
  }

  private settle(outcome: Outcome): void {
    this.outcome = outcome;
    this.wake();
  }

  private wake(): void {
    const changed = this.changed;
    this.changed = signalled();
    changed.resolve();
  }
}

/** The preparation of each space: the one in flight or done for the active embedder, or the last one that failed. */
export class SpacePreparations {
  private readonly bySpace = new Map<string, SpacePreparation>();
  private disposed = false;

  /**
   * The space's preparation for `embedderId`: the one in flight or done is joined; a failed one is tried again;
   * one for another embedder is cancelled, and the new one starts once it has stopped.
   */
  prepare(spaceId: string, embedderId: string, work: PreparationWork): SpacePreparation {
    if (this.disposed) throw new HearthError('CANCELLED', 'Hearth is closing; the space was not prepared.');
    const current = this.bySpace.get(spaceId);
    if (current && current.embedderId === embedderId && !current.failed) return current;
    current?.cancel();
    const preparation = new SpacePreparation(spaceId, embedderId, work, current?.finished);
    this.bySpace.set(spaceId, preparation);
    return preparation;
  }

  /** The space's preparation if one was started since Hearth opened. */
  get(spaceId: string): SpacePreparation | undefined {
    return this.bySpace.get(spaceId);
  }

  state(spaceId: string): SpacePreparationState {
    return this.bySpace.get(spaceId)?.state ?? { status: 'idle' };
  }

  /** Cancels every preparation in flight and waits for them to stop, so the stores they write can be closed. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const running = [...this.bySpace.values()];
    for (const preparation of running) preparation.cancel();
    await Promise.all(running.map((preparation) => preparation.finished.catch(() => undefined)));
  }
}

function signalled(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** A promise that resolves when `signal` aborts (never without one), and a way to stop listening. */
function abortion(signal: AbortSignal | undefined): { promise: Promise<void>; dispose(): void } {
  const { promise, resolve } = signalled();
  if (!signal) return { promise, dispose: () => undefined };
  if (signal.aborted) resolve();
  signal.addEventListener('abort', resolve, { once: true });
  return { promise, dispose: () => signal.removeEventListener('abort', resolve) };
}
