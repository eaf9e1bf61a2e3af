/**
 * Runs a compiled graph, step by step, durably: each step runs its nodes together (branches), merges their
 * updates through the channels' reducers in the order the nodes were added, chooses the next nodes, and writes a
 * checkpoint before the next step starts — so a crash loses at most the step in flight, and `run` with the same
 * thread key and run id goes on from the latest checkpoint (after a restart too). A run pauses instead of failing
 * when a node interrupts or a limit is reached; it is resumed by calling `run` again with `resume`.
 */
import { HearthError } from '../../../../schemas/index.js';
import type { Checkpoint, Checkpointer, LimitName, LimitRequest, PendingInterrupt, RunLimits, RunUsage } from './checkpointer.js';
import { END, START, graphError, type GraphShape, type NodeContext, type StateUpdate } from './graph-shape.js';

export interface RunOptions<S> {
  readonly runId: string;
  /** The conversation's key, `{org:team:channel:thread}`. */
  readonly threadKey: string;
  /** The first update of the state; used only when the run has no checkpoint yet. */
  readonly input?: StateUpdate<S> | undefined;
  /**
   * The answer to the pending interrupt (for a limit: `{ continue: true }` to go on — the limit grows by its
   * original amount from what was used —, `{ continue: false }` to end the run here with its state). Ignored when
   * the latest checkpoint holds no interrupt, or one other than `resumeFor`.
   */
  readonly resume?: unknown;
  /**
   * The `interruptId` the answer is for. Give it: a run recovered after a crash may pass the same answer again after
   * the node went on to ask its next question, and the answer must not be taken for that one.
   */
  readonly resumeFor?: string | undefined;
  readonly checkpointer: Checkpointer;
  readonly signal: AbortSignal;
  /** Used when the run starts; a resumed run keeps the limits it started with (as extended). */
  readonly limits: RunLimits;
  /** After each step's checkpoint is written (a progress event, say). */
  readonly onStep?: ((step: StepReport<S>) => void | Promise<void>) | undefined;
}

export interface StepReport<S> {
  readonly step: number;
  /** The nodes that ran in it, in merge order. */
  readonly nodes: readonly string[];
  readonly state: Readonly<S>;
  /** What runs next (empty: the run is done). */
  readonly next: readonly string[];
  readonly usage: RunUsage;
}

export type RunOutcome<S> =
  | { status: 'done'; state: S }
  /** `interruptId` names this question of this run (stable across reruns): resume with `resumeFor` set to it. */
  | { status: 'interrupted'; state: S; request: unknown; interruptId: string };

/** Thrown by `ctx.interrupt` to stop a node until the run is resumed. */
/** Whether a node's error is its `interrupt` asking something (to be let through, not a failure). */
export function isNodeInterrupt(error: unknown): boolean {
  return error instanceof NodeInterrupt;
}

class NodeInterrupt {
  constructor(
    readonly node: string,
    readonly request: unknown,
  ) {}
}

const threadKeyPattern = /^[^:]+:[^:]+:[^:]+:[^:]+$/;

export class CompiledGraph<S extends object> {
  readonly nodeNames: readonly string[];

  constructor(private readonly shape: GraphShape<S>) {
    this.nodeNames = [...shape.nodes.keys()];
  }

