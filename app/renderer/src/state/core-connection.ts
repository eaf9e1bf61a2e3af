/**
 * The window's connection to the core, set once by `startHearth`, the team server the user may have connected to
 * from here, and how a failure from either reads in the UI. Every action module reaches the core through here, so
 * none has to import another for it; work in a space goes to the connection that space lives on.
 */
import { HearthError, type ErrorPayload } from '../../../../schemas/index.js';
import type { Connection } from '../connection.js';
import { useSpacesStore } from './spaces-store.js';
import { isTeamSpace, useTeamLinkStore } from './team-link-store.js';

let connection: Connection | undefined;
let teamConnection: Connection | undefined;

export function setConnection(conn: Connection): void {
  connection = conn;
}

/** The connection `startHearth` was given. */
export function connected(): Connection {
  if (!connection) throw new HearthError('INTERNAL', 'Hearth is not connected yet.');
  return connection;
}

/** The connected team server's link (set while connecting and connected), or none. */
export function setTeamConnection(conn: Connection | undefined): void {
  teamConnection = conn;
}

export function connectedTeam(): Connection | undefined {
  return teamConnection;
}

/** The connection `spaceId` lives on: the team server's for one of its spaces, otherwise this window's own. */
export function connectionFor(spaceId: string | null): Connection {
  if (teamConnection && isTeamSpace(useTeamLinkStore.getState(), spaceId)) return teamConnection;
  return connected();
}

/** The connection of the space on screen: where documents, chat, reports, plans and jobs there go. */
export function spaceConnection(): Connection {
  return connectionFor(useSpacesStore.getState().currentSpaceId);
}

/** Any failure as the contract's error payload, so the UI shows one shape: a code and a message. */
export function describe(error: unknown): ErrorPayload {
  if (error instanceof HearthError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
