/**
 * Error codes shared by every layer. A code is stable: the UI, the CLI and scripts branch on it, so
 * codes are only ever added, never renamed.
 */
import { z } from 'zod';

export const ErrorCode = z.enum([
  'BAD_REQUEST', // a frame or its params failed validation
  'UNKNOWN_METHOD',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'CANCELLED',
  'FILE_UNREADABLE',
  'FILE_EMPTY',
  'FILE_BINARY',
  'FILE_TOO_LARGE',
  'UNSUPPORTED_FORMAT',
  'FORBIDDEN',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorPayload = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.unknown().optional(),
});
export type ErrorPayload = z.infer<typeof ErrorPayload>;

/** The one error class of Hearth; it crosses IPC and WS unchanged as an {@link ErrorPayload}. */
export class HearthError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HearthError';
  }

  toPayload(): ErrorPayload {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromPayload(payload: ErrorPayload): HearthError {
    return new HearthError(payload.code, payload.message, payload.details);
  }
}

export function isHearthError(error: unknown): error is HearthError {
  return error instanceof HearthError;
}