  async run(options: RunOptions<S>): Promise<RunOutcome<S>> {
    const { runId, threadKey, checkpointer, signal } = options;
    if (!threadKeyPattern.test(threadKey)) throw new HearthError('BAD_REQUEST', `"${threadKey}" is not a thread key: it reads {org:team:channel:thread}, four non-empty parts.`);
    if (runId.trim() === '') throw new HearthError('BAD_REQUEST', 'A run needs an id.');
    checkLimits(options.limits);
    const startedAt = Date.now();
    const stored = await checkpointer.latest(threadKey, runId);
    let cp: Checkpoint;
    if (!stored) {
      const state = this.apply(this.initialState(), [{ node: 'input', update: options.input ?? {} }]);
      cp = this.checkpoint({
        threadKey,
        runId,
        step: 0,
        status: 'running',
        state,
        next: this.successors(START, state),
        pendingWrites: [],
        resumes: {},
        usage: { steps: 0, tokens: 0, ms: 0 },
        limits: options.limits,
        allowed: options.limits,
      });
      await checkpointer.put(cp);
    } else {
      cp = { ...stored, state: this.readState(stored.state) };
      if (cp.status === 'done') return { status: 'done', state: cp.state as S };
      // A checkpoint another version of the graph wrote may name a node this one no longer has.
      const missing = cp.next.filter((node) => !this.shape.nodes.has(node));
      if (missing.length > 0) throw graphError(`The run's checkpoint goes on with ${missing.map((node) => `"${node}"`).join(', ')}, which this graph has no longer (nodes: ${this.nodeNames.join(', ')}); it cannot go on.`);
      if (cp.interrupt) {
        const stale = options.resumeFor !== undefined && options.resumeFor !== cp.interrupt.id;
        if (options.resume === undefined || stale) return { status: 'interrupted', state: cp.state as S, request: cp.interrupt.request, interruptId: cp.interrupt.id };
        const resumed = this.resumed(cp, cp.interrupt, options.resume);
        if (resumed === 'stop') {
          cp = { ...cp, status: 'done', next: [], interrupt: undefined, pendingWrites: [], resumes: {}, createdAt: new Date().toISOString() };
          await checkpointer.put(cp);
          return { status: 'done', state: cp.state as S };
        }
        cp = resumed;
      }
    }
    const msBefore = cp.usage.ms;
    const elapsed = () => msBefore + (Date.now() - startedAt);

    for (;;) {
      if (cp.next.length === 0) {
        // Only a graph whose START leads straight to END gets here undone; a last step writes `done` itself.
        if (cp.status !== 'done') {
          cp = this.checkpoint({ ...cp, status: 'done', usage: { ...cp.usage, ms: elapsed() } });
          await checkpointer.put(cp);
        }
        return { status: 'done', state: cp.state as S };
      }
      if (signal.aborted) throw cancelled(signal);
      const limit = reachedLimit({ ...cp.usage, ms: elapsed() }, cp.allowed);
      if (limit) {
        const id = `${cp.step}:limit:${limit.limit}:${limit.allowed}`;
        cp = this.checkpoint({ ...cp, status: 'interrupted', interrupt: { id, request: limit }, usage: { ...cp.usage, ms: elapsed() } });
        await checkpointer.put(cp);
        return { status: 'interrupted', state: cp.state as S, request: limit, interruptId: id };
      }

      const step = cp.step + 1;
      const state = cp.state as S;
      let tokens = cp.usage.tokens;
      const done = new Set(cp.pendingWrites.map((write) => write.node));
      const results = await Promise.allSettled(
        cp.next
          .filter((node) => !done.has(node))
          .map(async (node) => {
            const answers = cp.resumes[node] ?? [];
            let asked = 0;
            const ctx: NodeContext = {
              runId,
              threadKey,
              node,
              step,
              signal,
              interrupt: <T>(request: unknown): T => {
                const index = asked++;
                if (index < answers.length) return answers[index] as T;
                throw new NodeInterrupt(node, request);
              },
              addTokens: (count) => {
                if (Number.isFinite(count) && count > 0) tokens += count;
              },
            };
            const update = await this.shape.nodes.get(node)!(state, ctx);
            return { node, update: (update ?? {}) as unknown };
          }),
      );
      const usage = { steps: cp.usage.steps, tokens, ms: elapsed() };
      const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected' && !(result.reason instanceof NodeInterrupt));
      if (failure) {
        // The run fails with the node's own error; the latest checkpoint stays where the step began.
        if (signal.aborted) throw cancelled(signal);
        throw failure.reason;
      }
      const writes = [...cp.pendingWrites, ...results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))];
      const interrupts = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as NodeInterrupt] : []));
      if (interrupts.length > 0) {
        // The nodes that finished keep their updates and do not run again; the first node (in merge order) to ask is answered first.
        const first = interrupts.sort((a, b) => this.order(a.node) - this.order(b.node))[0]!;
        // The step, the node and how many of its questions were answered already: the same on every rerun.
        const id = `${step}:${first.node}:${cp.resumes[first.node]?.length ?? 0}`;
        cp = this.checkpoint({ ...cp, status: 'interrupted', pendingWrites: writes, interrupt: { id, node: first.node, request: first.request }, usage });
        await checkpointer.put(cp);
        return { status: 'interrupted', state, request: first.request, interruptId: id };
      }
      const ran = cp.next;
      const next = this.apply(state, writes.sort((a, b) => this.order(a.node) - this.order(b.node)));
      const following = this.nextNodes(ran, next);
      cp = this.checkpoint({
        ...cp,
        step,
        status: following.length === 0 ? 'done' : 'running',
        state: next,
        next: following,
        pendingWrites: [],
        interrupt: undefined,
        resumes: {},
        usage: { ...usage, steps: usage.steps + 1 },
      });
      await checkpointer.put(cp);
      await options.onStep?.({ step, nodes: ran, state: next, next: cp.next, usage: cp.usage });
    }
  }

  /** The checkpoint after a resume value was given: a limit extended, or the node's answers one longer. */
  private resumed(cp: Checkpoint, interrupt: PendingInterrupt, resume: unknown): Checkpoint | 'stop' {
    const base = { ...cp, status: 'running' as const, interrupt: undefined };
    if (interrupt.node === undefined) {
      const limit = interrupt.request as LimitRequest;
      const go = (resume as { continue?: unknown } | null)?.continue;
      if (go === false) return 'stop';
      if (go !== true) throw new HearthError('BAD_REQUEST', `The run paused at its ${limit.limit} limit; resume it with { continue: true } to go on or { continue: false } to end it.`);
      const key = limitKey[limit.limit];
      // From what was used, not what was allowed: time and tokens overshoot a little, and going on must buy a full round.
      return { ...base, allowed: { ...cp.allowed, [key]: Math.max(limit.used, cp.allowed[key] ?? 0) + (cp.limits[key] ?? 0) } };
    }
    return { ...base, resumes: { ...cp.resumes, [interrupt.node]: [...(cp.resumes[interrupt.node] ?? []), resume] } };
  }

  private initialState(): S {
    const state: Record<string, unknown> = {};
    for (const [key, channel] of Object.entries(this.shape.channels) as [string, { default(): unknown }][]) state[key] = channel.default();
    return state as S;
  }

  /** A state read back from a checkpoint, checked by the graph's schema when it has one. */
  private readState(value: unknown): S {
    if (!this.shape.schema) return value as S;
    const parsed = this.shape.schema.safeParse(value);
    if (!parsed.success) throw graphError(`The run's saved state does not fit this graph's state (${parsed.error.issues[0]?.path.join('.') || 'state'}: ${parsed.error.issues[0]?.message}); it cannot go on.`);
    return parsed.data;
  }

  /** Merges updates into a new state, in the order given. */
  private apply(state: S, writes: readonly { node: string; update: unknown }[]): S {
    const next = { ...state } as Record<string, unknown>;
    const channels = this.shape.channels as Record<string, { reducer?(current: unknown, update: unknown): unknown }>;
    for (const { node, update } of writes) {
      if (update === null || typeof update !== 'object' || Array.isArray(update)) throw graphError(`Node "${node}" returned ${JSON.stringify(update)}, not an update of the state (an object of channels).`);
      for (const [key, value] of Object.entries(update)) {
        const channel = channels[key];
        if (!channel) throw graphError(`Node "${node}" updated "${key}", which is not a channel of the state (channels: ${Object.keys(channels).join(', ')}).`);
        if (value === undefined) continue;
        next[key] = channel.reducer ? channel.reducer(next[key], value) : value;
      }
    }
    return next as S;
  }

  /** What runs after the nodes of a step: their edges' targets, each once, in merge order. */
  private nextNodes(ran: readonly string[], state: S): string[] {
    const next = new Set<string>();
    for (const node of ran) for (const to of this.successors(node, state)) next.add(to);
    return [...next].sort((a, b) => this.order(a) - this.order(b));
  }

  private successors(from: string, state: S): string[] {
    const targets = [...(this.shape.edges.get(from) ?? [])];
    for (const edge of this.shape.conditional.get(from) ?? []) {
      const chosen = edge.router(state);
      for (const name of typeof chosen === 'string' ? [chosen] : chosen) {
        if (name !== END && !this.shape.nodes.has(name)) throw graphError(`The conditional edge from ${from === START ? 'START' : `"${from}"`} chose "${name}", which is not a node (nodes: ${this.nodeNames.join(', ')}).`);
        if (edge.targets && !edge.targets.includes(name)) throw graphError(`The conditional edge from "${from}" chose "${name}", which is not among its targets (${edge.targets.join(', ')}).`);
        targets.push(name);
      }
    }
    return [...new Set(targets.filter((name) => name !== END))].sort((a, b) => this.order(a) - this.order(b));
  }

  private order(node: string): number {
    return this.nodeNames.indexOf(node);
  }

  private checkpoint(fields: Omit<Checkpoint, 'createdAt'> & { createdAt?: string }): Checkpoint {
    return { ...fields, createdAt: new Date().toISOString() };
  }
}

