/**
 * Web mode: one HTTP server that serves the built renderer and carries the RPC contract over a WebSocket
 * at `/rpc`, with the same core the desktop app hosts. It binds to loopback by default.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { RpcSession, localOwner, type Hearth } from '../core/index.js';
import { hearthVersion } from '../core/package-root.js';

export interface WebServerOptions {
  hearth: Hearth;
  /** The built renderer (`dist/renderer`). */
  staticDir: string;
  host?: string;
  port?: number;
  /** The largest WebSocket frame accepted; it must fit a base64 upload of the largest file. */
  maxFrameBytes?: number;
}

export interface WebServer {
  url: string;
  close(): Promise<void>;
}

const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
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

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { hearth, staticDir } = options;
  const server = http.createServer((request, response) => {
    serveHttp(staticDir, request, response).catch((error: unknown) => {
      console.error('[hearth] http error', error);
      if (!response.headersSent) response.writeHead(500).end('Internal error');
      else response.destroy();
    });
  });
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxFrameBytes ?? 128 * 1024 * 1024,
  });

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== '/rpc' || !sameOrigin(request)) {
      // A page on another origin must not drive the user's Hearth through their browser.
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => attach(ws, hearth));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function attach(ws: WebSocket, hearth: Hearth): void {
  const session = new RpcSession(hearth.dispatcher, localOwner, (frame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  });
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      ws.send(JSON.stringify({ type: 'error', id: null, error: { code: 'BAD_REQUEST', message: 'Frames are JSON text, not binary.' } }));
      return;
    }
    session.receive(data.toString());
  });
  ws.on('close', () => session.dispose());
  ws.on('error', (error) => console.error('[hearth] websocket error', error.message));
}

function sameOrigin(request: http.IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true; // not a browser: scripts and the CLI connect without one
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

async function serveHttp(staticDir: string, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  if (url.pathname === '/health') {
    response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ok: true, version: hearthVersion() }));
    return;
  }
  const root = path.resolve(staticDir);
  let file = path.resolve(root, `.${decodeURIComponent(url.pathname)}`);
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
    'Content-Security-Policy': contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    // Vite names assets by content hash, so they never change; everything else is revalidated.
    'Cache-Control': url.pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(file).pipe(response);
}
