/**
 * Keeping a team server's window in step with what others do: the caller's role in each space (team.me) and the
 * spaces they may see, read again every 10 s and when the window gets focus, so a space shared with them appears
 * without a reload and one taken away leaves, and files others added to the space on screen show up in its library. A
 * space that appears without a known role (one just created) asks team.me again. A team server connected to from
 * this window (team-link-actions) is followed the same way, with `refreshPeriodically` and the `keep…` steps here.
 */
import { isConnectionLost } from '../client/connection-lost.js';
import { selectSpace } from './actions.js';
import { connected, describe } from './core-connection.js';
import { refreshDocuments, showProblem } from './library-refresh.js';
import { useLibraryStore } from './library-store.js';
import { useLinkStore } from './link-store.js';
import { useSpacesStore } from './spaces-store.js';
import { useTeamLinkStore } from './team-link-store.js';
import { useTeamStore, type SpaceRole } from './team-store.js';

const REFRESH_EVERY_MS = 10_000;

let stop: (() => void) | undefined;

/** Starts following (once the app has started): the roles now, then the refreshes. */
export function followTeam(): void {
  stopFollowingTeam();
  void refreshRoles();
  const stopRefreshing = refreshPeriodically(refreshTeamView);
  const unsubscribe = useSpacesStore.subscribe((state, previous) => {
    if (state.spaces === previous.spaces) return;
    const roles = useTeamStore.getState().roles;
    if (state.spaces.some((space) => roles[space.id] === undefined)) void refreshRoles();
  });
  stop = () => {
    stopRefreshing();
    unsubscribe();
  };
}

/** Calls `refresh` every 10 s and each time the window gets focus, until the function it returns is called. */
export function refreshPeriodically(refresh: () => Promise<void>): () => void {
  const timer = setInterval(() => void refresh(), REFRESH_EVERY_MS);
  const onFocus = () => void refresh();
  window.addEventListener('focus', onFocus);
  return () => {
    clearInterval(timer);
    window.removeEventListener('focus', onFocus);
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

/** Every space in the picker: this window's own and, while one is connected, the team link's. */
function pickerSpaces() {
  const link = useTeamLinkStore.getState();
  return [...useSpacesStore.getState().spaces, ...(link.status === 'connected' ? link.spaces : [])];
}

/** A space taken away from the caller leaves the picker; the window moves to one it may still open. */
export async function keepCurrentSpace(): Promise<void> {
  const { spaces, currentSpaceId } = useSpacesStore.getState();
  if (currentSpaceId === null || pickerSpaces().some((space) => space.id === currentSpaceId)) return;
  const next = spaces[0];
  if (next) await selectSpace(next.id);
}

/** Someone else added or deleted a file in the space on screen: its count no longer matches the list, so the list is read again. */
export async function keepDocumentsCurrent(): Promise<void> {
  const { documents, documentsSpaceId, loadingDocuments } = useLibraryStore.getState();
  if (documentsSpaceId === null || loadingDocuments) return;
  const space = pickerSpaces().find((candidate) => candidate.id === documentsSpaceId);
  if (space && space.documentCount !== documents.length) await refreshDocuments(documentsSpaceId);
}

function rolesOf(spaces: Array<{ spaceId: string; role: SpaceRole }>): Record<string, SpaceRole> {
  return Object.fromEntries(spaces.map((entry) => [entry.spaceId, entry.role]));
}

/**
 * A dropped link (the banner shows it, the next round reads again) or a sign-in that stopped holding (the sign-in
 * screen comes up with the reason) is not a problem for this refresh to report.
 */
export function quietFailure(error: unknown): boolean {
  return isConnectionLost(error) || describe(error).code === 'UNAUTHORIZED';
}
