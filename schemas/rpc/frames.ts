/** Frames: what the transports carry. `id` is chosen by the client and unique per connection. */
import { z } from 'zod';
import { ErrorPayload } from '../errors.js';

export const FrameId = z.string().min(1).max(64);

export const ClientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('request'), id: FrameId, method: z.string().max(100), params: z.unknown() }),
  z.object({ type: z.literal('cancel'), id: FrameId }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const ServerFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: FrameId, result: z.unknown() }),
  z.object({ type: z.literal('event'), id: FrameId, event: z.unknown() }),
  /** `id` is null when the frame it answers could not be read at all. */
  z.object({ type: z.literal('error'), id: FrameId.nullable(), error: ErrorPayload }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