const limitKey: Record<LimitName, keyof RunLimits> = { steps: 'maxSteps', time: 'maxMs', tokens: 'maxTokens' };

function reachedLimit(usage: RunUsage, allowed: RunLimits): LimitRequest | undefined {
  if (usage.steps >= allowed.maxSteps) return { kind: 'limit', limit: 'steps', used: usage.steps, allowed: allowed.maxSteps };
  if (allowed.maxMs !== undefined && usage.ms >= allowed.maxMs) return { kind: 'limit', limit: 'time', used: usage.ms, allowed: allowed.maxMs };
  if (allowed.maxTokens !== undefined && usage.tokens >= allowed.maxTokens) return { kind: 'limit', limit: 'tokens', used: usage.tokens, allowed: allowed.maxTokens };
  return undefined;
}

function checkLimits(limits: RunLimits): void {
  for (const [name, value] of Object.entries(limits)) {
    if (value !== undefined && (!Number.isFinite(value) || value <= 0)) throw new HearthError('BAD_REQUEST', `The run's ${name} must be a positive number, not ${value}.`);
  }
}

function cancelled(signal: AbortSignal): HearthError {
  const reason: unknown = signal.reason;
  if (reason instanceof HearthError && reason.code === 'CANCELLED') return reason;
  return new HearthError('CANCELLED', 'The run was cancelled.');
}
