/**
 * The WebSocket transport for web mode that outlives its socket: when the connection drops (a team server
 * restarts, Wi-Fi blips) it says so and opens a new one with exponential backoff, so the window goes on
 * without a reload. Requests in flight at the drop fail with a "connection lost" error; requests made while
 * it reconnects wait for the new connection. Each socket is carried by a WsTransport, so framing, and the
 * auth that rides on the upgrade (the page's cookie, or a subprotocol), are the same as a single socket's.
 */
import { HearthError, type ClientFrame, type ServerFrame } from '../../../../schemas/index.js';
import { connectionLostError } from './connection-lost.js';
import type { Transport } from './transport.js';
import { WsTransport, type SocketLike } from './ws-transport.js';

/**
 * `connecting`: a socket is being opened (the first one, or attempt `attempt` after a drop); `open`;
 * `reconnecting`: waiting until `nextRetryAt` to try again; `closed`: closed on purpose, for good;
 * `signed-out`: the server no longer lets this sign-in in (it closed the socket with 4401), so retrying is pointless.
 */
export type LinkStatus = 'connecting' | 'open' | 'reconnecting' | 'closed' | 'signed-out';

/** The close code a team server ends a socket with when its sign-in no longer lets it in (a revoked token, a disabled account). */
export const closeSignedOut = 4401;

export interface LinkState {
  status: LinkStatus;
  /** Connection attempts since the link was last steady: 0 for the first connection, 3 while making (or waiting to make) the third retry. */
  attempt: number;
  /** When the next attempt starts (ms since the epoch), while `reconnecting`; otherwise null. */
  nextRetryAt: number | null;
  /** Why, when `signed-out`: the server's close reason ("The token was revoked."). */
  reason?: string;
}

/** A WebSocket class: the browser's, or `ws`'s in Node. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => SocketLike;

export interface ReconnectOptions {
  /** The first retry's delay; each further one doubles it. Default 1 s. */
  initialDelayMs?: number;
  /** The longest delay between attempts. Default 30 s. */
  maxDelayMs?: number;
  /** How far each delay may stray either way, as a fraction, so many windows do not all retry at once. Default 0.25. */
  jitter?: number;
  /** How long a connection must stay open before the next drop starts again from `initialDelayMs`. Default 10 s. */
  steadyAfterMs?: number;
}

export interface ReconnectingWsTransportOptions extends ReconnectOptions {
  /** The address of the core's RPC socket (`ws://host/rpc`). */
  url: string;
  /** Subprotocols to offer on every upgrade (a script's `hearth.bearer.<key>`); a page relies on its cookie instead. */
  protocols?: string | string[];
  /** The WebSocket class; the global one by default (Node 20 has none: pass `ws`'s). */
  WebSocket?: WebSocketConstructor;
  /** Hears of frames that are not JSON text (see WsTransport). */
  onProblem?: (problem: { message: string; frame?: unknown }) => void;
  /** Random numbers in [0, 1) for the jitter; Math.random by default. */
  random?: () => number;
}

/** The delay before attempt `attempt` (1, 2, 3…): doubling from the initial delay, jittered, never past the cap. */
export function retryDelay(attempt: number, options: ReconnectOptions = {}, random: () => number = Math.random): number {
  const initial = options.initialDelayMs ?? 1000;
  const max = options.maxDelayMs ?? 30_000;
  const jitter = options.jitter ?? 0.25;
  const base = Math.min(max, initial * 2 ** Math.max(0, attempt - 1));
  return Math.round(Math.min(max, base * (1 + jitter * (2 * random() - 1))));
}

