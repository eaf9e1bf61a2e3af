/**
 * Adding files to the space on screen and reading documents again. Each is a job in the core: the window hands
 * over the file (one at a time, so a browser never holds many large files' bytes at once), gets the job back,
 * and follows it. Closing the window stops only the following; a window opened later finds the jobs still
 * running in the space and shows them too. Like actions.ts, this is the only code of its kind that talks to the
 * core; what comes back lands in the library store.
 */
import type { DocumentInfo, JobInfoOf } from '../../../../schemas/index.js';
import { followJob } from '../client/follow-job.js';
import { useAppStore } from './app-store.js';
import { connectionFor, describe } from './core-connection.js';
import { withEntry } from './keyed-record.js';
import { forgetFetched, refreshDocuments, refreshSpaces, showProblem } from './library-refresh.js';
import { useLibraryStore, type Reingest, type Upload } from './library-store.js';
import { useSpacesStore } from './spaces-store.js';
import { readOnlyIn, useTeamStore } from './team-store.js';

/** Files are handed to the core one after another: a browser reads each into memory to send it. */
let handoverQueue: Promise<void> = Promise.resolve();
let nextUploadId = 1;
/**
 * The file behind each upload row that may be tried again (an encrypted PDF waiting for its password), by
 * upload id. Kept out of the store: a File is not state to render, and it goes once the row is done or cleared.
 */
const retryableFiles = new Map<string, File>();


