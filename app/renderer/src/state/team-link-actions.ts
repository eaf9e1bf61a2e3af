/**
 * Connecting this window to a team server, beside its own core: the user gives the server's address and an API token,
 * team.me checks them, and the team's spaces join the picker. While connected, the team's spaces and roles are read
 * again every 10 s and on focus (as a team server's own page does, team-actions), so a space shared with the user
 * appears on its own. Work in one of them goes over the team link (see `connectionFor`); everything else stays on this
 * computer. Disconnecting closes the link, stops the refreshes and goes back to a local space.
 */
import { HearthError } from '../../../../schemas/index.js';
import { connectToTeamServer, type Connection } from '../connection.js';
import { selectSpace } from './actions.js';
import { connectedTeam, describe, setTeamConnection } from './core-connection.js';
import { refreshTeamSpaces, showProblem } from './library-refresh.js';
import { useSpacesStore } from './spaces-store.js';
import { keepCurrentSpace, keepDocumentsCurrent, quietFailure, refreshPeriodically } from './team-actions.js';
import { isTeamSpace, noTeamLink, useTeamLinkStore } from './team-link-store.js';

/** How long the first connection may take before the panel says it could not be made. */
const CONNECT_TIMEOUT_MS = 15_000;

/** Connects to the team server at `address` with `token`; on failure the panel shows why and nothing else changes. */
export async function connectTeam(address: string, token: string): Promise<void> {
  if (useTeamLinkStore.getState().status !== 'none') return;
  let origin: URL;
  try {
    origin = originOf(address);
  } catch (error) {
    useTeamLinkStore.setState({ error: describe(error).message });
    return;
  }
  const trimmed = token.trim();
  if (trimmed === '' || /\s/.test(trimmed)) {
    useTeamLinkStore.setState({ error: 'Paste the API token the team server\'s admin gave you (`hearth team token create <name>`).' });
    return;
  }
  useTeamLinkStore.setState({ status: 'connecting', error: null });
  const conn = connectToTeamServer(origin, trimmed);
  try {
    const [me, spaces] = await firstAnswer(conn, origin.host);
    setTeamConnection(conn);
    useTeamLinkStore.setState({
      status: 'connected',
      origin: origin.origin,
      host: origin.host,
      userName: me.name,
      spaces,
      roles: Object.fromEntries(me.spaces.map((entry) => [entry.spaceId, entry.role])),
      error: null,
    });
    conn.onLink((link) => {
      if (connectedTeam() === conn) useTeamLinkStore.setState({ link });
    });
    conn.onProblem((message) => showProblem(`The team server at ${origin.host}: ${message}`));
    followTeamLink(conn);
  } catch (error) {
    conn.client.close();
    useTeamLinkStore.setState({ ...noTeamLink, error: describe(error).message });
  }
}

/** Closes the team link, takes the team's spaces out of the picker and, if one was on screen, opens a local space. */
export async function disconnectTeam(): Promise<void> {
  const conn = connectedTeam();
  const wasOnTeamSpace = isTeamSpace(useTeamLinkStore.getState(), useSpacesStore.getState().currentSpaceId);
  stopFollowingTeamLink();
  setTeamConnection(undefined);
  useTeamLinkStore.setState({ ...noTeamLink });
  conn?.client.close();
  const local = useSpacesStore.getState().spaces[0];
  if (wasOnTeamSpace && local) await selectSpace(local.id);
}

let stopFollowing: (() => void) | undefined;

/** Reads the team's spaces and roles again every 10 s and on focus while `conn` is the team link and it is open. */
function followTeamLink(conn: Connection): void {
  stopFollowingTeamLink();
  stopFollowing = refreshPeriodically(async () => {
    // While the link is down its banner says so; the next round (or the focus after it) reads again.
    if (connectedTeam() !== conn || (useTeamLinkStore.getState().link?.status ?? 'open') !== 'open') return;
    await refreshTeamSpaces({ quiet: quietFailure });
    if (connectedTeam() !== conn) return;
    await keepCurrentSpace();
    await keepDocumentsCurrent();
  });
}

function stopFollowingTeamLink(): void {
  stopFollowing?.();
  stopFollowing = undefined;
}

/**
 * team.me and spaces.list over the new link, or the reason it could not be had. A refused upgrade (a wrong token)
 * and an unreachable address both read as a socket that closed before it opened; either way the link stops trying.
 */
async function firstAnswer(conn: Connection, host: string) {
  let stopWatching = false;
  const failed = new Promise<never>((_resolve, reject) => {
    const timer = setTimeout(() => reject(unreachable(host, 'it did not answer in time')), CONNECT_TIMEOUT_MS);
    conn.onLink((link) => {
      if (stopWatching) return;
      if (link.status === 'open') clearTimeout(timer);
      if (link.status === 'reconnecting' || link.status === 'closed' || link.status === 'signed-out') {
        clearTimeout(timer);
        reject(unreachable(host, link.reason ?? 'it refused the token, or is not reachable at that address'));
      }
    });
  });
  try {
    return await Promise.race([Promise.all([conn.client.call('team.me', {}), conn.client.call('spaces.list', {})]), failed]);
  } finally {
    stopWatching = true;
  }
}

const unreachable = (host: string, why: string) =>
  new HearthError('UNAUTHORIZED', `Could not connect to the team server at ${host}: ${why}. Check the address and the token.`);

/** `https://box:8443`, or `box:8443` (https assumed), as a URL with only its origin. */
function originOf(address: string): URL {
  const typed = address.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(typed) ? typed : `https://${typed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    // The URL constructor's own message says only "Invalid URL": say what to type instead.
    throw new HearthError('BAD_REQUEST', `"${typed}" is not a server address; type one like https://box:8443.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new HearthError('BAD_REQUEST', `A team server's address starts with https:// (or http://), not ${url.protocol}//.`);
  }
  return new URL(url.origin);
}
