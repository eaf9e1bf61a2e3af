/**
 * A team server's streamed upload: `POST /upload?spaceId=…&name=…` with the file as the body, so a large file never
 * has to fit in one WebSocket frame. On the page's own team server the session cookie signs it in (same origin); a
 * team server this window connected to from elsewhere is another origin, so there it goes to `<origin>/upload` with the
 * API token as a bearer and no cookies (the server answers its CORS preflight). The answer is the `ingest` job,
 * followed like any other. XMLHttpRequest rather than fetch, because only it reports how much of the body has gone.
 */
import { ErrorCode, HearthError, ingestJob, type JobInfoOf } from '../../../../schemas/index.js';

export interface UploadAnswer {
  uploadId: string;
  job: JobInfoOf<'ingest'>;
}

export interface UploadOptions {
  spaceId: string;
  /** The project the document is filed under. */
  project?: string;
  /** Called as the body goes out, with the share of it sent (0..1). */
  onSent?: (fraction: number) => void;
  /** Aborting stops the transfer; the server deletes what arrived. */
  signal?: AbortSignal;
}

/** Where the upload goes when it is not the page's own server: that server's origin and the token that signs in there. */
export interface UploadTarget {
  /** `https://box:8443`: the team server's origin. */
  baseUrl: string;
  /** The API token, sent as `Authorization: Bearer <token>`; it stays in memory. */
  bearer: string;
}

export function uploadFile(file: File, options: UploadOptions, target?: UploadTarget): Promise<UploadAnswer> {
  const { spaceId, project, onSent, signal } = options;
  const base = target ? target.baseUrl.replace(/\/+$/, '') : '';
  const where = target ? `the team server at ${new URL(base).host}` : 'Hearth';
  const url = `${base}/upload?spaceId=${encodeURIComponent(spaceId)}&name=${encodeURIComponent(file.name)}${project ? `&project=${encodeURIComponent(project)}` : ''}`;
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', url);
    if (target) {
      request.withCredentials = false; // another origin: the bearer signs in, no cookie goes along
      request.setRequestHeader('Authorization', `Bearer ${target.bearer}`);
    } else {
      request.withCredentials = true; // same origin: the HttpOnly session cookie goes along
    }
    request.responseType = 'text';
    request.setRequestHeader('Accept', 'application/json');
    request.setRequestHeader('Content-Type', 'application/octet-stream');
    if (onSent) {
      request.upload.onprogress = (event) => {
        if (event.lengthComputable && event.total > 0) onSent(Math.min(1, event.loaded / event.total));
      };
    }
    const onAbort = () => request.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => signal?.removeEventListener('abort', onAbort);
    request.onload = () => {
      settle();
      try {
        resolve(answerOf(request.status, request.responseText, file.name, where));
      } catch (error) {
        reject(error);
      }
    };
    request.onerror = () => {
      settle();
      reject(new HearthError('CANCELLED', `The upload of ${file.name} was cut off: the connection to ${where} was lost. Add the file again once it answers.`));
    };
    request.onabort = () => {
      settle();
      reject(new HearthError('CANCELLED', `The upload of ${file.name} was stopped.`));
    };
    request.send(file);
  });
}

/** The job from a 202, or the server's `{ error: { code, message } }` as a HearthError. */
function answerOf(status: number, text: string, name: string, where: string): UploadAnswer {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page): the status is all there is to say.
    body = undefined;
  }
  if (status === 202) {
    const answer = body as { uploadId?: unknown; job?: unknown } | undefined;
    const job = ingestJob.info.safeParse(answer?.job);
    if (typeof answer?.uploadId === 'string' && job.success) return { uploadId: answer.uploadId, job: job.data as JobInfoOf<'ingest'> };
    throw new HearthError('INTERNAL', `${capitalised(where)} took ${name} but its answer names no job to follow (HTTP 202).`);
  }
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = ErrorCode.safeParse(error?.code);
  const message = typeof error?.message === 'string' ? error.message : `${capitalised(where)} refused ${name} (HTTP ${status}).`;
  throw new HearthError(code.success ? code.data : status === 401 ? 'UNAUTHORIZED' : 'INTERNAL', message);
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
