/**
 * Long work as durable jobs. A job is started by a caller (its owner), runs in the core whether or not anyone
 * watches, and keeps its state, progress, step journal and result in SQLite as it goes. Any number of watchers
 * follow it from any point (`watch` reads the journal, then the live events from the broker); a watcher that
 * goes away stops only its watching, `cancel` stops the work. Each kind of job says how many run at once and how
 * it is recovered after a restart: run again from its journal, or ended with a reason a user can read — a job
 * is never silently dropped. Closing Hearth interrupts running jobs the way a crash would, so they resume on
 * the next start.
 */
import type { z } from 'zod';
import { HearthError, finalJobStates, type ErrorPayload, type JobEvent, type JobInfo, type JobInfoOf, type JobKindName, type JobOwner, type JobState } from '../../../schemas/index.js';
import type { Db } from '../storage/index.js';
import { runAsCaller, type Caller } from '../team/index.js';
import { Broker } from './broker.js';
import { stepsOf, toEvent, toInfo } from './job-info.js';
import { JobStore, type JobChange, type StoredEvent, type StoredJob } from './job-store.js';

/** One run of a job, as its kind's `run` sees it. */
export interface JobRun<P, E, S = never> {
  readonly id: string;
  readonly spaceId: string;
  readonly params: P;
  /** What the job was started with that is never stored (a PDF's password); absent after a restart. */
  readonly secret: S | undefined;
  /** The owner's rights, acting as this job. */
  readonly caller: Caller;
  /** Aborts on `cancel` and when Hearth closes; the run stops as soon as it can. */
  readonly signal: AbortSignal;
  /** How many times the job has been started, this run included (more than 1 after a restart). */
  readonly attempt: number;
  /** The steps the journal holds so far, from earlier runs too: how far the work had got. */
  readonly steps: readonly { step: string; detail: string | undefined }[];
  progress(event: E): void;
  /** Writes a step to the journal: the work got this far, and a run after a restart can start from here. */
  step(step: string, detail?: string): void;
  /**
   * Pauses the job until `Jobs.resume` (someone answered what it asked): throws a `JobWaits`, which the run lets
   * through; the job is then `waiting`, its slot is free for the next one, and it runs again — from its own
   * checkpoint, with `attempt` + 1 — when resumed, after a restart too. Write what it waits for (a progress
   * event, a checkpoint) before calling this, with no `await` in between, so an answer never finds it running.
   */
  wait(): never;
}

/** Thrown by `JobRun.wait()`: the run pauses, not fails. A kind's code must let it through (rethrow it). */
export class JobWaits extends Error {
  constructor(readonly jobId: string) {
    super(`Job ${jobId} waits to be resumed.`);
    this.name = 'JobWaits';
  }
}

/** What to do with a job a restart interrupted. */
export type Recovery<R> = { resume: true } | { done: R } | { fail: HearthError };

export interface JobKind<P, E, R, S = never> {
  readonly kind: JobKindName;
  readonly params: z.ZodType<P>;
  readonly progress: z.ZodType<E>;
  readonly result: z.ZodType<R>;
  /** How many jobs of this kind run at once; the rest wait, queued, in the order they were started. Default 1. */
  readonly concurrency?: number;
  run(job: JobRun<P, E, S>): Promise<R>;
  /**
   * Once at start-up, before any job is recovered: the kind brings what its jobs write back to a state it can
   * stand behind (ingest finishes or rolls back documents a crash left half-stored), so each job's recovery
   * can read it.
   */
  beforeRecovery?(): void | Promise<void>;
  /** After a restart, for a job that was queued or running; without it, the job runs again. */
  recover?(job: { id: string; spaceId: string; params: P; steps: JobRun<P, E, S>['steps'] }): Recovery<R> | Promise<Recovery<R>>;
  /**
   * After a restart, for a job left `waiting`: whether its answer was stored already (a crash or a close came
   * between storing it and `resume`), so it is resumed now instead of waiting for an answer that was given.
   * Without it, a waiting job stays waiting.
   */
  answered?(job: { id: string; spaceId: string }): boolean | Promise<boolean>;
}

