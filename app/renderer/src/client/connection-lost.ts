/**
 * The error a request fails with when the link to the core drops while it is in flight. It is not the core
 * saying no: the same request can be made again once the link is back (a job being followed is watched again).
 */
import { HearthError } from '../../../../schemas/index.js';

export function connectionLostError(): HearthError {
  return new HearthError('TIMEOUT', 'The connection to Hearth was lost before it answered; Hearth reconnects on its own, then try again.', {
    connectionLost: true,
  });
}

/** Whether a request failed because the link dropped, as opposed to a TIMEOUT the core itself reported. */
export function isConnectionLost(error: unknown): boolean {
  if (!(error instanceof HearthError) || error.code !== 'TIMEOUT') return false;
  const { details } = error;
  return typeof details === 'object' && details !== null && (details as { connectionLost?: unknown }).connectionLost === true;
}
