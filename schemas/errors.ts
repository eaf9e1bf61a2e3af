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
  'FILE_CORRUPT', // the file claims a format but its contents are broken
  'PASSWORD_REQUIRED', // an encrypted document: ask the user for its password
  'PASSWORD_INCORRECT',
  'FORBIDDEN',
  'MODEL_CONFIG_INVALID', // models.toml cannot be read, or an entry in it is wrong
  'MODEL_NOT_FOUND', // no model by that alias, or its files are missing
  'MODEL_INVALID', // the file is not a model Hearth can load (not GGUF, truncated, wrong layout)
  'MODEL_TOO_LARGE', // the model does not fit the memory available
  'MODEL_CRASHED', // the worker running a model died; it is restarted
  'REMOTE_ERROR', // a remote model server answered with an error
  'TIMEOUT',
  'INTERNAL',
  'CLOSING', // Hearth is shutting down and takes no new calls
  'SCHEMA_INVALID', // not a JSON Schema Hearth can use (details.pointer names where), or no value can satisfy it
  'SCHEMA_TOO_LARGE', // a schema past the compile limits (details say which)
  'OUTPUT_INVALID', // a model's structured output never validated (details.errors: the last errors)
  'UNAUTHORIZED', // no credentials, or ones that are wrong, expired or revoked: sign in again
  'RATE_LIMITED', // too many requests (in flight on a connection, per minute, or failed sign-ins); details.retryAfterSeconds
  'QUOTA_EXCEEDED', // a per-user limit (upload bytes) would be passed
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