/** A job started this many times, each ended by a crash rather than an orderly close, is given up, so it cannot stop Hearth again. */
const maxAttempts = 5;
/** How long closing waits for running jobs to stop at their signal. */
const closeGraceMs = 10_000;
/** Finished jobs are kept this long, then forgotten with their journals. */
const keepFinishedDays = 30;

type AnyKind = JobKind<unknown, unknown, unknown, unknown>;

interface Active {
  job: StoredJob;
  kind: AnyKind;
  secret: unknown;
  controller: AbortController;
  /** Settles when the run has ended and its final state (if any) is written. */
  settled: Promise<void> | undefined;
}

interface Deferred {
  promise: Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Why a run's signal aborted. */
class Interruption extends Error {
  constructor(readonly why: 'cancel' | 'shutdown') {
    super(why === 'cancel' ? 'The job was cancelled.' : 'Hearth is closing.');
  }
}

/**
 * Whether a run's signal aborted because Hearth is closing: the job is not over (it resumes at the next start),
 * so a kind keeps what it still needs then instead of cleaning up after it.
 */
export function interruptedByClose(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof Interruption && signal.reason.why === 'shutdown';
}

export interface JobsOptions {
  /** The caller a stored owner stands for, to resume its job after a restart; undefined when it is no longer known. */
  owners(owner: JobOwner): Caller | undefined;
}

export class Jobs {
  readonly broker = new Broker<JobEvent>();
  private readonly store: JobStore;
  private readonly kinds = new Map<string, AnyKind>();
  /** Jobs of this process not finished yet, queued in start order or running. */
  private readonly active = new Map<string, Active>();
  private readonly outcomes = new Map<string, Deferred>();
  private closing = false;

  constructor(
    db: Db,
    private readonly options: JobsOptions,
  ) {
    this.store = new JobStore(db);
  }

  register<P, E, R, S>(kind: JobKind<P, E, R, S>): void {
    if (this.kinds.has(kind.kind)) throw new Error(`job kind ${kind.kind} is registered twice`);
    this.kinds.set(kind.kind, kind as unknown as AnyKind);
  }

  /** Starts a job (queued until its kind has room) and returns it at once. */
  start<K extends JobKindName, P, S = never>(
    kindName: K,
    request: { spaceId: string; title: string; subject: string; params: P; caller: Caller; secret?: S },
  ): JobInfoOf<K> {
    if (this.closing) throw new HearthError('CLOSING', 'Hearth is closing; the job was not started.');
    const kind = this.kindOf(kindName);
    const parsed = kind.params.safeParse(request.params);
    // Params come from Hearth's own code, never straight from a request: a mismatch is Hearth's fault.
    if (!parsed.success) throw new HearthError('INTERNAL', `A ${kindName} job was started with params outside its kind: ${parsed.error.message}`);
    const params = parsed.data;
    const job = this.store.insert({ kind: kindName, spaceId: request.spaceId, title: request.title, subject: request.subject, owner: request.caller.principal, params });
    this.write(job.id, { type: 'state', state: 'queued' }, { state: 'queued' });
    this.active.set(job.id, { job, kind, secret: request.secret, controller: new AbortController(), settled: undefined });
    this.schedule(kind);
    return this.get(job.id) as JobInfoOf<K>;
  }

  get(jobId: string): JobInfo {
    const job = this.store.get(jobId);
    if (!job) throw notFound(jobId);
    return toInfo(job);
  }

  /** The params a job was started with (for its own kind's bookkeeping; they never leave the core). */
  paramsOf(jobId: string): unknown {
    return this.store.get(jobId)?.params;
  }

  /** The space a job belongs to, for access checks. */
  spaceOf(jobId: string): string | undefined {
    return this.store.spaceOf(jobId);
  }

