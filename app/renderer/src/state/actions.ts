/**
 * The client adapter: the one place where the UI talks to the core. Components call these actions; the
 * actions call the client and write what comes back (results and stream events) into the stores.
 */
import { HearthError, type AnswerEvent, type Citation, type DocumentInfo, type ErrorPayload, type LocatedCitation, type Space } from '../../../../schemas/index.js';
import type { Connection } from '../connection.js';
import { useAppStore } from './app-store.js';
import { useChatStore } from './chat-store.js';
import { connected, describe, setConnection } from './core-connection.js';
import { useCitationStore, type CitationPlacement, type CitationView, type DocumentOriginal, type DocumentText } from './citation-store.js';
import { withEntry } from './keyed-record.js';
import { noFilter } from './library-filter.js';
import { askScopeOf, useLibraryStore, type Deletion, type DocumentFilter, type Reingest, type Upload } from './library-store.js';
import { prepareSpace } from './preparation-actions.js';
import { useSpacesStore } from './spaces-store.js';

const DEFAULT_SPACE_NAME = 'My space';
const REMEMBERED_SPACE_KEY = 'hearth.currentSpaceId';

/** Files are ingested one after another: the core's CPU is better spent finishing one than starting many. */
let ingestQueue: Promise<void> = Promise.resolve();
let nextUploadId = 1;
/**
 * The file behind each upload row that may be tried again (an encrypted PDF waiting for its password), by
 * upload id. Kept out of the store: a File is not state to render, and it goes once the row is done or cleared.
 */
const retryableFiles = new Map<string, File>();
/** The answer being streamed; aborting it cancels the work in the core too. */
let activeAsk: AbortController | undefined;

function client() {
  return connected().client;
}

/** Loads what the first screen needs; on a first run, creates a default space so there is somewhere to drop files. */
export async function startHearth(conn: Connection): Promise<void> {
  setConnection(conn);
  conn.onLost((message) => useAppStore.setState({ connection: 'lost', problem: `${message} Reload the page once Hearth is running again.` }));
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
  stopAnswering();
  localStorage.setItem(REMEMBERED_SPACE_KEY, spaceId);
  useSpacesStore.setState({ currentSpaceId: spaceId });
  void prepareSpace(spaceId, 'opening'); // in the background: the first question would wait for it anyway
  useLibraryStore.setState({ documents: [], documentsSpaceId: spaceId, loadingDocuments: true });
  useChatStore.setState({ conversationId: null, messages: [], pending: null, loadingHistory: true });
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
    const space = await client().call('spaces.create', { name });
    useSpacesStore.setState((state) => ({ spaces: [...state.spaces, space] }));
    await selectSpace(space.id);
    return true;
  } catch (error) {
    showProblem(`Could not create the space: ${describe(error).message}`);
    return false;
  }
}

/** Queues files for ingest into the current space, under the project typed next to the drop zone; each gets a progress row at once. */
export function addFiles(files: readonly File[]): void {
  const spaceId = useSpacesStore.getState().currentSpaceId;
  if (!spaceId || files.length === 0 || useAppStore.getState().connection !== 'ready') return;
  const project = useLibraryStore.getState().uploadProject.trim();
  for (const file of files) {
    const upload: Upload = {
      id: `upload-${nextUploadId++}`,
      spaceId,
      name: file.name,
      ...(project !== '' ? { project } : {}),
      stage: 'queued',
      fraction: 0,
    };
    useLibraryStore.setState((state) => ({ uploads: [...state.uploads, upload] }));
    retryableFiles.set(upload.id, file);
    ingestQueue = ingestQueue.then(() => ingestFile(upload, file));
  }
}

/** The project files added next go under ('' for none). */
export function setUploadProject(project: string): void {
  useLibraryStore.setState({ uploadProject: project });
}

/** Whether a failed upload or re-read is an encrypted PDF that can be tried again with a password. */
export function needsPassword(work: Upload | Reingest): boolean {
  return work.stage === 'failed' && (work.error?.code === 'PASSWORD_REQUIRED' || work.error?.code === 'PASSWORD_INCORRECT');
}

/**
 * Ingests a failed row's file again with the password the user typed. The password goes to the core with this
 * one request and is kept nowhere: not in a store, not in the retry map, not in a log.
 */
