/**
 * HearthClient: the typed face of the core for the UI (and for tests and scripts). Calls and streams are
 * typed from the zod contract; results and events are validated on arrival, as everything crossing a
 * boundary is. Components never know which transport carries the frames.
 */
import {
  HearthError,
  ServerFrame,
  methods,
  type CallMethod,
  type EventOf,
  type MethodName,
  type ParamsIn,
  type Result,
  type StreamMethod,
} from '../../../../schemas/index.js';
import type { Transport } from './transport.js';

interface Pending {
  method: MethodName;
  onEvent?: (event: unknown) => void;
  resolve(result: unknown): void;
  reject(error: HearthError): void;
}

/** A frame from the core that the client could not use; reported, since dropping it would hide a broken core. */
export interface ClientProblem {
  /** What went wrong, in words a banner can show. */
  message: string;
  /** The frame as it arrived (parsed when it was JSON). */
  frame?: unknown;
}

export interface HearthClientOptions {
  /** Called for each frame outside the contract and each error the core could not tie to a request. */
  onProblem?: (problem: ClientProblem) => void;
}

export interface StreamHandle<M extends StreamMethod> extends AsyncIterable<EventOf<M>> {
  /**
   * The method's final result; rejects with a HearthError (code `CANCELLED` after a cancel: an aborted signal,
   * or the iteration stopped early, which cancels the request in the core).
   */
  readonly result: Promise<Result<M>>;
}

export class HearthClient {
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private readonly unlisten: () => void;
  private readonly unlistenDrop: () => void;
  private readonly onProblem: (problem: ClientProblem) => void;

  constructor(
    private readonly transport: Transport,
    options: HearthClientOptions = {},
  ) {
    this.onProblem = options.onProblem ?? ((problem) => console.error(`[hearth] ${problem.message}`, problem.frame));
    this.unlisten = transport.onFrame((frame) => this.receive(frame));
    this.unlistenDrop = transport.onDrop?.((error) => this.failAll(error)) ?? (() => undefined);
  }

  async call<M extends CallMethod>(method: M, params: ParamsIn<M>, opts: { signal?: AbortSignal } = {}): Promise<Result<M>> {
    const { result } = this.start(method, params, opts.signal);
    return result as Promise<Result<M>>;
  }

  /**
   * Starts a streaming method; iterate the handle for events, await `result` for the outcome. Leaving the
   * iteration early (`break`, `return()`) cancels the request: nobody is reading what it would still produce.
   */
  stream<M extends StreamMethod>(method: M, params: ParamsIn<M>, opts: { signal?: AbortSignal } = {}): StreamHandle<M> {
    const queue: EventOf<M>[] = [];
    let wake: (() => void) | undefined;
    let finished = false;
    let abandoned = false;
    const { result, cancel } = this.start(method, params, opts.signal, (event) => {
      queue.push(event as EventOf<M>);
      wake?.();
    });
    const settle = () => {
      finished = true;
      wake?.();
    };
    result.then(settle, settle);
    const done = { done: true, value: undefined } as const;
    return {
      result: result as Promise<Result<M>>,
      [Symbol.asyncIterator](): AsyncIterator<EventOf<M>> {
        return {
          async next(): Promise<IteratorResult<EventOf<M>>> {
            for (;;) {
              if (abandoned) return done;
              if (queue.length > 0) return { done: false, value: queue.shift()! };
              if (finished) {
                // Surface a failure to whoever iterates, not only to whoever awaits `result`.
                await result;
                return done;
              }
              await new Promise<void>((resolve) => (wake = resolve));
              wake = undefined;
            }
          },
          async return(): Promise<IteratorResult<EventOf<M>>> {
            abandoned = true;
            queue.length = 0;
            if (!finished) cancel();
            wake?.();
            return done;
          },
        };
      },
    };
  }

  close(): void {
    this.unlisten();
    this.unlistenDrop();
    for (const [, pending] of this.pending) pending.reject(new HearthError('CANCELLED', 'The connection to Hearth was closed.'));
    this.pending.clear();
    this.transport.close();
  }

