/**
 * One connection's worth of RPC: it reads client frames, runs them through the dispatcher, streams events
 * back, and cancels work by id. Electron IPC and the WebSocket server each make one session per window or
 * socket, for the caller the transport established; a malformed frame is answered with a typed error and never
 * ends the session.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { ClientFrame, HearthError, type ServerFrame } from '../../../schemas/index.js';
import type { Caller } from '../team/index.js';
import { describeIssues, type Dispatcher } from './dispatcher.js';

export interface RpcSessionOptions {
  /** The most requests (calls and open streams) one connection may have running; the next is refused RATE_LIMITED. Default: no limit. */
  maxInFlight?: number;
  onInternalError?: (error: unknown) => void;
}

export class RpcSession {
  private readonly inFlight = new Map<string, AbortController>();
  private disposed = false;
  private readonly callerOf: () => Caller;
  private readonly maxInFlight: number;
  private readonly onInternalError: (error: unknown) => void;

  constructor(
    private readonly dispatcher: Dispatcher,
    /**
     * Who is on the other end, as the transport established it; every call of this session is made as them. A
     * function is asked again for every request, so a share, a role change or a revoked token counts at once;
     * it throws (UNAUTHORIZED) when the caller is no longer let in.
     */
    caller: Caller | (() => Caller),
    private readonly send: (frame: ServerFrame) => void,
    options: RpcSessionOptions = {},
  ) {
    this.callerOf = typeof caller === 'function' ? caller : () => caller;
    this.maxInFlight = options.maxInFlight ?? Number.POSITIVE_INFINITY;
    this.onInternalError = options.onInternalError ?? ((error) => console.error('[hearth] internal error', error));
  }

  /** Accepts a frame as text (WebSocket) or as a structured-clone value (IPC). */
  receive(raw: unknown): void {
    if (this.disposed) return;
    let value = raw;
    if (typeof raw === 'string') {
      try {
        value = JSON.parse(raw);
      } catch {
        this.send({ type: 'error', id: null, error: { code: 'BAD_REQUEST', message: 'The frame is not valid JSON.' } });
        return;
      }
    }
    const parsed = ClientFrame.safeParse(value);
    if (!parsed.success) {
      const id = readId(value);
      this.send({
        type: 'error',
        id,
        error: { code: 'BAD_REQUEST', message: `Malformed frame: ${describeIssues(parsed.error.issues)}` },
      });
      return;
    }
    const frame = parsed.data;
    if (frame.type === 'cancel') {
      this.inFlight.get(frame.id)?.abort();
      return;
    }
    if (this.inFlight.has(frame.id)) {
      this.send({ type: 'error', id: frame.id, error: { code: 'BAD_REQUEST', message: `Request id ${frame.id} is already in use.` } });
      return;
    }
    if (this.inFlight.size >= this.maxInFlight) {
      this.send({
        type: 'error',
        id: frame.id,
        error: {
          code: 'RATE_LIMITED',
          message: `This connection already has ${this.inFlight.size} requests running, the most it may; wait for one to finish.`,
          details: { maxInFlight: this.maxInFlight },
        },
      });
      return;
    }
    void this.run(frame.id, frame.method, frame.params);
  }

  /** Cancels everything this session started (the window closed or the socket dropped). */
  dispose(): void {
    this.disposed = true;
    for (const controller of this.inFlight.values()) controller.abort();
    this.inFlight.clear();
  }

  private async run(id: string, method: string, params: unknown): Promise<void> {
    const controller = new AbortController();
    this.inFlight.set(id, controller);
    try {
      const outcome = this.dispatcher.dispatch(method, params, { signal: controller.signal, caller: this.callerOf() });
      if (outcome.kind === 'call') {
        this.emit({ type: 'result', id, result: await outcome.result });
        return;
      }
      for (;;) {
        if (controller.signal.aborted) {
          await outcome.events.return(undefined);
          throw new HearthError('CANCELLED', `${method} was cancelled.`);
        }
        const step = await outcome.events.next();
        if (step.done) {
          this.emit({ type: 'result', id, result: step.value });
          return;
        }
        this.emit({ type: 'event', id, event: step.value });
        // Let other frames in between events — a cancel for this stream, requests from other windows.
        await yieldToEventLoop();
      }
    } catch (error) {
      this.emit({ type: 'error', id, error: toPayload(error, controller.signal, this.onInternalError) });
    } finally {
      this.inFlight.delete(id);
    }
  }

  private emit(frame: ServerFrame): void {
    if (!this.disposed) this.send(frame);
  }
}

function toPayload(error: unknown, signal: AbortSignal, report: (error: unknown) => void) {
  if (error instanceof HearthError) return error.toPayload();
  if (signal.aborted) return { code: 'CANCELLED' as const, message: 'The request was cancelled.' };
  report(error);
  return { code: 'INTERNAL' as const, message: `Hearth failed: ${error instanceof Error ? error.message : String(error)}` };
}

function readId(value: unknown): string | null {
  if (typeof value === 'object' && value !== null && 'id' in value) {
    const id = (value as { id: unknown }).id;
    if (typeof id === 'string' && id.length > 0 && id.length <= 64) return id;
  }
  return null;
}
