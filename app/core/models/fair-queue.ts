/**
 * Fair turns at the one model a team server runs for many people. Each principal (the person a call is done
 * for) has its own line; a free slot goes to the principal served least recently — round robin among those
 * with work waiting, so nobody starves the others — skipping one already at its own limit of generations at
 * once, and a principal past its requests per minute is refused at once with when to try again. Chat models
 * handed out by the runtime go through `QueuedChatModel`, so every generation takes its turn here.
 */
import { HearthError } from '../../../schemas/index.js';
import { positiveIntegerFromEnv } from '../env.js';
import { currentCaller } from '../team/index.js';
import { checkChatRequest, type CallOptions, type ChatEvent, type ChatModel, type ChatRequest } from './types.js';

export interface FairQueueOptions {
  /** Generations running at once overall. Default: HEARTH_GENERATION_CONCURRENCY, else 1 (a local model). */
  concurrency?: number;
  /** Generations one principal may have running at once (never every slot, when there are two or more). Default: HEARTH_USER_CONCURRENCY, else 2. */
  perUserConcurrency?: number;
  /** Requests one principal may make in any 60 s. Default: HEARTH_USER_RPM, else 60. */
  perUserPerMinute?: number;
  /** Where the defaults are read from; `process.env` unless given. */
  env?: NodeJS.ProcessEnv;
  /** The clock, in milliseconds (tests move it by hand). */
  now?: () => number;
}

/** Gives the slot back; a second call does nothing. */
export type Release = () => void;

export interface WaitEstimate {
  /** 1 when the request (or a new one) would be the next to start. */
  position: number;
  /** Requests waiting that start before it. */
  aheadOfYou: number;
  /** About how long until it starts, from the recent generations' average length; 0 when a slot is free. */
  waitSeconds: number;
}

export interface FairQueueSnapshot {
  running: number;
  queued: number;
  byUser: Record<string, { running: number; queued: number }>;
}

/** The team member the current work is for; undefined for the local owner and work outside any call (not queued). */
export function currentPrincipalId(): string | undefined {
  const principal = currentCaller()?.principal;
  return principal?.kind === 'user' ? principal.id : undefined;
}

/**
 * Generations at once by default: HEARTH_GENERATION_CONCURRENCY when set; else 4 for a remote server (vLLM
 * batches requests) and 1 for a local model (one GPU, one sequence at a time).
 */
export function defaultGenerationConcurrency(remote: boolean, env: NodeJS.ProcessEnv = process.env): number {
  return positiveIntegerFromEnv(env, 'HEARTH_GENERATION_CONCURRENCY') ?? (remote ? 4 : 1);
}

const windowMs = 60_000;
/** Generations whose length the estimate averages. */
const recentDurations = 20;
/** The assumed length of a generation before any has finished. */
const assumedGenerationMs = 15_000;

interface Waiter {
  seq: number;
  grant: (release: Release) => void;
  fail: (error: HearthError) => void;
}

interface Principal {
  running: number;
  waiting: Waiter[];
  /** When its requests in the last minute were made, oldest first. */
  made: number[];
  /** The grant sequence number of its last turn; 0 when it has had none (or none that is remembered). */
  lastTurn: number;
}

export class FairQueue {
  private limit: number;
  readonly perUserConcurrency: number;
  readonly perUserPerMinute: number;
  private readonly now: () => number;
  private readonly principals = new Map<string, Principal>();
  private readonly durations: number[] = [];
  private running = 0;
  private seq = 0;
  private turns = 0;
  private closed = false;

  constructor(options: FairQueueOptions = {}) {
    const env = options.env ?? process.env;
    this.limit = positive('concurrency', options.concurrency) ?? defaultGenerationConcurrency(false, env);
    this.perUserConcurrency = positive('perUserConcurrency', options.perUserConcurrency) ?? positiveIntegerFromEnv(env, 'HEARTH_USER_CONCURRENCY') ?? 2;
    this.perUserPerMinute = positive('perUserPerMinute', options.perUserPerMinute) ?? positiveIntegerFromEnv(env, 'HEARTH_USER_RPM') ?? 60;
    this.now = options.now ?? Date.now;
  }

  get concurrency(): number {
    return this.limit;
  }

  /** Changes how many generations run at once (the runtime does, when the chat model changes between local and remote). */
  setConcurrency(concurrency: number): void {
    this.limit = positive('concurrency', concurrency)!;
    this.pump();
  }

