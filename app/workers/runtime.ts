/**
 * The worker side of {@link WorkerHost}: answers calls from the main thread with handlers that may emit
 * events and watch an AbortSignal. Errors cross back as HearthError payloads.
 */
import { parentPort } from 'node:worker_threads';
import type { z } from 'zod';
import { HearthError } from '../../schemas/index.js';
import { HostMessage, type WorkerMessage } from '../core/threads/index.js';

export interface WorkerCallContext {
  signal: AbortSignal;
  emit(event: unknown): void;
}

/** A call's params checked against its schema; `what` names the call in the error (`ingest.parse`). */
export function parseParams<T>(schema: z.ZodType<T>, params: unknown, what: string): T {
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw new HearthError('BAD_REQUEST', `${what}: ${parsed.error.message}`);
  return parsed.data;
}

export type WorkerHandlers = Record<string, (params: unknown, ctx: WorkerCallContext) => Promise<unknown>>;

export function serveWorker(handlers: WorkerHandlers): void {
  const port = parentPort;
  if (!port) throw new Error('This module runs only inside a worker thread.');
  const inFlight = new Map<number, AbortController>();
  const post = (message: WorkerMessage) => port.postMessage(message);
  port.on('message', (raw: unknown) => {
    const parsed = HostMessage.safeParse(raw);
    if (!parsed.success) return; // only the host talks to us
    const message = parsed.data;
    if (message.type === 'cancel') {
      inFlight.get(message.id)?.abort();
      return;
    }
    const handler = handlers[message.method];
    if (!handler) {
      post({ type: 'error', id: message.id, error: { code: 'INTERNAL', message: `The worker has no method ${message.method}.` } });
      return;
    }
    const controller = new AbortController();
    inFlight.set(message.id, controller);
    handler(message.params, { signal: controller.signal, emit: (event) => post({ type: 'event', id: message.id, event }) })
      .then((result) => post({ type: 'result', id: message.id, result }))
      .catch((error: unknown) => {
        const payload =
          error instanceof HearthError
            ? error.toPayload()
            : { code: 'INTERNAL' as const, message: error instanceof Error ? error.message : String(error) };
        post({ type: 'error', id: message.id, error: payload });
      })
      .finally(() => inFlight.delete(message.id));
  });
}
