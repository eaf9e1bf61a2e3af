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

export interface StreamHandle<M extends StreamMethod> extends AsyncIterable<EventOf<M>> {
  /** The method's final result; rejects with a HearthError (code `CANCELLED` after a cancel). */
  readonly result: Promise<Result<M>>;
}

export class HearthClient {
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private readonly unlisten: () => void;

  constructor(private readonly transport: Transport) {
    this.unlisten = transport.onFrame((frame) => this.receive(frame));
  }

  async call<M extends CallMethod>(method: M, params: ParamsIn<M>, opts: { signal?: AbortSignal } = {}): Promise<Result<M>> {
    const { result } = this.start(method, params, opts.signal);
    return result as Promise<Result<M>>;
  }

  /** Starts a streaming method; iterate the handle for events, await `result` for the outcome. */
  stream<M extends StreamMethod>(method: M, params: ParamsIn<M>, opts: { signal?: AbortSignal } = {}): StreamHandle<M> {
    const queue: EventOf<M>[] = [];
    let wake: (() => void) | undefined;
    let finished = false;
    const { result } = this.start(method, params, opts.signal, (event) => {
      queue.push(event as EventOf<M>);
      wake?.();
    });
    const settle = () => {
      finished = true;
      wake?.();
    };
    result.then(settle, settle);
    return {
      result: result as Promise<Result<M>>,
      async *[Symbol.asyncIterator]() {
        for (;;) {
          if (queue.length > 0) {
            yield queue.shift()!;
            continue;
          }
          if (finished) {
            // Surface a failure to whoever iterates, not only to whoever awaits `result`.
            await result;
            return;
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      },
    };
  }

  close(): void {
    this.unlisten();
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
    const result = new Promise<unknown>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new HearthError('CANCELLED', `${method} was cancelled before it started.`));
        return;
      }
      this.pending.set(id, { method, resolve, reject, onEvent });
      let sent = false;
      signal?.addEventListener(
        'abort',
        () => {
          if (sent) {
            this.transport.send({ type: 'cancel', id });
            return;
          }
          this.pending.delete(id);
          reject(new HearthError('CANCELLED', `${method} was cancelled before it started.`));
        },
        { once: true },
      );
      this.transport
        .ready()
        .then(() => {
          if (!this.pending.has(id)) return; // cancelled while the transport was connecting
          sent = true;
          this.transport.send({ type: 'request', id, method, params });
        })
        .catch((error: unknown) => {
          this.pending.delete(id);
          reject(error instanceof HearthError ? error : new HearthError('INTERNAL', `Could not reach Hearth: ${String(error)}`));
        });
    });
    return { id, result };
  }

  private receive(raw: unknown): void {
    const parsed = ServerFrame.safeParse(raw);
    if (!parsed.success) return; // not ours to answer: a server never sends an unreadable frame on purpose
    const frame = parsed.data;
    if (frame.id === null) return;
    const pending = this.pending.get(frame.id);
    if (!pending) return;
    const spec = methods[pending.method];
    if (frame.type === 'event') {
      if (spec.kind !== 'stream') return;
      const event = spec.event.safeParse(frame.event);
      if (event.success) pending.onEvent?.(event.data);
      return;
    }
    this.pending.delete(frame.id);
    if (frame.type === 'error') {
      pending.reject(HearthError.fromPayload(frame.error));
      return;
    }
    const result = spec.result.safeParse(frame.result);
    if (result.success) pending.resolve(result.data);
    else pending.reject(new HearthError('INTERNAL', `Hearth sent a ${pending.method} result that does not match the contract.`, result.error.issues));
  }
}