  list(filter: { spaceId: string; states: readonly JobState[]; kinds?: readonly JobKindName[] | undefined; limit: number }): JobInfo[] {
    return this.store.list(filter).map(toInfo);
  }

  /** How many jobs are in each state, across all spaces (for the team server's metrics). */
  countByState(): Record<JobState, number> {
    return this.store.countByState();
  }

  /** The unfinished job of `kind` in a space, if there is one (one preparation per space, say). */
  unfinished<K extends JobKindName>(kind: K, spaceId: string): JobInfoOf<K> | undefined {
    const active = [...this.active.values()].find((candidate) => candidate.job.kind === kind && candidate.job.spaceId === spaceId);
    return active ? (this.get(active.job.id) as JobInfoOf<K>) : undefined;
  }

  /**
   * The job's result once it is done: rejects with its error when it failed, with CANCELLED when it was
   * cancelled (or Hearth closed under it). For code that waits on a job it started or joined.
   */
  outcome(jobId: string): Promise<unknown> {
    const job = this.store.get(jobId);
    if (!job) return Promise.reject(notFound(jobId));
    // A waiting job is nobody's run, yet unfinished: its outcome comes once it is resumed and ends.
    if (isFinal(job.state) || (!this.active.has(jobId) && job.state !== 'waiting')) return settledOutcome(job);
    let deferred = this.outcomes.get(jobId);
    if (!deferred) this.outcomes.set(jobId, (deferred = defer()));
    return deferred.promise;
  }

  /**
   * Follows a job: the journal after `after`, then each event as it happens, to the final state; returns the
   * job's final info. Aborting `signal` stops this watcher only (CANCELLED), never the job.
   */
  async *watch(jobId: string, options: { after?: number; signal?: AbortSignal } = {}): AsyncGenerator<JobEvent, JobInfo> {
    if (!this.store.get(jobId)) throw notFound(jobId);
    // Subscribe before reading the journal, so nothing written in between is missed (it is skipped by number).
    const subscription = this.broker.subscribe(topicOf(jobId), options.signal ? { signal: options.signal } : {});
    let seen = options.after ?? 0;
    try {
      for (;;) {
        const missed = this.store.events(jobId, seen);
        for (const stored of missed) {
          if (options.signal?.aborted) throw new HearthError('CANCELLED', 'Stopped watching the job; it goes on.');
          const event = toEvent(stored);
          seen = event.seq;
          yield event;
          if (endsJob(event)) return this.get(jobId);
        }
        // The job may have gone on (and ended) while those were read: read again before deciding it has ended.
        if (missed.length > 0) continue;
        if (isFinal(this.store.get(jobId)!.state)) return this.get(jobId);
        for (;;) {
          const delivery = await subscription.next();
          if (delivery === undefined) {
            throw new HearthError('CANCELLED', 'Stopped watching the job; it goes on.');
          }
          // Lagged, or a gap: read what was missed from the journal.
          if ('lagged' in delivery || delivery.event.seq > seen + 1) break;
          if (delivery.event.seq <= seen) continue;
          seen = delivery.event.seq;
          yield delivery.event;
          if (endsJob(delivery.event)) return this.get(jobId);
        }
      }
    } finally {
      subscription.close();
    }
  }

  /**
   * Runs a waiting job again (someone answered what it waited for): it is queued, then run by its kind with
   * `attempt` + 1, from where it paused. A job that is not waiting cannot be resumed (BAD_REQUEST says its state).
   */
  resume(jobId: string): JobInfo {
    if (this.closing) throw new HearthError('CLOSING', 'Hearth is closing; the job was not resumed.');
    const job = this.store.get(jobId);
    if (!job) throw notFound(jobId);
    if (job.state !== 'waiting') {
      throw new HearthError('BAD_REQUEST', `"${job.title}" is ${job.state}, not waiting, so there is nothing to resume.`, { jobId, state: job.state });
    }
    // Stored as waiting but still this process's: it was resumed already and has not started again yet.
    if (this.active.has(jobId)) throw new HearthError('BAD_REQUEST', `"${job.title}" was resumed already; it goes on in a moment.`, { jobId, state: job.state });
    const kind = this.kindOf(job.kind);
    this.write(job.id, { type: 'state', state: 'queued' }, { state: 'queued' });
    this.active.set(job.id, { job: this.store.get(job.id)!, kind, secret: undefined, controller: new AbortController(), settled: undefined });
    this.schedule(kind);
    return this.get(job.id);
  }

