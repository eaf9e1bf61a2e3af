/**
 * The built renderer as files over HTTP, for web mode and the team server alike: content types, the security
 * headers (a strict CSP), long caching for Vite's hashed assets, and index.html for every other path.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  // Any host: the app may be connected to a team server whose address the user typed (its socket and its /upload).
  "connect-src 'self' ws: wss: http: https:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export const securityHeaders = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** The host to print: the bound address, or loopback when bound to every interface (a browser cannot open 0.0.0.0). */
export function shownHost(address: AddressInfo): string {
  if (address.address === '0.0.0.0') return '127.0.0.1';
  if (address.address === '::') return '[::1]';
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}

/** Answers a GET or HEAD for a file of the renderer (the caller has checked who is asking). */
export async function serveStatic(staticDir: string, request: http.IncomingMessage, response: http.ServerResponse, url: URL): Promise<void> {
  const root = path.resolve(staticDir);
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    response.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('The path is not valid percent-encoding.\n');
    return;
  }
  let file = path.resolve(root, `.${decoded}`);
  if (file !== root && !file.startsWith(root + path.sep)) {
    response.writeHead(403).end();
    return;
  }
  let info = await stat(file).catch(() => undefined);
  if (!info || info.isDirectory()) {
    // The renderer is a single page: unknown paths get index.html.
    file = path.join(root, 'index.html');
    info = await stat(file).catch(() => undefined);
    if (!info) {
      response
        .writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end(`The renderer is not built (no ${file}). Run: npm run build:renderer`);
      return;
    }
  }
  response.writeHead(200, {
    'Content-Type': contentTypes[path.extname(file)] ?? 'application/octet-stream',
    'Content-Length': info.size,
    ...securityHeaders,
    // Vite names assets by content hash, so they never change; everything else is revalidated.
    'Cache-Control': url.pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(file).pipe(response);
}
