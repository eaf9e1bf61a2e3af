/**
 * The team server: the same core headless on a shared box, for many people. Everyone signs in — an API token
 * (`hearth team token create`) or a JWT from the team's OIDC provider — as a Bearer header, the WebSocket
 * subprotocol `hearth.bearer.<token>`, or — in a browser — the HttpOnly cookie of a session POST /session opens
 * (a random secret standing for the token, never the token); never a query string. Every request is made as that person, re-checked per request, so a share, a revoked token or a
 * disabled account counts at once. Beside `/rpc` it serves `/v1` (OpenAI-compatible, the same tokens),
 * `/upload`, `/healthz`, `/readyz` and, for admins, `/metrics` (decision 48 in docs/decisions.md).
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { HearthError, isHearthError, type HttpRefusal, type SessionAnswer } from '../../schemas/index.js';
import { runAsCaller, type Caller, type Credential, type Hearth } from '../core/index.js';
import { hearthVersion } from '../core/package-root.js';
import { createMetrics, type Metrics } from './metrics.js';
import { httpStatusOf, sendJson } from './http-answers.js';
import { handleOpenAIRequest } from './openai-api.js';
import { attachRpcSocket, refuseUpgrade } from './rpc-socket.js';
import { securityHeaders, serveStatic, shownHost } from './static-files.js';
import { handleUpload } from './upload.js';
import { runtimeModels } from './v1-models.js';
import { HostRule, bearerProtocolPrefix, cookieValues, parseAllowedHost } from './web-access.js';

export interface TeamServerOptions {
  hearth: Hearth;
  /** The built renderer (`dist/renderer`): served to anyone, it holds no data; everything it asks for needs a sign-in. */
  staticDir: string;
  host?: string;
  port?: number;
  /** PEM certificate and key: serve HTTPS (and WSS). Without them, serve plain HTTP, for loopback or behind a TLS proxy. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Names besides loopback and IP addresses that requests may use (`hearth.lan`, or `name:port` behind a proxy). */
  allowedHosts?: string[];
  /** The largest WebSocket frame; default 1 MiB (files go through /upload). */
  maxFrameBytes?: number;
  /** Requests one connection may have running at once; default 32. */
  maxInFlight?: number;
  /** Bytes each person may add as documents; default HEARTH_UPLOAD_QUOTA_MB or 2 GiB. */
  uploadQuotaBytes?: number;
  /** Take the client's address from X-Forwarded-For (only behind a proxy you run): the failed sign-in limit counts per address. */
  trustProxy?: boolean;
  /** Failed sign-ins one address may make per minute before it is refused (429); default 10. */
  failedSignInsPerMinute?: number;
  /** How often an open socket's credential is checked again, so a revoked token's idle socket closes; default 15 s. */
  recheckEveryMs?: number;
  /** Sockets one person may have open at once (a window each, plus scripts); default 32. */
  maxSocketsPerPerson?: number;
}

export interface TeamServer {
  /** `https://127.0.0.1:8443`: where the server listens. */
  origin: string;
  port: number;
  metrics: Metrics;
  close(): Promise<void>;
}

/** The WebSocket close code for "your sign-in no longer lets you in": the client signs in again rather than retrying. */
export const closeUnauthorized = 4401;
const loopback = new Set(['127.0.0.1', '::1', 'localhost']);