  /**
   * Stops a job: a queued one never runs, a running one is stopped and a waiting one ends — both `cancelled`;
   * a finished one is left as it is.
   */
  async cancel(jobId: string): Promise<JobInfo> {
    const job = this.store.get(jobId);
    if (!job) throw notFound(jobId);
    const active = this.active.get(jobId);
    if (!active && job.state === 'waiting') {
      this.finishStored(job.id, 'cancelled', { error: cancelledError(job) });
      return this.get(jobId);
    }
    if (!active || isFinal(job.state)) return toInfo(job);
    if (active.settled === undefined) {
      this.active.delete(jobId);
      this.finish(active, 'cancelled', { error: cancelledError(job) });
      return this.get(jobId);
    }
    active.controller.abort(new Interruption('cancel'));
    await active.settled;
    return this.get(jobId);
  }

  /**
   * At start-up, once every kind is registered: each job a restart interrupted is run again or ended as its kind
   * says, and old finished jobs are forgotten. Returns how many were resumed and how many ended.
   */
  async recover(): Promise<{ resumed: number; ended: number }> {
    this.store.prune(new Date(Date.now() - keepFinishedDays * 24 * 3600 * 1000));
    for (const kind of this.kinds.values()) await kind.beforeRecovery?.();
    let resumed = 0;
    let ended = 0;
    for (const job of this.store.unfinished()) {
      if (this.active.has(job.id)) continue; // already this process's (recover called again)
      // A waiting job was not interrupted: it stays waiting for its answer, and the restart is no attempt of it —
      // unless the answer came in before the restart cut its resume short.
      if (job.state === 'waiting') {
        const waitingKind = this.kinds.get(job.kind);
        let answered = false;
        try {
          answered = (await waitingKind?.answered?.({ id: job.id, spaceId: job.spaceId })) ?? false;
        } catch (error) {
          // A kind that cannot tell must not stop Hearth from starting: the job stays waiting, and this says why.
          console.error(`[hearth] Could not tell whether "${job.title}" was answered while Hearth was down; it stays waiting: ${(error as Error).message}`);
        }
        if (waitingKind && answered) {
          this.write(job.id, { type: 'state', state: 'queued' }, { state: 'queued' });
          this.active.set(job.id, { job: this.store.get(job.id)!, kind: waitingKind, secret: undefined, controller: new AbortController(), settled: undefined });
          resumed++;
        }
        continue;
      }
      const end = (state: 'done' | 'failed' | 'cancelled', change: { result?: unknown; error?: ErrorPayload }) => {
        this.write(job.id, { type: 'state', state, ...change }, { state, ...change, finished: true });
        ended++;
      };
      const kind = this.kinds.get(job.kind);
      if (!kind) {
        end('failed', { error: { code: 'INTERNAL', message: `This version of Hearth does not know how to finish a "${job.kind}" job, so it was ended.` } });
        continue;
      }
      const caller = this.options.owners(job.owner);
      if (!caller) {
        end('failed', { error: { code: 'FORBIDDEN', message: `"${job.title}" was interrupted, and its owner ${job.owner.name} no longer has an account here, so it was not resumed.` } });
        continue;
      }
      if (job.attempts >= maxAttempts) {
        end('failed', {
          error: {
            code: 'INTERNAL',
            message: `"${job.title}" was interrupted ${job.attempts} times (Hearth stopped while doing it each time), so it was given up rather than tried again. Start it again if you want another try.`,
          },
        });
        continue;
      }
      let recovery: Recovery<unknown>;
      try {
        recovery = kind.recover ? await kind.recover({ id: job.id, spaceId: job.spaceId, params: kind.params.parse(job.params), steps: stepsOf(this.store.events(job.id, 0)) }) : { resume: true };
        // A result the kind cannot stand behind fails this job, not the start of Hearth.
        if ('done' in recovery) recovery = { done: kind.result.parse(recovery.done) };
      } catch (error) {
        recovery = { fail: toHearthError(error) };
      }
      if ('done' in recovery) end('done', { result: recovery.done });
      else if ('fail' in recovery) end(recovery.fail.code === 'CANCELLED' ? 'cancelled' : 'failed', { error: recovery.fail.toPayload() });
      else {
        this.write(job.id, { type: 'state', state: 'queued' }, { state: 'queued' });
        this.active.set(job.id, { job: this.store.get(job.id)!, kind, secret: undefined, controller: new AbortController(), settled: undefined });
        resumed++;
      }
    }
    for (const kind of this.kinds.values()) this.schedule(kind);
    return { resumed, ended };
  }