  /**
   * Waits for a turn for `principalId`. Rejects at once with RATE_LIMITED past the per-minute limit (with
   * `details.retryAfterSeconds`), with CANCELLED when `signal` aborts before the turn comes, and with CLOSING
   * once the queue is closed.
   */
  acquire(principalId: string, options: { signal?: AbortSignal } = {}): Promise<Release> {
    const { signal } = options;
    if (this.closed) return Promise.reject(closing());
    if (signal?.aborted) return Promise.reject(cancelled());
    this.forgetIdle();
    const principal = this.principalOf(principalId);
    const now = this.now();
    while (principal.made.length > 0 && principal.made[0]! <= now - windowMs) principal.made.shift();
    if (principal.made.length >= this.perUserPerMinute) {
      const retryAfterSeconds = Math.max(1, Math.ceil((principal.made[0]! + windowMs - now) / 1000));
      return Promise.reject(
        new HearthError(
          'RATE_LIMITED',
          `You have made ${principal.made.length} requests in the last minute, the most allowed; try again in ${retryAfterSeconds} s.`,
          { retryAfterSeconds },
        ),
      );
    }
    principal.made.push(now);
    return new Promise<Release>((resolve, reject) => {
      const onAbort = () => {
        const at = principal.waiting.indexOf(waiter);
        if (at < 0) return;
        principal.waiting.splice(at, 1);
        reject(cancelled());
        this.pump();
      };
      const waiter: Waiter = {
        seq: ++this.seq,
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        fail: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      principal.waiting.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pump();
    });
  }

  /**
   * Where `principalId`'s first (or, with `which: 'last'`, latest) waiting request stands — or, with none
   * waiting, where a new one would — and about how long until it starts. Per-user limits are left out of the
   * reckoning: it is an estimate.
   */
  estimate(principalId: string, which: 'first' | 'last' = 'first'): WaitEstimate {
    const lines = [...this.principals.entries()]
      .filter(([id, p]) => p.waiting.length > 0 || id === principalId)
      .map(([id, p]) => ({ id, lastTurn: p.lastTurn, seqs: p.waiting.map((w) => w.seq) }));
    let line = lines.find((l) => l.id === principalId);
    if (!line) lines.push((line = { id: principalId, lastTurn: 0, seqs: [] }));
    const target = (which === 'first' ? line.seqs[0] : line.seqs.at(-1)) ?? Infinity;
    if (line.seqs.length === 0) line.seqs.push(target);
    // Play the turns out as `pump` would give them, until the request is reached.
    let aheadOfYou = 0;
    let turn = this.turns;
    for (;;) {
      const next = lines.filter((l) => l.seqs.length > 0).reduce((a, b) => (earlier(b.lastTurn, b.seqs[0]!, a.lastTurn, a.seqs[0]!) ? b : a));
      if (next === line && next.seqs[0] === target) break;
      next.seqs.shift();
      next.lastTurn = ++turn;
      aheadOfYou++;
    }
    const mustFinish = Math.max(0, this.running + aheadOfYou + 1 - this.limit);
    const waitSeconds = Math.ceil((mustFinish * this.averageGenerationMs()) / this.limit / 1000);
    return { position: aheadOfYou + 1, aheadOfYou, waitSeconds };
  }

  snapshot(): FairQueueSnapshot {
    const byUser: FairQueueSnapshot['byUser'] = {};
    let queued = 0;
    for (const [id, p] of this.principals) {
      if (p.running === 0 && p.waiting.length === 0) continue;
      byUser[id] = { running: p.running, queued: p.waiting.length };
      queued += p.waiting.length;
    }
    return { running: this.running, queued, byUser };
  }

  /** Refuses every waiting request and every new one with CLOSING; generations running finish as they would. */
  close(): void {
    this.closed = true;
    for (const p of this.principals.values()) for (const waiter of p.waiting.splice(0)) waiter.fail(closing());
  }

  /**
   * How many generations one principal may have running: its own limit, and never every slot — with two or
   * more, one is always left for someone else, so a newcomer never waits for a greedy user's whole turn.
   */
  private ownShare(): number {
    return Math.min(this.perUserConcurrency, Math.max(1, this.limit - 1));
  }

  /** Gives free slots to the principals served least recently, skipping those at their own limit. */
  private pump(): void {
    while (this.running < this.limit) {
      let chosen: Principal | undefined;
      for (const p of this.principals.values()) {
        if (p.waiting.length === 0 || p.running >= this.ownShare()) continue;
        if (!chosen || earlier(p.lastTurn, p.waiting[0]!.seq, chosen.lastTurn, chosen.waiting[0]!.seq)) chosen = p;
      }
      if (!chosen) return;
      const waiter = chosen.waiting.shift()!;
      chosen.lastTurn = ++this.turns;
      chosen.running++;
      this.running++;
      waiter.grant(this.releaseFor(chosen));
    }
  }

  private releaseFor(principal: Principal): Release {
    const started = this.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      principal.running--;
      this.running--;
      this.durations.push(this.now() - started);
      if (this.durations.length > recentDurations) this.durations.shift();
      this.pump();
    };
  }

