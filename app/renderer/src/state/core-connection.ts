/**
 * The window's one connection to the core, set once by `startHearth`, and how a failure from it reads in
 * the UI. Every action module reaches the core through here, so none has to import another for it.
 */
import { HearthError, type ErrorPayload } from '../../../../schemas/index.js';
import type { Connection } from '../connection.js';

let connection: Connection | undefined;

export function setConnection(conn: Connection): void {
  connection = conn;
}

/** The connection `startHearth` was given. */
export function connected(): Connection {
  if (!connection) throw new HearthError('INTERNAL', 'Hearth is not connected yet.');
  return connection;
}

/** Any failure as the contract's error payload, so the UI shows one shape: a code and a message. */
export function describe(error: unknown): ErrorPayload {
  if (error instanceof HearthError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