export async function startTeamServer(options: TeamServerOptions): Promise<TeamServer> {
  const { hearth, staticDir } = options;
  const host = options.host ?? '127.0.0.1';
  if (!loopback.has(host) && !hearth.team.canSignIn()) {
    throw new HearthError(
      'BAD_REQUEST',
      `Hearth will not serve a team on ${host} while nobody can sign in: add an account first (hearth team user add NAME, then ` +
        'hearth team token create NAME), or set up OIDC (HEARTH_OIDC_ISSUER, HEARTH_OIDC_AUDIENCE and HEARTH_OIDC_JWKS_FILE or _URL).',
    );
  }
  const allowedHosts = (options.allowedHosts ?? []).map((entry) => {
    const parsed = parseAllowedHost(entry);
    if (!parsed) throw new HearthError('BAD_REQUEST', `"${entry}" is not a host name (like hearth.lan, or hearth.lan:8443); check --allow-host and HEARTH_ALLOWED_HOSTS.`);
    return parsed;
  });
  const maxInFlight = options.maxInFlight ?? 32;
  const maxSocketsPerPerson = options.maxSocketsPerPerson ?? 32;
  /** Open sockets by person. */
  const openSockets = new Map<string, number>();
  const quotaBytes = options.uploadQuotaBytes ?? hearth.uploads.quotaBytes;
  const tlsHere = options.tls !== undefined;
  /** Whether the browser reached us over TLS: ours, or a trusted proxy's in front of us. */
  const overTls = (request: http.IncomingMessage): boolean =>
    tlsHere || (options.trustProxy === true && String(request.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim() === 'https');
  const signIns = new FailedSignIns(options.failedSignInsPerMinute ?? 10);
  const metrics = createMetrics({ hearth });
  const models = runtimeModels(hearth.models);
  const tokenUse = new TokenUseAudit(hearth);
  // Known once the server listens (port 0 asks for any).
  let rule: HostRule | undefined;
  let cookieName = '';

  const addressOf = (request: http.IncomingMessage): string => {
    // The proxy appends the address it saw: the last entry is the one a client cannot choose.
    const forwarded = options.trustProxy ? String(request.headers['x-forwarded-for'] ?? '').split(',').at(-1)?.trim() : '';
    return forwarded || request.socket.remoteAddress || 'unknown';
  };

  /**
   * Who a request is, from its Bearer header, its subprotocol or — where `cookie` allows — the session cookie;
   * UNAUTHORIZED or RATE_LIMITED otherwise. A request that presents a header or subprotocol is judged by it alone,
   * never by a cookie the browser added on its own; `via` says which it was, for the Origin rule.
   */
  const signIn = async (
    request: http.IncomingMessage,
    given: { protocols?: string[]; token?: string; cookie?: boolean } = {},
  ): Promise<{ credential: Credential; via: 'bearer' | 'cookie' }> => {
    const address = addressOf(request);
    signIns.check(address);
    const authorization = request.headers.authorization;
    const bearer = authorization === undefined ? undefined : (/^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] ?? '');
    const fromProtocol = (given.protocols ?? []).find((protocol) => protocol.startsWith(bearerProtocolPrefix))?.slice(bearerProtocolPrefix.length);
    const fromCookie = given.cookie ? cookieValues(request.headers.cookie, cookieName)[0] : undefined;
    const presented = given.token ?? bearer ?? fromProtocol;
    if (presented === undefined && fromCookie !== undefined) {
      // A browser's session: a lookup, no secret to stretch — and nothing to guess in 256 random bits.
      return { credential: hearth.team.resumeSession(fromCookie), via: 'cookie' };
    }
    const token = presented;
    if (token === undefined) {
      throw new HearthError('UNAUTHORIZED', 'Sign in first: send "Authorization: Bearer <token>" (an API token from your admin, or your OIDC sign-in token).');
    }
    if (token === '') throw new HearthError('UNAUTHORIZED', 'Hearth takes "Authorization: Bearer <token>"; other kinds of credentials are not used here.');
    const via = 'bearer' as const;
    const attempt = signIns.begin(address);
    try {
      const credential = await hearth.team.authenticate(token);
      tokenUse.record(credential, address);
      return { credential, via };
    } catch (error) {
      if (isHearthError(error) && error.code === 'UNAUTHORIZED') {
        signIns.failed(address);
        hearth.team.audit.record({ actor: { id: 'anonymous', kind: 'user', name: 'anonymous' }, action: 'signin.failed', detail: { address, reason: error.message } });
      }
      throw error;
    } finally {
      attempt.end();
    }
  };

  /** A cookie rides along with any request the browser makes: one that changes something must come from our own page. */
  const requireOwnPage = (request: http.IncomingMessage, via: 'bearer' | 'cookie', what: string): void => {
    if (via !== 'cookie') return;
    const origin = request.headers.origin;
    if (origin === undefined || !rule!.originAllowed(origin)) {
      throw new HearthError('FORBIDDEN', `${what} with the sign-in cookie is taken only from the pages this server serves; scripts send "Authorization: Bearer <token>".`);
    }
  };

  const handler = (request: http.IncomingMessage, response: http.ServerResponse) => {
    serveTeamHttp(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, error);
      else response.destroy();
      if (!isHearthError(error) || error.code === 'INTERNAL') console.error('[hearth] team server error', error);
    });
  };

  const serveTeamHttp = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    const badHost = rule!.refuseHost(request);
    if (badHost) {
      response.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }).end(badHost);
      return;
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.searchParams.has('token') || url.searchParams.has('access_token')) {
      // A token in a URL ends up in logs, history and Referer headers: refused before it is even looked at.
      throw new HearthError('BAD_REQUEST', 'Tokens never go in a URL here; send them as "Authorization: Bearer <token>".');
    }
    const route = url.pathname;
    if (route === '/healthz') return sendJson(response, 200, { ok: true, version: hearthVersion() });
    if (route === '/readyz') {
      // Unauthenticated, so it says only whether to send people here, not how sign-in or the models are set up.
      const ready = hearth.team.canSignIn();
      return sendJson(response, ready ? 200 : 503, ready ? { ready } : { ready, reason: 'Nobody can sign in yet: add an account or set up OIDC.' });
    }
    if (route === '/session') return session(request, response);
    if (route === '/metrics') {
      const caller = hearth.team.callerFor((await signIn(request)).credential);
      if (caller.serverRole !== 'admin') throw new HearthError('FORBIDDEN', '/metrics is for the server\'s admins.');
      response.writeHead(200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' }).end(await metrics.text());
      return;
    }
    if (route.startsWith('/v1/')) {
      // Bearer only: the OpenAI clients send one, and a cookie would let any page of the site spend someone's turns.
      const caller = hearth.team.callerFor((await signIn(request)).credential);
      // As the caller: the model queue shares the GPU fairly between people, /v1 and the app alike.
      const handled = await runAsCaller(caller, () => handleOpenAIRequest(models, request, response));
      if (!handled) sendJson(response, 404, { error: { message: `No such endpoint: ${route}`, type: 'invalid_request_error', code: 'not_found' } });
      return;
    }
    if (route === '/upload') {
      // A local app connected to this team (another origin) uploads with its bearer: CORS, never with credentials —
      // a cookie from another origin's request still meets requireOwnPage below.
      const origin = request.headers.origin;
      if (origin !== undefined && !rule!.originAllowed(origin)) {
        response.setHeader('Access-Control-Allow-Origin', origin);
        response.setHeader('Vary', 'Origin');
      }
      if (request.method === 'OPTIONS') {
        response
          .writeHead(204, {
            'Access-Control-Allow-Methods': 'POST',
            'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-Hearth-File-Name',
            'Access-Control-Max-Age': '600',
          })
          .end();
        return;
      }
      if (request.method !== 'POST') return sendJson(response, 405, { error: { code: 'BAD_REQUEST', message: '/upload takes POST.' } });
      const { credential, via } = await signIn(request, { cookie: true });
      requireOwnPage(request, via, 'An upload');
      const caller = hearth.team.callerFor(credential);
      return runAsCaller(caller, () => handleUpload({ hearth, caller, request, response, quotaBytes }));
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    await serveStatic(staticDir, request, response, url);
  };

  /** POST: trade a token for the session cookie (a browser's sign-in); GET: who the cookie is; DELETE: sign out. */
  const session = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    if (request.method === 'GET') {
      // What the renderer asks first: whether this is a team server, and whether its cookie still signs it in.
      try {
        const caller = hearth.team.callerFor((await signIn(request, { cookie: true })).credential);
        return sendJson(response, 200, signedInAs(caller));
      } catch (error) {
        if (!isHearthError(error) || error.code !== 'UNAUTHORIZED') throw error;
        return sendJson(response, 401, { ...({ team: true, signedIn: false } satisfies SessionAnswer), ...({ error: error.toPayload() } satisfies HttpRefusal) });
      }
    }
    if (request.method === 'DELETE') {
      const session = cookieValues(request.headers.cookie, cookieName)[0];
      if (session !== undefined) hearth.team.closeSession(session);
      response.writeHead(204, { 'Set-Cookie': `${cookieName}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0${overTls(request) ? '; Secure' : ''}` }).end();
      return;
    }
    if (request.method !== 'POST') return sendJson(response, 405, { error: { code: 'BAD_REQUEST', message: '/session takes GET, POST or DELETE.' } });
    const origin = request.headers.origin;
    if (origin !== undefined && !rule!.originAllowed(origin)) throw new HearthError('FORBIDDEN', 'Sign in from the page this server serves.');
    const body = SignInBody.safeParse(await readSmallJson(request));
    if (!body.success) throw new HearthError('BAD_REQUEST', 'Send {"token": "<your API token>"} to sign in.');
    const { token } = body.data;
    // Checked as a Bearer header would be (rate limit, audit); the browser keeps only a session standing for it, in an
    // HttpOnly cookie scripts on the page cannot read — never the token itself.
    const { credential } = await signIn(request, { token });
    const caller = hearth.team.callerFor(credential);
    const session = hearth.team.openSession(credential);
    const maxAge = Math.max(0, Math.floor((session.expiresAt.getTime() - Date.now()) / 1000));
    response
      .writeHead(200, {
        'Content-Type': 'application/json',
        'Cache-Control': 'no-store',
        'Set-Cookie': `${cookieName}=${session.secret}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAge}${overTls(request) ? '; Secure' : ''}`,
      })
      .end(JSON.stringify(signedInAs(caller)));
  };

  const server = tlsHere ? https.createServer({ cert: options.tls!.cert, key: options.tls!.key }, handler) : http.createServer(handler);
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxFrameBytes ?? 1024 * 1024,
    // The browser offered its token as a subprotocol: it must get the same one back, or it drops the socket.
    handleProtocols: (protocols) => [...protocols].find((protocol) => protocol.startsWith(bearerProtocolPrefix)) ?? false,
  });

  server.on('upgrade', (request: http.IncomingMessage, socket, head) => {
    // Node leaves an upgrading socket with no error listener: a client that resets it while its token is checked
    // would otherwise throw from the socket and take the server down.
    socket.on('error', () => socket.destroy());
    const badHost = rule!.refuseHost(request);
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (badHost) return refuseUpgrade(socket, 403, badHost);
    if (path !== '/rpc') return refuseUpgrade(socket, 404, "Hearth's WebSocket is at /rpc.\n");
    const protocols = String(request.headers['sec-websocket-protocol'] ?? '').split(',').map((protocol) => protocol.trim()).filter(Boolean);
    signIn(request, { protocols, cookie: true }).then(
      ({ credential, via }) => {
        if (socket.destroyed) return; // the client went away while its token was checked
        // The cookie is sent by the browser on its own, so a socket signed in by it must come from one of our pages.
        // A bearer in a header or the subprotocol is presented by whoever holds it (a script, the desktop app's
        // window), from wherever they are: its origin adds nothing.
        const origin = request.headers.origin;
        if (via === 'cookie' && origin !== undefined && !rule!.originAllowed(origin)) {
          return refuseUpgrade(socket, 403, `A page at ${origin.slice(0, 200)} may not use Hearth with its sign-in cookie; only pages Hearth serves may.\n`);
        }
        // Each socket may run 32 requests; a person opening hundreds would be a way round that.
        if ((openSockets.get(credential.userId) ?? 0) >= maxSocketsPerPerson) {
          return refuseUpgrade(socket, 429, `You have ${maxSocketsPerPerson} connections to Hearth open already, the most one person may; close some windows or scripts.\n`);
        }
        sockets.handleUpgrade(request, socket, head, (ws) => attach(ws, credential));
      },
      (error: unknown) => {
        const status = isHearthError(error) && error.code === 'RATE_LIMITED' ? 429 : 401;
        refuseUpgrade(socket, status, `${error instanceof Error ? error.message : String(error)}\n`);
      },
    );
  });

  const attach = (ws: WebSocket, credential: Credential) => {
    const closed = metrics.connectionOpened();
    openSockets.set(credential.userId, (openSockets.get(credential.userId) ?? 0) + 1);
    let signedOut = false;
    const signOut = (reason: string) => {
      if (signedOut) return;
      signedOut = true;
      ws.close(closeUnauthorized, reason.slice(0, 120));
    };
    // Asked for every request: rights as they are now; once the credential no longer lets in, the socket closes.
    const caller = (): Caller => {
      try {
        return hearth.team.callerFor(credential);
      } catch (error) {
        if (isHearthError(error) && error.code === 'UNAUTHORIZED') setImmediate(() => signOut(error.message));
        throw error;
      }
    };
    attachRpcSocket(ws, hearth.dispatcher, caller, { maxInFlight });
    // An idle socket of a revoked token closes too, without waiting for its next request.
    const recheck = setInterval(() => {
      try {
        hearth.team.callerFor(credential);
      } catch (error) {
        signOut(error instanceof Error ? error.message : 'signed out');
      }
    }, options.recheckEveryMs ?? 15_000);
    recheck.unref();
    ws.on('close', () => {
      clearInterval(recheck);
      closed();
      const left = (openSockets.get(credential.userId) ?? 1) - 1;
      if (left > 0) openSockets.set(credential.userId, left);
      else openSockets.delete(credential.userId);
    });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  rule = new HostRule({ port: address.port, allowedHosts, boundHost: shownHost(address), ipLiterals: true });
  cookieName = `hearth-session-${address.port}`;
  return {
    origin: `${tlsHere ? 'https' : 'http'}://${shownHost(address)}:${address.port}`,
    port: address.port,
    metrics,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        metrics.dispose();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const checksAtOncePerAddress = 100;

/**
 * Failed sign-ins per address over the last minute, and the ones still being checked; past the limit, that
 * address is refused before its token is even looked at (so a burst cannot queue a thousand scrypts).
 */
class FailedSignIns {
  private readonly failures = new Map<string, number[]>();
  private readonly checking = new Map<string, number>();

  constructor(private readonly perMinute: number) {}

  check(address: string): void {
    const recent = this.recent(address);
    if (recent.length >= this.perMinute) {
      const retryAfterSeconds = Math.max(1, Math.ceil((recent[0]! + 60_000 - Date.now()) / 1000));
      throw new HearthError('RATE_LIMITED', `Too many failed sign-ins from ${address}; try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
    }
    // A whole office behind one address may sign in at once; a thousand at once is a flood.
    if ((this.checking.get(address) ?? 0) >= checksAtOncePerAddress) {
      throw new HearthError('RATE_LIMITED', `Too many sign-ins from ${address} at once; try again in a second.`, { retryAfterSeconds: 1 });
    }
  }

  /** A check under way for `address`: counted against its limit until it ends. */
  begin(address: string): { end(): void } {
    this.checking.set(address, (this.checking.get(address) ?? 0) + 1);
    let ended = false;
    return {
      end: () => {
        if (ended) return;
        ended = true;
        const left = (this.checking.get(address) ?? 1) - 1;
        if (left > 0) this.checking.set(address, left);
        else this.checking.delete(address);
      },
    };
  }

  failed(address: string): void {
    const recent = this.recent(address);
    recent.push(Date.now());
    this.failures.set(address, recent);
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value!); // a flood of addresses cannot grow it without bound
  }

  private recent(address: string): number[] {
    const since = Date.now() - 60_000;
    return (this.failures.get(address) ?? []).filter((at) => at > since);
  }
}

/** `token.use` in the audit trail: once per token (or OIDC account) and address per hour, not once per request. */
class TokenUseAudit {
  private readonly last = new Map<string, number>();

  constructor(private readonly hearth: Hearth) {}

  record(credential: Credential, address: string): void {
    const key = `${credential.tokenId ?? `oidc:${credential.userId}`}@${address}`;
    const now = Date.now();
    if (now - (this.last.get(key) ?? 0) < 3_600_000) return;
    if (this.last.size > 10_000) {
      for (const [seen, at] of this.last) if (now - at >= 3_600_000) this.last.delete(seen);
    }
    this.last.set(key, now);
    const user = this.hearth.team.accounts.user(credential.userId);
    this.hearth.team.audit.record({
      actor: { id: credential.userId, kind: 'user', name: user?.name ?? credential.userId },
      action: 'token.use',
      detail: { ...(credential.tokenId ? { tokenId: credential.tokenId } : { via: 'oidc' }), address },
    });
  }
}

/** What POST /session takes: the token, once, to open a session with. */
const SignInBody = z.object({ token: z.string().trim().min(1).max(16 * 1024) });

function signedInAs(caller: Caller): SessionAnswer {
  return { team: true, signedIn: true, user: { id: caller.id, name: caller.name, serverRole: caller.serverRole } };
}

function sendError(response: http.ServerResponse, error: unknown): void {
  const status = isHearthError(error) ? httpStatusOf(error.code) : 500;
  const payload: { code: string; message: string; details?: unknown } = isHearthError(error)
    ? error.toPayload()
    : { code: 'INTERNAL', message: 'Hearth failed; the server log says why.' };
  const headers: Record<string, string> = { ...securityHeaders, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };
  if (status === 401) headers['WWW-Authenticate'] = 'Bearer realm="hearth"';
  const retry = (payload.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
  if (status === 429 && retry !== undefined) headers['Retry-After'] = String(retry);
  // The OpenAI clients read `error.message`; Hearth's own read `error.code` too.
  response.writeHead(status, headers).end(JSON.stringify({ error: { ...payload, type: status >= 500 ? 'server_error' : 'invalid_request_error' } }));
}


async function readSmallJson(request: http.IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 16 * 1024) throw new HearthError('BAD_REQUEST', 'The sign-in body is too large.');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HearthError('BAD_REQUEST', 'The sign-in body is not JSON.');
  }
}
