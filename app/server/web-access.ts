/**
 * Who may reach web mode: the host names it answers to (loopback, the address it is bound to, and names the user
 * allows) and the launch secret, in whichever way it travels — a cookie traded for the printed `?token=`, a
 * Bearer header, or a WebSocket subprotocol. Loopback is not a boundary: every web page the user opens (DNS
 * rebinding) and every account on the machine can reach a local port (decision 27 in docs/decisions.md).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { isIP } from 'node:net';

/** The WebSocket subprotocol that carries the secret; browsers' WebSocket API cannot set headers, scripts' can. */
export const bearerProtocolPrefix = 'hearth.bearer.';

/** A host name, optionally with a port, as `--allow-host` takes it; undefined when the text is not one. */
export function parseAllowedHost(entry: string): AllowedHost | undefined {
  const text = entry.trim().toLowerCase();
  const authority = authorityOf(text, Number.NaN);
  if (!authority) return undefined;
  // `new URL` drops a port that is the scheme's default; an explicit `:80` is still a port the user meant.
  const explicitPort = /:(\d+)$/.exec(text);
  return { hostname: authority.hostname, ...(explicitPort ? { port: Number(explicitPort[1]) } : {}) };
}

export interface AllowedHost {
  hostname: string;
  /** Absent: the server's own port. */
  port?: number;
}

interface Authority {
  hostname: string;
  port: number;
}

/** `host[:port]` as a Host header or an allowed name gives it; undefined when it is anything more. */
function authorityOf(value: string, defaultPort: number): Authority | undefined {
  let url: URL;
  try {
    url = new URL(`http://${value}`);
  } catch {
    return undefined;
  }
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash || value.endsWith('/')) return undefined;
  return { hostname: url.hostname, port: url.port ? Number(url.port) : defaultPort };
}

const loopbackNames = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The names a server answers to: loopback and `*.localhost` on its port, the address it is bound to, and names
 * the user allows. A team server also takes IP literals (DNS rebinding needs a name to rebind, so a Host that
 * is an address cannot be a rebound page's).
 */
export class HostRule {
  private readonly port: number;
  private readonly allowedHosts: AllowedHost[];
  private readonly boundHost: string;
  private readonly ipLiterals: boolean;

  constructor(options: { port: number; allowedHosts: AllowedHost[]; boundHost: string; ipLiterals?: boolean }) {
    this.port = options.port;
    this.allowedHosts = options.allowedHosts;
    this.boundHost = authorityOf(options.boundHost, options.port)?.hostname ?? options.boundHost;
    this.ipLiterals = options.ipLiterals ?? false;
  }

  /** Why a request's Host is refused (for every route and the upgrade), or undefined when it is one of ours. */
  refuseHost(request: http.IncomingMessage): string | undefined {
    const host = request.headers.host;
    const authority = host === undefined ? undefined : authorityOf(host, 80);
    if (authority && this.isOurs(authority)) return undefined;
    const named = host === undefined ? 'no host' : `"${host.slice(0, 200)}"`;
    return (
      `Hearth answers only requests for localhost, 127.0.0.1, [::1]${this.ipLiterals ? ', its IP addresses' : ''} or a *.localhost name on port ${this.port}; ` +
      `this one was for ${named}. A web page can point its own name at this machine (DNS rebinding), so other names ` +
      'are refused. To use Hearth under another name, start it with --allow-host NAME (or HEARTH_ALLOWED_HOSTS=NAME).\n'
    );
  }

  /** Whether a browser page at `origin` may open the WebSocket: only pages this server serves. */
  originAllowed(origin: string): boolean {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // `null` (a sandboxed frame, a file:// page) and anything unreadable
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    return this.isOurs({ hostname: url.hostname, port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80 });
  }

  private isOurs({ hostname, port }: Authority): boolean {
    if (port === this.port && (loopbackNames.has(hostname) || hostname.endsWith('.localhost') || hostname === this.boundHost)) return true;
    if (port === this.port && this.ipLiterals && (isIP(hostname) !== 0 || isIP(hostname.replace(/^\[|\]$/g, '')) !== 0)) return true;
    return this.allowedHosts.some((allowed) => allowed.hostname === hostname && (allowed.port ?? this.port) === port);
  }
}

/** Who may reach web mode: the names it answers to, and the launch secret in whichever way it travels. */
export class Gate {
  readonly cookieName: string;
  private readonly hosts: HostRule;
  private readonly secretDigest: Buffer;

  constructor(options: { token: string; port: number; allowedHosts: AllowedHost[]; boundHost: string }) {
    this.hosts = new HostRule(options);
    this.secretDigest = digest(options.token);
    // Cookies do not keep ports apart; the name does, so two Hearths on two ports keep their own.
    this.cookieName = `hearth-token-${options.port}`;
  }

  refuseHost(request: http.IncomingMessage): string | undefined {
    return this.hosts.refuseHost(request);
  }

  originAllowed(origin: string): boolean {
    return this.hosts.originAllowed(origin);
  }

  /** The secret, compared in constant time (over digests, so the lengths are equal too). */
  isSecret(candidate: string): boolean {
    return timingSafeEqual(digest(candidate), this.secretDigest);
  }

  isBearerProtocol(protocol: string): boolean {
    return protocol.startsWith(bearerProtocolPrefix) && this.isSecret(protocol.slice(bearerProtocolPrefix.length));
  }

  /** Whether the request carries the secret in its cookie or an `Authorization: Bearer` header. */
  authorised(request: http.IncomingMessage): boolean {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (bearer && this.isSecret(bearer[1]!)) return true;
    return cookieValues(request.headers.cookie, this.cookieName).some((value) => this.isSecret(value));
  }

  /** Why a WebSocket upgrade is refused, or undefined to accept it. Never from the URL: it would sit in logs and history. */
  refuseUpgrade(request: http.IncomingMessage): { status: number; message: string } | undefined {
    const badHost = this.refuseHost(request);
    if (badHost) return { status: 403, message: badHost };
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== '/rpc') return { status: 404, message: "Hearth's WebSocket is at /rpc.\n" };
    const origin = request.headers.origin;
    if (origin !== undefined && !this.originAllowed(origin)) {
      // A page on another origin must not drive the user's Hearth through their browser.
      return { status: 403, message: `A page at ${origin.slice(0, 200)} may not use Hearth; only pages Hearth serves may.\n` };
    }
    const protocols = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((protocol) => protocol.trim());
    if (this.authorised(request) || protocols.some((protocol) => this.isBearerProtocol(protocol))) return undefined;
    return {
      status: 401,
      message:
        'Hearth needs the key it printed when it started: open that address in the browser, or send ' +
        `"Authorization: Bearer <key>" or the WebSocket subprotocol ${bearerProtocolPrefix}<key>.\n`,
    };
  }

}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  return header.split(';').flatMap((pair) => {
    const equals = pair.indexOf('=');
    return equals > 0 && pair.slice(0, equals).trim() === name ? [pair.slice(equals + 1).trim()] : [];
  });
}
