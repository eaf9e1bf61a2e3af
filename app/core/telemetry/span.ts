/** What a span is to its callers: plain ids to hang children on, and the few things done to it. */
import type { AttributeValue, Attributes } from './attributes.js';

/** Where a span hangs: plain ids, storable in a checkpoint or a message. */
export interface SpanParent {
  readonly traceId: string;
  readonly spanId: string;
}

export interface HearthSpan extends SpanParent {
  /** Sets attributes; an undefined value is left out. */
  set(attributes: Attributes): void;
  event(name: string, attributes?: Attributes): void;
  /** Marks the span failed: status ERROR with the error's message, and an exception event. */
  fail(error: unknown): void;
  /** Ends the span; a second call does nothing. */
  end(): void;
}

export interface SpanOptions {
  /** The span it belongs under; none starts a new trace. */
  parent?: SpanParent | undefined;
  /** `client` for a call out of Hearth (a model), `internal` (the default) for work of its own. */
  kind?: 'internal' | 'client' | undefined;
  /** The space the trace is about; a child without one takes its trace's. */
  spaceId?: string | undefined;
  attributes?: Attributes | undefined;
}

/** A span as it ended, for whoever listens (the team server's metrics): never its children or its trace. */
export interface EndedSpan {
  readonly name: string;
  readonly kind: 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** Epoch milliseconds, to the microsecond. */
  readonly startMs: number;
  readonly endMs: number;
  readonly status: 'unset' | 'ok' | 'error';
}