export function retryUploadWithPassword(uploadId: string, password: string): void {
  const upload = useLibraryStore.getState().uploads.find((candidate) => candidate.id === uploadId);
  const file = retryableFiles.get(uploadId);
  if (!upload || !file || !needsPassword(upload) || useAppStore.getState().connection !== 'ready') return;
  const { error: _previous, outcome: _outcome, ...rest } = upload;
  const queued: Upload = { ...rest, stage: 'queued', fraction: 0 };
  useLibraryStore.setState((state) => ({ uploads: state.uploads.map((candidate) => (candidate.id === uploadId ? queued : candidate)) }));
  ingestQueue = ingestQueue.then(() => ingestFile(queued, file, password));
}

async function ingestFile(upload: Upload, file: File, password?: string): Promise<void> {
  try {
    const source = await connected().sourceOf(file);
    const stream = client().stream('documents.ingest', {
      spaceId: upload.spaceId,
      source,
      ...(upload.project !== undefined ? { project: upload.project } : {}),
      ...(password !== undefined ? { password } : {}),
    });
    for await (const progress of stream) updateUpload(upload.id, { stage: progress.stage, fraction: progress.fraction });
    const { document, status } = await stream.result;
    updateUpload(upload.id, { stage: 'done', fraction: 1, outcome: status });
    retryableFiles.delete(upload.id);
    useLibraryStore.setState((state) =>
      state.documentsSpaceId === document.spaceId
        ? { documents: [...state.documents.filter((d) => d.id !== document.id), document] }
        : {},
    );
    // A changed file added again replaces its old version, which may have held this id or another.
    if (status === 'indexed') forgetFetched(document.id);
  } catch (error) {
    const failure = describe(error);
    updateUpload(upload.id, { stage: 'failed', error: failure });
    // Only a password can change the outcome; any other failure would fail the same way again.
    if (failure.code !== 'PASSWORD_REQUIRED' && failure.code !== 'PASSWORD_INCORRECT') retryableFiles.delete(upload.id);
    return;
  }
  await Promise.all([refreshDocuments(upload.spaceId), refreshSpaces()]);
}

/** Re-reads a space's documents if it is the one on screen, so a replaced version leaves the list. */
async function refreshDocuments(spaceId: string): Promise<void> {
  try {
    const documents = await client().call('documents.list', { spaceId });
    if (useLibraryStore.getState().documentsSpaceId !== spaceId) return;
    useLibraryStore.setState({ documents });
    const kept = new Set(documents.map((document) => document.id));
    for (const documentId of Object.keys(useCitationStore.getState().texts)) if (!kept.has(documentId)) forgetFetched(documentId);
  } catch (error) {
    showProblem(`Could not refresh the documents: ${describe(error).message}`);
  }
}

export function setDocumentFilter(change: Partial<DocumentFilter>): void {
  useLibraryStore.setState((state) => ({ filter: { ...state.filter, ...change } }));
}

export function clearDocumentFilter(): void {
  useLibraryStore.setState({ filter: noFilter });
}

/**
 * Reads a document again from its stored original (after a parser improved, or OCR language data was added),
 * queued behind files being added. The row shows its progress; once done, the new reading takes the old one's
 * place in the list (under a new id). A password, for an encrypted PDF, goes with this one request only.
 */
export function rereadDocument(documentId: string, password?: string): void {
  const state = useLibraryStore.getState();
  const document = state.documents.find((candidate) => candidate.id === documentId);
  const current = state.reingests[documentId];
  const busy = current !== undefined && current.stage !== 'done' && current.stage !== 'failed';
  if (!document || busy || state.deletions[documentId]?.status === 'deleting' || useAppStore.getState().connection !== 'ready') return;
  setReingest(documentId, { stage: 'queued', fraction: 0 });
  ingestQueue = ingestQueue.then(() => reingest(document, password));
}

async function reingest(document: DocumentInfo, password: string | undefined): Promise<void> {
  let reread: DocumentInfo;
  try {
    const stream = client().stream('documents.reingest', { documentId: document.id, ...(password !== undefined ? { password } : {}) });
    for await (const progress of stream) setReingest(document.id, { stage: progress.stage, fraction: progress.fraction });
    reread = (await stream.result).document;
  } catch (error) {
    setReingest(document.id, { stage: 'failed', fraction: 0, error: describe(error) });
    return;
  }
  setReingest(document.id, undefined);
  setReingest(reread.id, { stage: 'done', fraction: 1 });
  useLibraryStore.setState((state) =>
    state.documentsSpaceId === reread.spaceId
      ? { documents: state.documents.filter((d) => d.id !== reread.id).map((d) => (d.id === document.id ? reread : d)) }
      : {},
  );
  // The old reading's text and offsets no longer describe what the core holds.
  forgetFetched(document.id);
  await refreshDocuments(document.spaceId);
}

/** Clears a re-read's message (its error, or that it is done). */
export function dismissReingest(documentId: string): void {
  setReingest(documentId, undefined);
}

