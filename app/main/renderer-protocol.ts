/**
 * Serves the built renderer under `hearth://app/` instead of file://. A page on file:// may read any file
 * on the disk and has no real origin, so CSP 'self' and the IPC sender check would mean little; a
 * privileged standard scheme gives the app one origin that owns only its own folder.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { net, protocol } from 'electron';
import { APP_HOST, APP_SCHEME } from './app-origin.js';

/** Must run before the app's `ready` event: Chromium reads scheme privileges at startup. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      // corsEnabled: Vite's built page loads `<script type="module" crossorigin>`, a CORS-mode fetch.
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
    },
  ]);
}

/** Answers `hearth://app/<path>` with the file at `<rendererDir>/<path>`, carrying the CSP header itself. */
export function serveRenderer(options: { rendererDir: string; contentSecurityPolicy: string }): void {
  const root = path.resolve(options.rendererDir);
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed.');
    const url = new URL(request.url);
    const file = url.host === APP_HOST ? fileInside(root, url.pathname) : undefined;
    if (!file || !(await isFile(file))) return plain(404, 'Not found.');
    const upstream = await net.fetch(pathToFileURL(file).href);
    const headers = new Headers(upstream.headers);
    headers.set('Content-Security-Policy', options.contentSecurityPolicy);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(upstream.body, { status: upstream.status, headers });
  });
}

/** The file a URL path names, or undefined when it would lead outside `root` (`..`, encoded or not). */
export function fileInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    // A malformed %-escape cannot name one of our files.
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const relative = decoded.replace(/^\/+/, '') || 'index.html';
  const full = path.resolve(root, relative);
  const fromRoot = path.relative(root, full);
  if (fromRoot === '' || fromRoot === '..' || fromRoot.startsWith(`..${path.sep}`) || path.isAbsolute(fromRoot)) {
    return undefined;
  }
  return full;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    // Missing or unreadable: answered as 404 by the caller.
    return false;
  }
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}