  /** Rejects every request in flight; a transport calls it when the connection drops. */
  failAll(error: HearthError): void {
    for (const [, pending] of this.pending) pending.reject(error);
    this.pending.clear();
  }

  private start(method: MethodName, params: unknown, signal?: AbortSignal, onEvent?: (event: unknown) => void) {
    const id = String(this.nextId++);
    let sent = false;
    let fail: (error: HearthError) => void = () => undefined;
    /** Before the request went out it is simply dropped; after, the core is told and answers CANCELLED. */
    const cancel = () => {
      if (!this.pending.has(id)) return;
      if (!sent) {
        this.pending.delete(id);
        fail(new HearthError('CANCELLED', `${method} was cancelled before it started.`));
        return;
      }
      try {
        this.transport.send({ type: 'cancel', id });
      } catch (error) {
        // The connection is gone, so the core has dropped the request already; the cancel stands.
        this.pending.delete(id);
        fail(new HearthError('CANCELLED', `${method} was cancelled (${error instanceof Error ? error.message : String(error)}).`));
      }
    };
    const result = new Promise<unknown>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new HearthError('CANCELLED', `${method} was cancelled before it started.`));
        return;
      }
      // However the request ends, it lets go of the caller's signal, which may outlive many requests.
      const release = () => signal?.removeEventListener('abort', cancel);
      fail = (error) => {
        release();
        reject(error);
      };
      this.pending.set(id, {
        method,
        onEvent,
        resolve: (value) => {
          release();
          resolve(value);
        },
        reject: fail,
      });
      signal?.addEventListener('abort', cancel, { once: true });
      this.transport
        .ready()
        .then(() => {
          if (!this.pending.has(id)) return; // cancelled while the transport was connecting
          sent = true;
          this.transport.send({ type: 'request', id, method, params });
        })
        .catch((error: unknown) => {
          if (!this.pending.delete(id)) return;
          fail(error instanceof HearthError ? error : new HearthError('INTERNAL', `Could not reach Hearth: ${String(error)}`));
        });
    });
    return { id, result, cancel };
  }

  private receive(raw: unknown): void {
    const parsed = ServerFrame.safeParse(raw);
    if (!parsed.success) {
      this.onProblem({ message: `Hearth sent a frame that is not in the contract: ${describeIssues(parsed.error.issues)}`, frame: raw });
      return;
    }
    const frame = parsed.data;
    const { id } = frame;
    if (id === null) {
      // Only an error frame has no id: the core could not read something this client sent, so cannot say which request it was.
      const why = frame.type === 'error' ? frame.error.message : 'no request id';
      this.onProblem({ message: `Hearth could not read a request the app sent: ${why}`, frame: raw });
      return;
    }
    const pending = this.pending.get(id);
    // A request already settled here (cancelled before it went out, or failed when the connection dropped).
    if (!pending) return;
    const spec = methods[pending.method];
    if (frame.type === 'event') {
      if (spec.kind !== 'stream') {
        this.onProblem({ message: `Hearth sent an event for ${pending.method}, which sends none.`, frame: raw });
        return;
      }
      const event = spec.event.safeParse(frame.event);
      if (event.success) pending.onEvent?.(event.data);
      else this.onProblem({ message: `Hearth sent a ${pending.method} event that does not match the contract: ${describeIssues(event.error.issues)}`, frame: raw });
      return;
    }
    this.pending.delete(id);
    if (frame.type === 'error') {
      pending.reject(HearthError.fromPayload(frame.error));
      return;
    }
    const result = spec.result.safeParse(frame.result);
    if (result.success) {
      pending.resolve(result.data);
      return;
    }
    const message = `Hearth sent a ${pending.method} result that does not match the contract: ${describeIssues(result.error.issues)}`;
    this.onProblem({ message, frame: raw });
    pending.reject(new HearthError('INTERNAL', message, result.error.issues));
  }
}

/** The first few issues as `path: message`, short enough for a banner. */
function describeIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  const shown = issues.slice(0, 3).map((issue) => `${issue.path.map(String).join('.') || 'the frame'}: ${issue.message}`);
  return issues.length > 3 ? `${shown.join('; ')}; and ${issues.length - 3} more` : shown.join('; ');
}