/** Queues files for ingest into the current space, under the project typed next to the drop zone; each gets a progress row at once. */
export function addFiles(files: readonly File[]): void {
  const spaceId = useSpacesStore.getState().currentSpaceId;
  if (!spaceId || files.length === 0 || useAppStore.getState().connection !== 'ready') return;
  if (readOnlyIn(useTeamStore.getState(), spaceId)) return; // the drop zone says why; the server would refuse each file
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
    handoverQueue = handoverQueue.then(() => handOver(upload, file));
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
 * one request and is kept nowhere: not in a store, not in the retry map, not in a log (the core keeps it only in
 * memory, with the job).
 */
export function retryUploadWithPassword(uploadId: string, password: string): void {
  const upload = useLibraryStore.getState().uploads.find((candidate) => candidate.id === uploadId);
  const file = retryableFiles.get(uploadId);
  if (!upload || !file || !needsPassword(upload) || useAppStore.getState().connection !== 'ready') return;
  const { error: _previous, outcome: _outcome, jobId: _job, ...rest } = upload;
  const queued: Upload = { ...rest, stage: 'queued', fraction: 0 };
  useLibraryStore.setState((state) => ({ uploads: state.uploads.map((candidate) => (candidate.id === uploadId ? queued : candidate)) }));
  handoverQueue = handoverQueue.then(() => handOver(queued, file, password));
}

/** Removes finished and failed rows; rows still in progress stay. */
export function clearFinishedUploads(): void {
  const finished = (upload: Upload) => upload.stage === 'done' || upload.stage === 'failed';
  for (const upload of useLibraryStore.getState().uploads) if (finished(upload)) retryableFiles.delete(upload.id);
  useLibraryStore.setState((state) => ({ uploads: state.uploads.filter((upload) => !finished(upload)) }));
}

/**
 * Shows the jobs adding or re-reading files in a space that this window did not start (another window's, or
 * ones a restart resumed), and follows them like its own.
 */
export async function showRunningJobs(spaceId: string): Promise<void> {
  let jobs;
  try {
    jobs = await connectionFor(spaceId).client.call('jobs.list', { spaceId, kinds: ['ingest', 'reingest'] });
  } catch (error) {
    showProblem(`Could not list the files being added: ${describe(error).message}`);
    return;
  }
  const followed = new Set(useLibraryStore.getState().uploads.flatMap((upload) => (upload.jobId ? [upload.jobId] : [])));
  for (const job of jobs.reverse()) {
    if ((job.kind !== 'ingest' && job.kind !== 'reingest') || followed.has(job.id)) continue;
    const upload: Upload = {
      id: `upload-${nextUploadId++}`,
      spaceId,
      name: job.kind === 'reingest' ? `${job.subject} (reading again)` : job.subject,
      stage: job.progress?.stage ?? 'queued',
      fraction: job.progress?.fraction ?? 0,
      jobId: job.id,
    };
    useLibraryStore.setState((state) => ({ uploads: [...state.uploads, upload] }));
    void follow(upload, job);
  }
}

/** Sends a file to the core, which keeps its bytes and starts the job; then follows the job without holding the queue. */
async function handOver(upload: Upload, file: File, password?: string): Promise<void> {
  let job: JobInfoOf<'ingest'>;
  try {
    job = await startIngest(upload, file, password);
  } catch (error) {
    failed(upload, describe(error));
    return;
  }
  updateUpload(upload.id, { jobId: job.id });
  void follow(upload, job);
}

/**
 * Starts the ingest job. A team server takes the file streamed to POST /upload (the row shows how much has gone),
 * and keeps an upload that needs a password, so the retry names it rather than sending the bytes again. Elsewhere
 * the file goes with `documents.ingest` itself (its path in the desktop app, its bytes in a browser).
 */
async function startIngest(upload: Upload, file: File, password: string | undefined): Promise<JobInfoOf<'ingest'>> {
  // The connection the space lives on: a team server (the page's own, or one connected from here) streams the file
  // to its POST /upload; this computer's core takes it with documents.ingest.
  const connection = connectionFor(upload.spaceId);
  const client = () => connection.client;
  const extras = {
    ...(upload.project !== undefined ? { project: upload.project } : {}),
    ...(password !== undefined ? { password } : {}),
  };
  if (connection.upload && upload.uploadId !== undefined && password !== undefined) {
    return client().call('documents.ingest', { spaceId: upload.spaceId, source: { kind: 'upload', uploadId: upload.uploadId }, ...extras });
  }
  if (connection.upload) {
    // POST /upload takes no password: a file that needs one is kept there, and added again with it (above).
    updateUpload(upload.id, { stage: 'uploading', fraction: 0 });
    const answer = await connection.upload(file, {
      spaceId: upload.spaceId,
      ...(upload.project !== undefined ? { project: upload.project } : {}),
      onSent: (fraction) => updateUpload(upload.id, { stage: 'uploading', fraction }),
    });
    updateUpload(upload.id, { uploadId: answer.uploadId, stage: 'queued', fraction: 0 });
    return answer.job;
  }
  return client().call('documents.ingest', { spaceId: upload.spaceId, source: await connection.sourceOf(file), ...extras });
}

/** Follows an ingest (or re-read) job into its row, to the end. */
async function follow(upload: Upload, job: JobInfoOf<'ingest' | 'reingest'>): Promise<void> {
  let result;
  try {
    const following = followJob(connectionFor(upload.spaceId).client, Promise.resolve(job));
    for await (const progress of following) updateUpload(upload.id, { stage: progress.stage, fraction: progress.fraction });
    result = await following.result;
  } catch (error) {
    failed(upload, describe(error));
    return;
  }
  const { document, status } = result;
  updateUpload(upload.id, { stage: 'done', fraction: 1, outcome: status });
  retryableFiles.delete(upload.id);
  useLibraryStore.setState((state) =>
    state.documentsSpaceId === document.spaceId ? { documents: [...state.documents.filter((d) => d.id !== document.id), document] } : {},
  );
  // A changed file added again replaces its old version, which may have held this id or another.
  if (status === 'indexed') forgetFetched(document.id);
  await Promise.all([refreshDocuments(upload.spaceId), refreshSpaces()]);
}

function failed(upload: Upload, error: ReturnType<typeof describe>): void {
  updateUpload(upload.id, { stage: 'failed', error });
  // Only a password can change the outcome; any other failure would fail the same way again.
  if (error.code !== 'PASSWORD_REQUIRED' && error.code !== 'PASSWORD_INCORRECT') retryableFiles.delete(upload.id);
}

function updateUpload(id: string, change: Partial<Upload>): void {
  useLibraryStore.setState((state) => ({
    uploads: state.uploads.map((upload) => (upload.id === id ? { ...upload, ...change } : upload)),
  }));
}

/**
 * Reads a document again from its stored original (after a parser improved, or OCR language data was added).
 * The row shows its progress; once done, the new reading takes the old one's place in the list (under a new id).
 * A password, for an encrypted PDF, goes with this one request only.
 */
export function rereadDocument(documentId: string, password?: string): void {
  const state = useLibraryStore.getState();
  const document = state.documents.find((candidate) => candidate.id === documentId);
  const current = state.reingests[documentId];
  const busy = current !== undefined && current.stage !== 'done' && current.stage !== 'failed';
  if (!document || busy || state.deletions[documentId]?.status === 'deleting' || useAppStore.getState().connection !== 'ready') return;
  if (readOnlyIn(useTeamStore.getState(), document.spaceId)) return; // a viewer is not offered it; the server would refuse
  setReingest(documentId, { stage: 'queued', fraction: 0 });
  void reread(document, password);
}

async function reread(document: DocumentInfo, password: string | undefined): Promise<void> {
  let reread: DocumentInfo;
  try {
    const { client } = connectionFor(document.spaceId);
    const following = followJob(client, client.call('documents.reingest', { documentId: document.id, ...(password !== undefined ? { password } : {}) }));
    for await (const progress of following) setReingest(document.id, { stage: progress.stage, fraction: progress.fraction });
    reread = (await following.result).document;
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
