/**
 * `POST /upload?spaceId=…&name=…[&project=…]`: a team member streams a file to the server, and Hearth starts adding it to
 * the space — so a large file never has to fit in one WebSocket frame. The body goes to the data folder as it
 * arrives (`Uploads.receive`); the answer is 202 with the `ingest` job, which the client follows with `jobs.watch`.
 */
import type http from 'node:http';
import { HearthError, isHearthError } from '../../schemas/index.js';
import type { Caller, Hearth } from '../core/index.js';
import { httpStatusOf, sendJson } from './http-answers.js';

export { uploadQuotaFromEnv } from '../core/ingest/index.js';

export interface UploadRequest {
  hearth: Hearth;
  /** Who is uploading, signed in by the server: they must be an editor of the space. */
  caller: Caller;
  request: http.IncomingMessage;
  response: http.ServerResponse;
  /** How many bytes one person may have added through uploads (default: the Hearth's, HEARTH_UPLOAD_QUOTA_MB). */
  quotaBytes: number;
}

/** Receives one upload and starts its ingest; every failure is answered as JSON `{ error: { code, message } }`. */
export async function handleUpload(options: UploadRequest): Promise<void> {
  const { hearth, caller, request, response, quotaBytes } = options;
  // The client going away mid-body stops the upload (and deletes what arrived); a finished body is no abort.
  const controller = new AbortController();
  const abortIfCut = () => {
    if (!request.complete) controller.abort(new HearthError('CANCELLED', 'The upload was cut off before it finished.'));
  };
  request.once('close', abortIfCut);
  response.once('close', () => !response.writableEnded && abortIfCut());
  try {
    if (request.method !== 'POST') throw new HearthError('BAD_REQUEST', '/upload takes POST.');
    const url = new URL(request.url ?? '/', 'http://upload.invalid');
    const spaceId = url.searchParams.get('spaceId');
    if (!spaceId) throw new HearthError('BAD_REQUEST', 'Say which space the file goes to: POST /upload?spaceId=…&name=….');
    const name = url.searchParams.get('name') ?? fileNameHeader(request);
    if (!name) throw new HearthError('BAD_REQUEST', 'Say what the file is called: POST /upload?spaceId=…&name=… (URL-encoded), or the X-Hearth-File-Name header.');
    // The role first: to someone with none, whether a space of that id exists is none of their business.
    if (!caller.can('editor', spaceId)) {
      throw new HearthError('FORBIDDEN', 'Adding files to this space needs the editor role in it; ask one of its owners.', { spaceId, required: 'editor' });
    }
    hearth.spaces.get(spaceId); // NOT_FOUND for a space removed since the role was given
    const limits = { maxBytes: hearth.maxFileBytes, quotaBytes };
    const announced = contentLength(request);
    if (announced !== undefined) hearth.uploads.checkRoom(caller.principal.id, name, announced, limits);

    const upload = await hearth.uploads.receive(caller.principal.id, name, request, { ...limits, signal: controller.signal });
    const project = url.searchParams.get('project')?.trim() || undefined;
    const job = await hearth.call('documents.ingest', { spaceId, source: { kind: 'upload', uploadId: upload.uploadId }, ...(project ? { project } : {}) }, { caller }).catch(async (error: unknown) => {
      // Nothing will take it now: it should not count against the quota until the sweep.
      await hearth.uploads.settle(upload.uploadId, {});
      throw error;
    });
    sendJson(response, 202, { uploadId: upload.uploadId, job });
  } catch (error) {
    const failure = isHearthError(error) ? error : new HearthError('INTERNAL', `The upload failed: ${error instanceof Error ? error.message : String(error)}`);
    if (response.headersSent || response.destroyed) return; // the client is gone: nobody to tell
    if (failure.code === 'INTERNAL') console.error('[hearth] upload failed:', error);
    // A body still arriving is not read to its end: the connection closes after the answer.
    if (!request.complete) response.setHeader('Connection', 'close');
    sendJson(response, httpStatusOf(failure.code), { error: { code: failure.code, message: failure.message } });
  } finally {
    request.off('close', abortIfCut);
  }
}

/** The file name from X-Hearth-File-Name: URL-encoded, as a header carries only Latin-1. */
function fileNameHeader(request: http.IncomingMessage): string | undefined {
  const header = request.headers['x-hearth-file-name'];
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    // Not URL-encoded (a plain ASCII name with a stray %): taken as it is.
    return value;
  }
}

function contentLength(request: http.IncomingMessage): number | undefined {
  const header = request.headers['content-length'];
  if (header === undefined || !/^\d+$/.test(header)) return undefined;
  return Number(header);
}