  /**
   * Takes no new jobs and interrupts the running ones as a crash would (they stay `running` in the store, to be
   * resumed on the next start), waiting until they have stopped so the stores they write can close.
   */
  async dispose(): Promise<void> {
    this.closing = true;
    const running = [...this.active.values()].filter((active) => active.settled !== undefined);
    for (const active of running) active.controller.abort(new Interruption('shutdown'));
    // A run that ignores its signal must not keep Hearth from closing: after the grace it is left behind, still
    // `running` in the store, and resumed at the next start like any interrupted job.
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), closeGraceMs)));
    const outcome = await Promise.race([Promise.all(running.map((active) => active.settled)).then(() => 'stopped' as const), grace]);
    clearTimeout(timer);
    if (outcome === 'late') console.error(`[hearth] ${running.filter((active) => this.active.has(active.job.id)).map((active) => `"${active.job.title}"`).join(', ')} did not stop within ${closeGraceMs / 1000} s of closing; it is resumed at the next start.`);
    for (const deferred of this.outcomes.values()) deferred.reject(new HearthError('CANCELLED', 'Hearth closed before the job finished; it goes on at the next start.'));
    this.outcomes.clear();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  private kindOf(name: string): AnyKind {
    const kind = this.kinds.get(name);
    if (!kind) throw new HearthError('INTERNAL', `No job kind "${name}" is registered.`);
    return kind;
  }

  /** Starts queued jobs of a kind while it has room, oldest first. */
  private schedule(kind: AnyKind): void {
    if (this.closing) return;
    const ofKind = [...this.active.values()].filter((active) => active.kind === kind);
    let room = (kind.concurrency ?? 1) - ofKind.filter((active) => active.settled !== undefined).length;
    for (const active of ofKind) {
      if (room <= 0) break;
      if (active.settled !== undefined) continue;
      room--;
      active.settled = this.run(active);
    }
  }

  private async run(active: Active): Promise<void> {
    const { job, kind, controller } = active;
    this.write(job.id, { type: 'state', state: 'running' }, { state: 'running', started: true });
    const caller = this.options.owners(job.owner)?.actingAs('job', job.id);
    const journal = this.store.events(job.id, 0);
    const steps = stepsOf(journal);
    // Every start, this one included, counted from the journal: the row's `attempts` leaves out orderly closes.
    const attempt = journal.filter((event) => event.body.type === 'state' && event.body.state === 'running').length;
    try {
      if (!caller) throw new HearthError('FORBIDDEN', `The owner of "${job.title}" no longer has an account here.`);
      const result = await runAsCaller(caller, () => kind.run({
        id: job.id,
        spaceId: job.spaceId,
        params: kind.params.parse(job.params),
        secret: active.secret,
        caller,
        signal: controller.signal,
        attempt,
        steps,
        wait: () => {
          throw new JobWaits(job.id);
        },
        progress: (event) => {
          const progress = kind.progress.parse(event);
          this.write(job.id, { type: 'progress', progress }, { progress });
        },
        step: (step, detail) => {
          this.write(job.id, { type: 'step', step, ...(detail !== undefined ? { detail } : {}) });
          steps.push({ step, detail });
        },
      }));
      const parsed = kind.result.parse(result);
      this.finish(active, 'done', { result: parsed });
    } catch (error) {
      const reason = controller.signal.reason;
      if (error instanceof JobWaits && error.jobId === job.id && !controller.signal.aborted) {
        // Paused, not ended: the outcome stays pending, and a pause is no crash, so it does not count towards giving up.
        this.write(job.id, { type: 'state', state: 'waiting' }, { state: 'waiting' });
        this.store.uncountStart(job.id);
        return;
      }
      if (reason instanceof Interruption && reason.why === 'shutdown') {
        // Left `running` in the store: the next start resumes it, as after a crash. The start does not count
        // towards giving up: only a run that never came back (a crash) says something about the job.
        this.store.uncountStart(job.id);
        return;
      }
      if (reason instanceof Interruption && reason.why === 'cancel') this.finish(active, 'cancelled', { error: cancelledError(job) });
      // A kind may end its own job as cancelled, saying why (a preparation for a model no longer in use).
      else if (error instanceof HearthError && error.code === 'CANCELLED') this.finish(active, 'cancelled', { error: error.toPayload() });
      else this.finish(active, 'failed', { error: toHearthError(error).toPayload() });
    } finally {
      this.active.delete(job.id);
      this.schedule(kind);
    }
  }

  private finish(active: Active, state: 'done' | 'failed' | 'cancelled', change: { result?: unknown; error?: ErrorPayload }): void {
    this.finishStored(active.job.id, state, change);
  }

  private finishStored(jobId: string, state: 'done' | 'failed' | 'cancelled', change: { result?: unknown; error?: ErrorPayload }): void {
    this.write(jobId, { type: 'state', state, ...change }, { state, ...change, finished: true });
    const deferred = this.outcomes.get(jobId);
    if (!deferred) return;
    this.outcomes.delete(jobId);
    if (state === 'done') deferred.resolve(change.result);
    else deferred.reject(HearthError.fromPayload(change.error ?? { code: 'INTERNAL', message: 'The job ended without saying why.' }));
  }

  /** Journals an event with its row change, then tells the watchers. */
  private write(jobId: string, body: StoredEvent['body'], change: JobChange = {}): void {
    const stored = this.store.append(jobId, body, change);
    this.broker.publish(topicOf(jobId), toEvent(stored));
  }
}

