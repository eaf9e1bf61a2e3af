/**
 * Web mode: one HTTP server that serves the built renderer and carries the RPC contract over a WebSocket
 * at `/rpc`, with the same core the desktop app hosts. It binds to loopback by default, and since every web
 * page the user opens and every account on the machine can reach a loopback port, it answers only requests
 * that name one of its own hosts and carry the secret it made at launch (decision 27 in docs/decisions.md).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { HearthError } from '../../schemas/index.js';
import { localOwner, type Hearth } from '../core/index.js';
import { hearthVersion } from '../core/package-root.js';
import { attachRpcSocket, refuseUpgrade } from './rpc-socket.js';
import { securityHeaders, serveStatic, shownHost } from './static-files.js';
import { Gate, parseAllowedHost, type AllowedHost } from './web-access.js';

export { bearerProtocolPrefix, parseAllowedHost, type AllowedHost } from './web-access.js';

export interface WebServerOptions {
  hearth: Hearth;
  /** The built renderer (`dist/renderer`). */
  staticDir: string;
  host?: string;
  port?: number;
  /** The largest WebSocket frame accepted; it must fit a base64 upload of the largest file. */
  maxFrameBytes?: number;
  /**
   * Names besides the loopback ones that requests may use for this server (`hearth.lan`), on its own port,
   * or `name:port` when a proxy in front of it listens on another.
   */
  allowedHosts?: string[];
  /** The launch secret; a fresh random one when absent. */
  token?: string;
}

export interface WebServer {
  /** The address to open: `origin` with `?token=`, which the first visit trades for a cookie. */
  url: string;
  /** `http://127.0.0.1:4321`: the server without its secret. */
  origin: string;
  /** The launch secret, for scripts: `Authorization: Bearer <token>` or the subprotocol `hearth.bearer.<token>`. */
  token: string;
  close(): Promise<void>;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { hearth, staticDir } = options;
  const token = options.token ?? randomBytes(32).toString('base64url');
  if (!/^[A-Za-z0-9_-]{16,512}$/.test(token)) {
    // It travels in a URL, a cookie and a WebSocket subprotocol, which all take these characters unescaped.
    throw new HearthError('BAD_REQUEST', "The web server's token must be 16 or more of the characters A–Z, a–z, 0–9, - and _.");
  }
  const allowedHosts = (options.allowedHosts ?? []).map((entry) => {
    const parsed = parseAllowedHost(entry);
    if (!parsed) throw new HearthError('BAD_REQUEST', `"${entry}" is not a host name (like hearth.lan, or hearth.lan:8443); check --allow-host and HEARTH_ALLOWED_HOSTS.`);
    return parsed;
  });
  // Filled in once the server listens: the port (0 asks for any) and the address are known only then.
  let gate: Gate | undefined;
  const server = http.createServer((request, response) => {
    serveHttp(staticDir, gate!, request, response).catch((error: unknown) => {
      console.error('[hearth] http error', error);
      if (!response.headersSent) response.writeHead(500).end('Internal error');
      else response.destroy();
    });
  });
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxFrameBytes ?? 128 * 1024 * 1024,
    handleProtocols: (protocols) => [...protocols].find((protocol) => gate!.isBearerProtocol(protocol)) ?? false,
  });

  server.on('upgrade', (request, socket, head) => {
    socket.on('error', () => socket.destroy()); // Node leaves an upgrading socket without an error listener
    const refusal = gate!.refuseUpgrade(request);
    if (refusal) {
      refuseUpgrade(socket, refusal.status, refusal.message);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => attachRpcSocket(ws, hearth.dispatcher, localOwner));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = shownHost(address);
  gate = new Gate({ token, port: address.port, allowedHosts, boundHost: host });
  const origin = `http://${host}:${address.port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const keyNeededPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Hearth needs its key</title></head>
<body>
<h1>Hearth needs its key</h1>
<p>To use Hearth in this browser, open the address Hearth printed when it started (the one ending in
<code>/?token=…</code>). The key is new each time Hearth starts, so an address from an earlier start no longer
opens it.</p>
</body>
</html>
`;

async function serveHttp(staticDir: string, gate: Gate, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  const badHost = gate.refuseHost(request);
  if (badHost) {
    response.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }).end(badHost);
    return;
  }
  const url = new URL(request.url ?? '/', 'http://localhost');
  const readOnly = request.method === 'GET' || request.method === 'HEAD';
  if (url.pathname === '/health') {
    if (!readOnly) {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ok: true, version: hearthVersion() }));
    return;
  }
  const presented = url.searchParams.get('token');
  if (readOnly && presented !== null && gate.isSecret(presented)) {
    // Trade the secret for a cookie and send the browser on without it, so it leaves the address bar and history.
    url.searchParams.delete('token');
    const location = `/${url.pathname.replace(/^\/+/, '')}${url.search}`; // never `//host`: that would leave Hearth
    response
      .writeHead(303, {
        Location: location,
        'Set-Cookie': `${gate.cookieName}=${presented}; HttpOnly; SameSite=Strict; Path=/`,
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
      })
      .end();
    return;
  }
  if (presented !== null || !gate.authorised(request)) {
    response
      .writeHead(401, {
        'Content-Type': 'text/html; charset=utf-8',
        'WWW-Authenticate': 'Bearer realm="hearth"',
        'Cache-Control': 'no-store',
        ...securityHeaders,
      })
      .end(request.method === 'HEAD' ? undefined : keyNeededPage);
    return;
  }
  if (!readOnly) {
    response.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  await serveStatic(staticDir, request, response, url);
}
