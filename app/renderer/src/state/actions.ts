/**
 * The client adapter: the one place where the UI talks to the core (with upload-actions.ts for files being
 * added, preparation-actions.ts for a space's search readiness and agent-actions.ts for questions and runs). Components call these actions; the actions
 * call the client and write what comes back (results and stream events) into the stores.
 */
import { HearthError, type Citation, type LocatedCitation, type Space } from '../../../../schemas/index.js';
import type { Connection } from '../connection.js';
import { leaveLiveRun, showAgents } from './agent-actions.js';
import { useAppStore } from './app-store.js';
import { useChatStore } from './chat-store.js';
import { connected, describe, setConnection, spaceConnection } from './core-connection.js';
import { useCitationStore, type CitationPlacement, type CitationView, type DocumentOriginal, type DocumentText } from './citation-store.js';
import { withEntry } from './keyed-record.js';
import { noFilter } from './library-filter.js';
import { forgetFetched, refreshSpaces, showProblem, shownDocumentId } from './library-refresh.js';
import { useLibraryStore, type Deletion, type DocumentFilter } from './library-store.js';
import { followLink } from './link-actions.js';
import { prepareSpace } from './preparation-actions.js';
import { showReports } from './report-actions.js';
import { showRunningJobs } from './upload-actions.js';
import { useSpacesStore } from './spaces-store.js';

const DEFAULT_SPACE_NAME = 'My space';
const REMEMBERED_SPACE_KEY = 'hearth.currentSpaceId';

/** The client of the space on screen: this window's core, or the connected team server for one of its spaces. */
function client() {
  return spaceConnection().client;
}

/** Loads what the first screen needs; on a first run, creates a default space so there is somewhere to drop files. */
export async function startHearth(conn: Connection): Promise<void> {
  setConnection(conn);
  followLink(conn);
  conn.onProblem((message) => showProblem(`${message} If this keeps happening, the app and Hearth may be different versions: reload the page.`));
  try {
    const [info, listed] = await Promise.all([client().call('app.info', {}), client().call('spaces.list', {})]);
    const spaces = listed.length > 0 ? listed : await createDefaultSpace();
    useAppStore.setState({ info, connection: 'ready' });
    useSpacesStore.setState({ spaces });
    const remembered = localStorage.getItem(REMEMBERED_SPACE_KEY);
    const first = spaces.find((space) => space.id === remembered) ?? spaces[0];
    if (first) await selectSpace(first.id);
  } catch (error) {
    useAppStore.setState({ connection: 'lost', problem: `Could not start: ${describe(error).message}` });
  }
}

async function createDefaultSpace(): Promise<Space[]> {
  try {
    return [await client().call('spaces.create', { name: DEFAULT_SPACE_NAME })];
  } catch (error) {
    // Another window may have created it between our list and our create.
    if (error instanceof HearthError && error.code === 'ALREADY_EXISTS') return client().call('spaces.list', {});
    throw error;
  }
}

export async function selectSpace(spaceId: string): Promise<void> {
  localStorage.setItem(REMEMBERED_SPACE_KEY, spaceId);
  useSpacesStore.setState({ currentSpaceId: spaceId });
  void prepareSpace(spaceId, 'opening'); // in the background: the first question would wait for it anyway
  void showRunningJobs(spaceId); // files another window (or a restart) is still adding
  void showReports(); // only when the Reports page is on screen; otherwise when it is opened
  void showAgents(spaceId); // its agents, and a run still going there (replayed from its start)
  useLibraryStore.setState({ documents: [], documentsSpaceId: spaceId, loadingDocuments: true });
  useChatStore.setState({ conversationId: null, messages: [], loadingHistory: true });
  useCitationStore.setState({ open: null });
  // Projects belong to a space, so the project filter does not carry over; the other filters do.
  useLibraryStore.setState((state) => ({ deletions: {}, reingests: {}, filter: { ...state.filter, project: null } }));
  const stillCurrent = () => useSpacesStore.getState().currentSpaceId === spaceId;
  try {
    const [documents, conversations] = await Promise.all([
      client().call('documents.list', { spaceId }),
      client().call('conversations.list', { spaceId }),
    ]);
    if (!stillCurrent()) return;
    useLibraryStore.setState({ documents, loadingDocuments: false });
    const latest = [...conversations].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    const messages = latest ? await client().call('conversations.messages', { conversationId: latest.id }) : [];
    if (!stillCurrent()) return;
    useChatStore.setState({ conversationId: latest?.id ?? null, messages, loadingHistory: false });
  } catch (error) {
    if (!stillCurrent()) return;
    useLibraryStore.setState({ loadingDocuments: false });
    useChatStore.setState({ loadingHistory: false });
    showProblem(`Could not open the space: ${describe(error).message}`);
  }
}