function setReingest(documentId: string, reingest: Reingest | undefined): void {
  useLibraryStore.setState((state) => ({ reingests: withEntry(state.reingests, documentId, reingest) }));
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

/** Drops a document's fetched text and original, which no longer describe what the core holds. */
function forgetFetched(documentId: string): void {
  const open = useCitationStore.getState().open;
  if (open?.citation.documentId === documentId || shownDocumentId(open?.placement) === documentId) closeCitation();
  useCitationStore.setState((state) => {
    const texts = { ...state.texts };
    const originals = { ...state.originals };
    delete texts[documentId];
    delete originals[documentId];
    return { texts, originals };
  });
}

/** Re-reads the spaces, whose document counts the picker shows. */
async function refreshSpaces(): Promise<void> {
  try {
    useSpacesStore.setState({ spaces: await client().call('spaces.list', {}) });
  } catch (error) {
    showProblem(`Could not refresh the spaces: ${describe(error).message}`);
  }
}

function updateUpload(id: string, change: Partial<Upload>): void {
  useLibraryStore.setState((state) => ({
    uploads: state.uploads.map((upload) => (upload.id === id ? { ...upload, ...change } : upload)),
  }));
}

/** Removes finished and failed rows; rows still in progress stay. */
export function clearFinishedUploads(): void {
  const finished = (upload: Upload) => upload.stage === 'done' || upload.stage === 'failed';
  for (const upload of useLibraryStore.getState().uploads) if (finished(upload)) retryableFiles.delete(upload.id);
  useLibraryStore.setState((state) => ({ uploads: state.uploads.filter((upload) => !finished(upload)) }));
}

/** Whether questions go only to the documents the library filter shows. */
export function setOnlyFiltered(onlyFiltered: boolean): void {
  useChatStore.setState({ onlyFiltered });
}

/**
 * Asks a question in the current conversation (or starts one) and streams the answer into the chat store;
 * with "only the filtered documents" on and the library filter narrowing the list, only those are searched.
 */
export async function ask(question: string): Promise<void> {
  const spaceId = useSpacesStore.getState().currentSpaceId;
  const { conversationId, pending, onlyFiltered } = useChatStore.getState();
  if (!spaceId || (pending && !pending.error)) return;
  const scope = askScopeOf(useLibraryStore.getState());
  if (onlyFiltered && scope.kind === 'inexpressible') return; // the toggle says why; asking everything instead would mislead
  const filter = onlyFiltered && scope.kind === 'filtered' ? scope.filter : undefined;
  const controller = new AbortController();
  activeAsk = controller;
  useChatStore.setState({ pending: { question, text: '', citations: [], error: null } });
  try {
    const stream = client().stream(
      'chat.ask',
      { spaceId, question, ...(conversationId ? { conversationId } : {}), ...(filter ? { filter } : {}) },
      { signal: controller.signal },
    );
    for await (const event of stream) if (!controller.signal.aborted) applyAnswerEvent(event);
    const answer = await stream.result;
    if (controller.signal.aborted) return;
    useChatStore.setState((state) => ({ messages: [...state.messages, answer], pending: null }));
  } catch (error) {
    if (controller.signal.aborted) return;
    useChatStore.setState((state) => ({ pending: state.pending && { ...state.pending, error: describe(error) } }));
  } finally {
    if (activeAsk === controller) activeAsk = undefined;
  }
}

function applyAnswerEvent(event: AnswerEvent): void {
  useChatStore.setState((state) => {
    const pending = state.pending;
    if (!pending) return {};
    switch (event.type) {
      case 'conversation':
        return {
          conversationId: event.conversation.id,
          messages: [...state.messages, event.question],
          pending: { ...pending, question: null },
        };
      case 'citation': {
        const citations = [...pending.citations];
        citations[event.index - 1] = event.citation;
        return { pending: { ...pending, citations } };
      }
      case 'delta':
        return { pending: { ...pending, text: pending.text + event.text } };
    }
  });
}

/** Leaves the conversation on screen; the next question starts a new one. */
export function startNewConversation(): void {
  stopAnswering();
  useChatStore.setState({ conversationId: null, messages: [], pending: null });
  useCitationStore.setState({ open: null });
}

function stopAnswering(): void {
  activeAsk?.abort();
  activeAsk = undefined;
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

/** The document the panel shows the open citation in, once the core has said which. */
function shownDocumentId(placement: CitationPlacement | undefined): string | undefined {
  return placement?.status === 'ready' ? placement.located.document.id : undefined;
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

function showProblem(problem: string): void {
  useAppStore.setState({ problem });
}
