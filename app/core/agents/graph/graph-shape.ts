/**
 * The parts of a graph both its builder and its runtime know: START and END, channels, nodes and what they get,
 * routers of conditional edges, and the shape `compile()` hands to the runtime.
 */
import type { z } from 'zod';
import { HearthError } from '../../../../schemas/index.js';

/** Where every run begins and where every path ends; not names of nodes. */
export const START = '__start__';
export const END = '__end__';

export interface Channel<T> {
  /** The value before any update (a fresh array or object each call). */
  default(): T;
  /** How an update joins the value (appending messages, say); without one, an update replaces it. */
  reducer?(current: T, update: T): T;
}

export type StateChannels<S> = { [K in keyof S]-?: Channel<S[K]> };

/** What a node returns: the channels it changes. */
export type StateUpdate<S> = Partial<S>;

/** What a node gets besides the state. */
export interface NodeContext {
  readonly runId: string;
  readonly threadKey: string;
  readonly node: string;
  /** The number of this step (1 for the first). */
  readonly step: number;
  /** Aborts when the run is cancelled; pass it to whatever the node waits on. */
  readonly signal: AbortSignal;
  /**
   * Pauses the run to ask something (an approval, an input): the first time, it throws (let it through) and the
   * run returns `interrupted` with `request`; when the run is resumed with a value, the node runs again from its
   * start and this call returns that value. A node may ask several times: the calls are matched by their order.
   */
  interrupt<T = unknown>(request: unknown): T;
  /** Counts model tokens towards the run's token limit. */
  addTokens(tokens: number): void;
}

export type GraphNode<S> = (state: Readonly<S>, ctx: NodeContext) => Promise<StateUpdate<S> | void> | StateUpdate<S> | void;

/** Chooses what runs after a node: one name, several (branches of the next step), or END. */
export type EdgeRouter<S> = (state: Readonly<S>) => string | readonly string[];

export interface ConditionalEdge<S> {
  readonly router: EdgeRouter<S>;
  /** The names the router may return, if declared: the graph is checked against them, and so is each choice. */
  readonly targets: readonly string[] | undefined;
}

/** The graph as `compile()` leaves it, for the runtime. */
export interface GraphShape<S> {
  readonly channels: StateChannels<S>;
  readonly schema: z.ZodType<S> | undefined;
  /** In the order they were added: the order in which a step's updates are merged. */
  readonly nodes: ReadonlyMap<string, GraphNode<S>>;
  readonly edges: ReadonlyMap<string, readonly string[]>;
  readonly conditional: ReadonlyMap<string, readonly ConditionalEdge<S>[]>;
}

/** A graph built wrong is Hearth's own mistake, not the user's. */
export function graphError(message: string, details?: unknown): HearthError {
  return new HearthError('INTERNAL', message, details);
}