  private averageGenerationMs(): number {
    if (this.durations.length === 0) return assumedGenerationMs;
    return this.durations.reduce((sum, ms) => sum + ms, 0) / this.durations.length;
  }

  private principalOf(id: string): Principal {
    let principal = this.principals.get(id);
    if (!principal) this.principals.set(id, (principal = { running: 0, waiting: [], made: [], lastTurn: 0 }));
    return principal;
  }

  /** Drops principals with nothing running, nothing waiting and no request in the last minute, so the map stays small. */
  private forgetIdle(): void {
    const since = this.now() - windowMs;
    for (const [id, p] of this.principals) {
      if (p.running === 0 && p.waiting.length === 0 && (p.made.at(-1) ?? -Infinity) <= since) this.principals.delete(id);
    }
  }
}

/**
 * A chat model whose every generation takes a turn in the queue first, for the current caller's principal.
 * Aborting while it waits ends the stream as `cancelled`, as the ChatModel contract says; the time spent
 * waiting counts in the reply's time to first token.
 */
export class QueuedChatModel implements ChatModel {
  constructor(
    readonly model: ChatModel,
    private readonly queue: FairQueue,
  ) {}

  get id(): string {
    return this.model.id;
  }

  get device(): string | undefined {
    return this.model.device;
  }

  chat(request: ChatRequest, options: CallOptions = {}): AsyncIterable<ChatEvent> {
    // Taken now, not at the first `next()`: the caller is whoever asked for the reply.
    const principalId = currentPrincipalId();
    // The person at this machine (the desktop, the box's own CLI) is not queued: the queue shares a server between team members.
    if (principalId === undefined) return this.model.chat(request, options);
    return this.generate(principalId, request, options);
  }

  dispose(): Promise<void> {
    return this.model.dispose();
  }

  private async *generate(principalId: string, request: ChatRequest, options: CallOptions): AsyncGenerator<ChatEvent> {
    // A request no model could serve is refused before it waits for a turn.
    checkChatRequest(request);
    const asked = performance.now();
    let release: Release;
    try {
      const turn = this.queue.acquire(principalId, options.signal ? { signal: options.signal } : {});
      // Still in line once asked (no free slot handed it one): say where it stands.
      if (options.onQueued && (this.queue.snapshot().byUser[principalId]?.queued ?? 0) > 0) {
        const { aheadOfYou, waitSeconds } = this.queue.estimate(principalId, 'last');
        try {
          options.onQueued({ aheadOfYou, waitSeconds });
        } catch (error) {
          // Telling is a courtesy: a listener that fails must not strand the turn (a slot taken and never given back).
          console.error('[hearth] a wait listener failed', error);
        }
      }
      release = await turn;
    } catch (error) {
      if (!(error instanceof HearthError && error.code === 'CANCELLED')) throw error;
      yield { type: 'finish', reason: 'cancelled', usage: { promptTokens: 0, completionTokens: 0, timeToFirstTokenMs: performance.now() - asked } };
      return;
    }
    const waitedMs = performance.now() - asked;
    try {
      for await (const event of this.model.chat(request, options)) {
        yield event.type === 'finish' ? { ...event, usage: { ...event.usage, timeToFirstTokenMs: event.usage.timeToFirstTokenMs + waitedMs } } : event;
      }
    } finally {
      release();
    }
  }
}

/** `a` (last turn, head of line) goes before `b`: the one served longer ago, then the one waiting longer. */
function earlier(aTurn: number, aSeq: number, bTurn: number, bSeq: number): boolean {
  return aTurn < bTurn || (aTurn === bTurn && aSeq < bSeq);
}

function positive(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 1) throw new HearthError('BAD_REQUEST', `The fair queue's ${name} must be a whole number of 1 or more; it is ${value}.`);
  return value;
}

const cancelled = () => new HearthError('CANCELLED', 'The request was cancelled while it waited for the model.');
const closing = () => new HearthError('CLOSING', 'Hearth is closing; no new generation is started.');
