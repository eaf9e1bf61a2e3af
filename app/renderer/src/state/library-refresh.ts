/**
 * Keeping what the window shows in step with the core after something changed the library: the documents and
 * spaces read again, fetched texts that no longer describe what the core holds dropped, and a problem shown.
 * Shared by the action modules, so none of them imports another.
 */
import { useAppStore } from './app-store.js';
import { useCitationStore, type CitationPlacement } from './citation-store.js';
import { connected, connectedTeam, connectionFor, describe } from './core-connection.js';
import { useLibraryStore } from './library-store.js';
import { useSpacesStore } from './spaces-store.js';
import { useTeamLinkStore } from './team-link-store.js';

export function showProblem(problem: string): void {
  useAppStore.setState({ problem });
}

/** Re-reads a space's documents if it is the one on screen, so a replaced version leaves the list. */
export async function refreshDocuments(spaceId: string): Promise<void> {
  try {
    const documents = await connectionFor(spaceId).client.call('documents.list', { spaceId });
    if (useLibraryStore.getState().documentsSpaceId !== spaceId) return;
    useLibraryStore.setState({ documents });
    const kept = new Set(documents.map((document) => document.id));
    for (const documentId of Object.keys(useCitationStore.getState().texts)) if (!kept.has(documentId)) forgetFetched(documentId);
  } catch (error) {
    showProblem(`Could not refresh the documents: ${describe(error).message}`);
  }
}

/** Re-reads the spaces, whose document counts the picker shows: this computer's, and a connected team's. */
export async function refreshSpaces(): Promise<void> {
  try {
    useSpacesStore.setState({ spaces: await connected().client.call('spaces.list', {}) });
  } catch (error) {
    showProblem(`Could not refresh the spaces: ${describe(error).message}`);
  }
  await refreshTeamSpaces();
}

/**
 * Re-reads the connected team's spaces and the caller's role in each; nothing when no team is connected. A failure
 * `quiet` says is not worth a problem (a dropped link, which the banner already shows) is passed over.
 */
export async function refreshTeamSpaces(options: { quiet?: (error: unknown) => boolean } = {}): Promise<void> {
  const team = connectedTeam();
  if (!team || useTeamLinkStore.getState().status !== 'connected') return;
  try {
    const [me, spaces] = await Promise.all([team.client.call('team.me', {}), team.client.call('spaces.list', {})]);
    if (connectedTeam() !== team) return; // disconnected meanwhile
    useTeamLinkStore.setState({ spaces, roles: Object.fromEntries(me.spaces.map((entry) => [entry.spaceId, entry.role])) });
  } catch (error) {
    if (options.quiet?.(error)) return;
    showProblem(`Could not refresh the team's spaces: ${describe(error).message}`);
  }
}

/** Drops a document's fetched text and original, which no longer describe what the core holds. */
export function forgetFetched(documentId: string): void {
  const open = useCitationStore.getState().open;
  if (open?.citation.documentId === documentId || shownDocumentId(open?.placement) === documentId) useCitationStore.setState({ open: null });
  useCitationStore.setState((state) => {
    const texts = { ...state.texts };
    const originals = { ...state.originals };
    delete texts[documentId];
    delete originals[documentId];
    return { texts, originals };
  });
}

/** The document the panel shows the open citation in, once the core has said which. */
export function shownDocumentId(placement: CitationPlacement | undefined): string | undefined {
  return placement?.status === 'ready' ? placement.located.document.id : undefined;
}
