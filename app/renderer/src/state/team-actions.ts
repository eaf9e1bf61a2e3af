/**
 * Keeping a team server's window in step with what others do: the caller's role in each space (team.me) and the
 * spaces they may see, read again every 10 s and when the window gets focus, so a space shared with them appears
 * without a reload and one taken away leaves, and files others added to the space on screen show up in its library. A
 * space that appears without a known role (one just created) asks team.me again.
 */
import { isConnectionLost } from '../client/connection-lost.js';
import { selectSpace } from './actions.js';
import { connected, describe } from './core-connection.js';
import { refreshDocuments, showProblem } from './library-refresh.js';
import { useLibraryStore } from './library-store.js';
import { useLinkStore } from './link-store.js';
import { useSpacesStore } from './spaces-store.js';
import { useTeamStore, type SpaceRole } from './team-store.js';

const REFRESH_EVERY_MS = 10_000;

let stop: (() => void) | undefined;

/** Starts following (once the app has started): the roles now, then the refreshes. */
export function followTeam(): void {
  stopFollowingTeam();
  void refreshRoles();
  const timer = setInterval(() => void refreshTeamView(), REFRESH_EVERY_MS);
  const onFocus = () => void refreshTeamView();
  window.addEventListener('focus', onFocus);
  const unsubscribe = useSpacesStore.subscribe((state, previous) => {
    if (state.spaces === previous.spaces) return;
    const roles = useTeamStore.getState().roles;
    if (state.spaces.some((space) => roles[space.id] === undefined)) void refreshRoles();
  });
  stop = () => {
    clearInterval(timer);
    window.removeEventListener('focus', onFocus);
    unsubscribe();
  };
}

export function stopFollowingTeam(): void {
  stop?.();
  stop = undefined;
}

/** Reads the caller's roles and the spaces again (after a share, and on each refresh). */
export async function refreshTeamView(): Promise<void> {
  // While the link is down the banner says so; the next round (or the focus after it) reads again.
  if (useLinkStore.getState().status !== 'open') return;
  try {
    const [me, spaces] = await Promise.all([connected().client.call('team.me', {}), connected().client.call('spaces.list', {})]);
    useTeamStore.setState({ roles: rolesOf(me.spaces) });
    useSpacesStore.setState({ spaces });
    await keepCurrentSpace();
    await keepDocumentsCurrent();
  } catch (error) {
    if (!quietFailure(error)) showProblem(`Could not refresh the spaces: ${describe(error).message}`);
  }
}

async function refreshRoles(): Promise<void> {
  try {
    const me = await connected().client.call('team.me', {});
    useTeamStore.setState({ roles: rolesOf(me.spaces) });
  } catch (error) {
    if (!quietFailure(error)) showProblem(`Could not read your roles in the spaces: ${describe(error).message}`);
  }
}

/** A space taken away from the caller leaves the picker; the window moves to one it may still open. */
async function keepCurrentSpace(): Promise<void> {
  const { spaces, currentSpaceId } = useSpacesStore.getState();
  if (currentSpaceId === null || spaces.some((space) => space.id === currentSpaceId)) return;
  const next = spaces[0];
  if (next) await selectSpace(next.id);
}

/** Someone else added or deleted a file in the space on screen: its count no longer matches the list, so the list is read again. */
async function keepDocumentsCurrent(): Promise<void> {
  const { documents, documentsSpaceId, loadingDocuments } = useLibraryStore.getState();
  if (documentsSpaceId === null || loadingDocuments) return;
  const space = useSpacesStore.getState().spaces.find((candidate) => candidate.id === documentsSpaceId);
  if (space && space.documentCount !== documents.length) await refreshDocuments(documentsSpaceId);
}

function rolesOf(spaces: Array<{ spaceId: string; role: SpaceRole }>): Record<string, SpaceRole> {
  return Object.fromEntries(spaces.map((entry) => [entry.spaceId, entry.role]));
}

/**
 * A dropped link (the banner shows it, the next round reads again) or a sign-in that stopped holding (the sign-in
 * screen comes up with the reason) is not a problem for this refresh to report.
 */
function quietFailure(error: unknown): boolean {
  return isConnectionLost(error) || describe(error).code === 'UNAUTHORIZED';
}