export class ReconnectingWsTransport implements Transport {
  private readonly options: ReconnectingWsTransportOptions;
  private readonly WebSocketClass: WebSocketConstructor;
  private current: WsTransport | undefined;
  private link: LinkState = { status: 'connecting', attempt: 0, nextRetryAt: null };
  private frameListener: ((frame: ServerFrame) => void) | undefined;
  private readonly linkListeners = new Set<(link: LinkState) => void>();
  private readonly dropListeners = new Set<(error: HearthError) => void>();
  /** Settles when the link next opens (or rejects when it is closed for good); replaced after each drop. */
  private nextOpen = deferred();
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private steadyTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: ReconnectingWsTransportOptions) {
    this.options = options;
    const WebSocketClass = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WebSocketClass) throw new HearthError('INTERNAL', 'There is no WebSocket class here; pass one (in Node, `ws`\'s) as the WebSocket option.');
    this.WebSocketClass = WebSocketClass;
    this.connect();
  }

  /** The link as it is now; `subscribe` hears of each change. */
  get state(): LinkState {
    return this.link;
  }

  /** Calls `listener` with each new link state; returns a function that stops it. */
  subscribe(listener: (link: LinkState) => void): () => void {
    this.linkListeners.add(listener);
    return () => this.linkListeners.delete(listener);
  }

  /** Called with the connection-lost error each time an open connection drops; the client fails what was in flight. */
  onDrop(listener: (error: HearthError) => void): () => void {
    this.dropListeners.add(listener);
    return () => this.dropListeners.delete(listener);
  }

  /** Stops waiting for the next attempt and makes it now (the banner's "Retry now"); does nothing unless waiting. */
  retryNow(): void {
    if (this.link.status !== 'reconnecting') return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.connect();
  }

  ready(): Promise<void> {
    return this.nextOpen.promise;
  }

  send(frame: ClientFrame): void {
    if (this.link.status === 'closed') throw closedError();
    if (this.link.status === 'signed-out') throw signedOutError(this.link.reason);
    // Between a drop and the next open there is no socket to write to; the request fails like those in flight.
    if (this.link.status !== 'open' || !this.current) throw connectionLostError();
    this.current.send(frame);
  }

  onFrame(listener: (frame: ServerFrame) => void): () => void {
    this.frameListener = listener;
    return () => {
      if (this.frameListener === listener) this.frameListener = undefined;
    };
  }

  /** Closes the socket for good: no more attempts, and whatever waits for the link is told it closed. */
  close(): void {
    if (this.link.status === 'closed' || this.link.status === 'signed-out') return;
    this.stop({ status: 'closed', attempt: this.link.attempt, nextRetryAt: null }, closedError());
  }

  /**
   * Stops for good because the sign-in no longer holds (the server said so with 4401, or the page signed out):
   * requests in flight and those waiting for the link fail with UNAUTHORIZED, and no attempt follows.
   */
  signOut(reason: string): void {
    if (this.link.status === 'closed' || this.link.status === 'signed-out') return;
    const error = signedOutError(reason);
    const wasOpen = this.link.status === 'open';
    this.stop({ status: 'signed-out', attempt: this.link.attempt, nextRetryAt: null, reason }, error);
    // Not a drop to come back from: what was in flight fails as refused, so a job being followed stops following.
    if (wasOpen) for (const listener of [...this.dropListeners]) listener(error);
  }

  private stop(link: LinkState, error: HearthError): void {
    clearTimeout(this.retryTimer);
    clearTimeout(this.steadyTimer);
    const socket = this.current;
    this.current = undefined;
    this.nextOpen.reject(error); // whoever waits for the link now
    this.nextOpen = deferred();
    this.nextOpen.reject(error); // and whoever asks later
    this.setLink(link);
    socket?.close();
  }

  dispose(): void {
    this.close();
  }

  private connect(): void {
    this.setLink({ status: 'connecting', attempt: this.link.attempt, nextRetryAt: null });
    const { url, protocols, onProblem } = this.options;
    let socket: SocketLike;
    try {
      socket = protocols === undefined ? new this.WebSocketClass(url) : new this.WebSocketClass(url, protocols);
    } catch (error) {
      // A malformed address throws at once, and will throw every time: say so instead of retrying it forever.
      const problem = `Could not open a WebSocket to ${url}: ${error instanceof Error ? error.message : String(error)}`;
      (onProblem ?? ((p: { message: string }) => console.error(`[hearth] ${p.message}`)))({ message: problem });
      this.close();
      return;
    }
    const transport = new WsTransport(socket, onProblem ? { onProblem } : {});
    this.current = transport;
    let opened = false;
    transport.onFrame((frame) => {
      if (this.current === transport) this.frameListener?.(frame);
    });
    transport.onClose((_error, close) => {
      if (this.current !== transport) return; // an old socket, or one closed on purpose
      if (close.code === closeSignedOut) {
        this.signOut(close.reason || 'The server signed this window out.');
        return;
      }
      this.current = undefined;
      this.dropped(opened);
    });
    transport.ready().then(
      () => {
        if (this.current !== transport) return;
        opened = true;
        this.opened();
      },
      // A socket that fails to open also closes; the close schedules the next attempt.
      () => undefined,
    );
  }

  private opened(): void {
    this.setLink({ status: 'open', attempt: this.link.attempt, nextRetryAt: null });
    this.nextOpen.resolve();
    // A link that drops again soon after opening keeps backing off; one that stayed up a while starts over.
    this.steadyTimer = setTimeout(() => this.setLink({ status: 'open', attempt: 0, nextRetryAt: null }), this.options.steadyAfterMs ?? 10_000);
  }

  private dropped(wasOpen: boolean): void {
    clearTimeout(this.steadyTimer);
    const attempt = this.link.attempt + 1;
    const delay = retryDelay(attempt, this.options, this.options.random);
    if (wasOpen) this.nextOpen = deferred();
    this.setLink({ status: 'reconnecting', attempt, nextRetryAt: Date.now() + delay });
    // After the new state, so a request made again at once (a job being followed) waits for the next open.
    if (wasOpen) {
      const error = connectionLostError();
      for (const listener of [...this.dropListeners]) listener(error);
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect();
    }, delay);
  }

  private setLink(link: LinkState): void {
    this.link = link;
    for (const listener of [...this.linkListeners]) listener(link);
  }
}

const closedError = () => new HearthError('CANCELLED', 'The connection to Hearth was closed.');
const signedOutError = (reason: string | undefined) =>
  new HearthError('UNAUTHORIZED', `Signed out of Hearth${reason ? `: ${reason}` : ''}; sign in again to go on.`);

function deferred() {
  let resolve!: () => void;
  let reject!: (error: HearthError) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Nobody may be waiting when the link closes for good; that is not a failure to report.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
