/** How the team server's HTTP routes answer: the status an error code stands for, and JSON that is never cached. */
import type http from 'node:http';
import type { ErrorCode } from '../../schemas/index.js';

/** The HTTP status of a HearthError code: what a client may do about it (sign in, ask for a role, wait, send less). */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'UNAUTHORIZED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'RATE_LIMITED':
      return 429;
    case 'QUOTA_EXCEEDED':
    case 'FILE_TOO_LARGE':
      return 413;
    case 'CLOSING':
      return 503;
    case 'INTERNAL':
    case 'MODEL_CRASHED':
    case 'TIMEOUT':
      return 500;
    default:
      // The rest name something wrong with what was sent (its params, its file, its format).
      return 400;
  }
}

export function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
}