/** Creates a space and switches to it; resolves false (with the problem shown) if the core refused. */
export async function createSpace(name: string): Promise<boolean> {
  try {
    // "New space" makes one on this computer; a team's spaces are made on its own server.
    const space = await connected().client.call('spaces.create', { name });
    useSpacesStore.setState((state) => ({ spaces: [...state.spaces, space] }));
    await selectSpace(space.id);
    return true;
  } catch (error) {
    showProblem(`Could not create the space: ${describe(error).message}`);
    return false;
  }
}

export function setDocumentFilter(change: Partial<DocumentFilter>): void {
  useLibraryStore.setState((state) => ({ filter: { ...state.filter, ...change } }));
}

export function clearDocumentFilter(): void {
  useLibraryStore.setState({ filter: noFilter });
}

/** Deletes a document from every store in the core; on success it leaves the list (and the panel, if open there). */
export async function deleteDocument(documentId: string): Promise<void> {
  if (useLibraryStore.getState().deletions[documentId]?.status === 'deleting') return;
  setDeletion(documentId, { status: 'deleting' });
  try {
    await client().call('documents.delete', { documentId });
  } catch (error) {
    setDeletion(documentId, { status: 'failed', error: describe(error) });
    return;
  }
  setDeletion(documentId, undefined);
  useLibraryStore.setState((state) => ({ documents: state.documents.filter((document) => document.id !== documentId) }));
  forgetFetched(documentId);
  await refreshSpaces();
}

/** Clears a failed delete's message. */
export function dismissDeletionError(documentId: string): void {
  setDeletion(documentId, undefined);
}

function setDeletion(documentId: string, deletion: Deletion | undefined): void {
  useLibraryStore.setState((state) => ({ deletions: withEntry(state.deletions, documentId, deletion) }));
}

/** Whether questions go only to the documents the library filter shows. */
export function setOnlyFiltered(onlyFiltered: boolean): void {
  useChatStore.setState({ onlyFiltered });
}

/** Leaves the conversation on screen; the next question starts a new one. */
export function startNewConversation(): void {
  leaveLiveRun();
  useChatStore.setState({ conversationId: null, messages: [] });
  useCitationStore.setState({ open: null });
}

/**
 * Opens a citation in the side panel. The core first says where its passage is now (the document may have been
 * read again since the answer, under a new id); that document's text is fetched the first time.
 */
export async function openCitation(citation: Citation, index: number): Promise<void> {
  useCitationStore.setState({ open: { citation, index, placement: { status: 'locating' } } });
  let located: LocatedCitation;
  try {
    located = await client().call('citations.locate', { citation });
  } catch (error) {
    setPlacement(citation, { status: 'failed', error: describe(error) });
    return;
  }
  if (!setPlacement(citation, { status: 'ready', located })) return; // another citation was opened meanwhile
  const { documentId } = located.citation;
  if (useCitationStore.getState().view === 'page' && located.citation.page !== undefined) void loadOriginal(documentId);
  const known = useCitationStore.getState().texts[documentId];
  if (known && known.status !== 'failed') return;
  setDocumentText(documentId, { status: 'loading' });
  try {
    const { text } = await client().call('documents.text', { documentId });
    setDocumentText(documentId, { status: 'ready', text });
  } catch (error) {
    setDocumentText(documentId, { status: 'failed', error: describe(error) });
  }
}

/** Says where the open citation's passage is; false when the panel has moved on to another citation. */
function setPlacement(citation: Citation, placement: CitationPlacement): boolean {
  const open = useCitationStore.getState().open;
  if (open?.citation !== citation) return false;
  useCitationStore.setState({ open: { ...open, placement } });
  return true;
}


function setDocumentText(documentId: string, text: DocumentText): void {
  useCitationStore.setState((state) => ({ texts: { ...state.texts, [documentId]: text } }));
}

/** Switches the panel between the marked text and the drawn page; the page needs the original file, fetched once. */
export function showCitationView(view: CitationView): void {
  useCitationStore.setState({ view });
  const documentId = shownDocumentId(useCitationStore.getState().open?.placement);
  if (view === 'page' && documentId !== undefined) void loadOriginal(documentId);
}

async function loadOriginal(documentId: string): Promise<void> {
  const known = useCitationStore.getState().originals[documentId];
  if (known && known.status !== 'failed') return;
  setOriginal(documentId, { status: 'loading' });
  try {
    const { base64 } = await client().call('documents.original', { documentId });
    setOriginal(documentId, { status: 'ready', bytes: bytesOfBase64(base64) });
  } catch (error) {
    setOriginal(documentId, { status: 'failed', error: describe(error) });
  }
}

function setOriginal(documentId: string, original: DocumentOriginal): void {
  useCitationStore.setState((state) => ({ originals: { ...state.originals, [documentId]: original } }));
}

function bytesOfBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function closeCitation(): void {
  useCitationStore.setState({ open: null });
}

export function dismissProblem(): void {
  useAppStore.setState({ problem: null });
}
