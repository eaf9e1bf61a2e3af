/**
 * What a run of a graph keeps after every step, and where it keeps it. A checkpoint holds everything the runtime
 * needs to go on from there in another process: the state, the nodes of the next step, the updates of nodes of
 * that step that finished before another one interrupted, the pending interrupt, the resume values given so far,
 * and what the run has used of its limits. Every checkpointer passes the same contract suite.
 */

/** How far a run may go before it pauses and asks whether to go on. */
export interface RunLimits {
  /** Steps (each a set of nodes run together). */
  readonly maxSteps: number;
  /** Milliseconds of running, not counting the time it spent paused. */
  readonly maxMs?: number | undefined;
  /** Model tokens, as the nodes count them with `ctx.addTokens`. */
  readonly maxTokens?: number | undefined;
}

export type LimitName = 'steps' | 'time' | 'tokens';

/** What an interrupted run waits for: a node's request, or word that it reached a limit. */
export interface LimitRequest {
  readonly kind: 'limit';
  readonly limit: LimitName;
  readonly used: number;
  readonly allowed: number;
}

export interface PendingInterrupt {
  /** Names this question of this run, the same however often the run is run again. */
  readonly id: string;
  /** The node that asked (absent for a limit). */
  readonly node?: string | undefined;
  readonly request: unknown;
}

export interface RunUsage {
  readonly steps: number;
  readonly tokens: number;
  readonly ms: number;
}

export type CheckpointStatus = 'running' | 'interrupted' | 'done';

export interface Checkpoint {
  readonly threadKey: string;
  readonly runId: string;
  /** Steps done so far; the state is what they left. */
  readonly step: number;
  readonly status: CheckpointStatus;
  readonly state: unknown;
  /** The nodes of the next step, in the order their updates are merged. Empty once the run is done. */
  readonly next: readonly string[];
  /** Updates of nodes of the next step that finished before another node of it interrupted (they do not run again). */
  readonly pendingWrites: readonly { readonly node: string; readonly update: unknown }[];
  readonly interrupt?: PendingInterrupt | undefined;
  /** Per node of the next step, the values its interrupts were resumed with so far, in the order it asked. */
  readonly resumes: Readonly<Record<string, readonly unknown[]>>;
  readonly usage: RunUsage;
  /** The limits the run was started with: each "go on" extends a limit by its original amount. */
  readonly limits: RunLimits;
  /** The limits as extended so far. */
  readonly allowed: RunLimits;
  readonly createdAt: string;
}

export interface Checkpointer {
  /** Keeps a checkpoint as the latest of its run; once it has returned, a crash does not lose it. */
  put(checkpoint: Checkpoint): Promise<void>;
  /** The latest checkpoint of a run, undefined if it never ran. */
  latest(threadKey: string, runId: string): Promise<Checkpoint | undefined>;
  /** A run's checkpoints, oldest first (a checkpointer may keep only the last ones). */
  history(threadKey: string, runId: string): Promise<Checkpoint[]>;
  /** The runs of a thread, oldest first. */
  runs(threadKey: string): Promise<string[]>;
  /** Forgets a run's checkpoints. */
  deleteRun(threadKey: string, runId: string): Promise<void>;
}

/**
 * Checkpoints in memory (tests, benches, runs nobody needs after a restart). It keeps JSON copies, as a database
 * does, so a node that changes an object after its step cannot change a checkpoint.
 */
export class MemoryCheckpointer implements Checkpointer {
  private readonly threads = new Map<string, Map<string, string[]>>();

  constructor(private readonly options: { keepPerRun?: number } = {}) {}

  async put(checkpoint: Checkpoint): Promise<void> {
    let runs = this.threads.get(checkpoint.threadKey);
    if (!runs) this.threads.set(checkpoint.threadKey, (runs = new Map()));
    let list = runs.get(checkpoint.runId);
    if (!list) runs.set(checkpoint.runId, (list = []));
    list.push(JSON.stringify(checkpoint));
    const keep = this.options.keepPerRun ?? defaultKeepPerRun;
    if (list.length > keep) list.splice(0, list.length - keep);
  }

  async latest(threadKey: string, runId: string): Promise<Checkpoint | undefined> {
    const list = this.threads.get(threadKey)?.get(runId);
    const last = list?.[list.length - 1];
    return last === undefined ? undefined : (JSON.parse(last) as Checkpoint);
  }

  async history(threadKey: string, runId: string): Promise<Checkpoint[]> {
    return (this.threads.get(threadKey)?.get(runId) ?? []).map((text) => JSON.parse(text) as Checkpoint);
  }

  async runs(threadKey: string): Promise<string[]> {
    return [...(this.threads.get(threadKey)?.keys() ?? [])];
  }

  async deleteRun(threadKey: string, runId: string): Promise<void> {
    this.threads.get(threadKey)?.delete(runId);
  }
}

/** How many checkpoints of a run are kept: the latest is what matters, a few before it help to see how it got there. */
export const defaultKeepPerRun = 20;
