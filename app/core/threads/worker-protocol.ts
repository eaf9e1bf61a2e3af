/**
 * The messages between a model host (main thread) and its worker thread. Calls are answered by one
 * result or error, with events in between for streams; a cancel aborts the call's signal in the worker.
 */
import { z } from 'zod';
import { ErrorPayload } from '../../../schemas/index.js';

export const HostMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('call'), id: z.number().int(), method: z.string(), params: z.unknown() }),
  z.object({ type: z.literal('cancel'), id: z.number().int() }),
]);
export type HostMessage = z.infer<typeof HostMessage>;

export const WorkerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('event'), id: z.number().int(), event: z.unknown() }),
  z.object({ type: z.literal('result'), id: z.number().int(), result: z.unknown() }),
  z.object({ type: z.literal('error'), id: z.number().int(), error: ErrorPayload }),
]);
export type WorkerMessage = z.infer<typeof WorkerMessage>;