const topicOf = (jobId: string) => `job:${jobId}`;

const isFinal = (state: JobState) => finalJobStates.includes(state);

const endsJob = (event: JobEvent) => event.type === 'state' && isFinal(event.state);

function settledOutcome(job: StoredJob): Promise<unknown> {
  if (job.state === 'done') return Promise.resolve(job.result);
  const error = job.error ?? { code: 'CANCELLED' as const, message: `"${job.title}" was interrupted; it goes on at the next start.` };
  return Promise.reject(HearthError.fromPayload(error));
}

function cancelledError(job: StoredJob): ErrorPayload {
  return { code: 'CANCELLED', message: `"${job.title}" was cancelled.` };
}

function toHearthError(error: unknown): HearthError {
  if (error instanceof HearthError) return error;
  return new HearthError('INTERNAL', `Hearth failed: ${error instanceof Error ? error.message : String(error)}`);
}

function notFound(jobId: string): HearthError {
  return new HearthError('NOT_FOUND', `There is no job ${jobId} (finished jobs are kept for ${keepFinishedDays} days).`, { jobId });
}

function defer(): Deferred {
  let resolve!: (value: unknown) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<unknown>((res, rej) => ((resolve = res), (reject = rej)));
  // Whoever waits reads it; an unobserved failure is in the store.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
