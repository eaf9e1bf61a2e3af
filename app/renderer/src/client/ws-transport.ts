/** The WebSocket transport: web mode in a browser, and Node callers that bring their own WebSocket class. */
import { HearthError, type ClientFrame, type ServerFrame } from '../../../../schemas/index.js';
import type { Transport } from './transport.js';

/** The slice of the WHATWG WebSocket both the browser and `ws` provide. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
  addEventListener(type: 'close', listener: (event: SocketClose) => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

/** How a socket closed, as its close event says (4401: the server no longer lets this sign-in in). */
export interface SocketClose {
  readonly code?: number | undefined;
  readonly reason?: string | undefined;
}

export class WsTransport implements Transport {
  private readonly opened: Promise<void>;
  private listener: ((frame: ServerFrame) => void) | undefined;
  private closeListener: ((error: HearthError, close: SocketClose) => void) | undefined;
  private closed = false;

  /** `onProblem` hears of frames that are not JSON text, which never reach the client (see HearthClientOptions). */
  constructor(
    private readonly socket: SocketLike,
    options: { onProblem?: (problem: { message: string; frame?: unknown }) => void } = {},
  ) {
    const onProblem = options.onProblem ?? ((problem) => console.error(`[hearth] ${problem.message}`));
    this.opened = new Promise((resolve, reject) => {
      if (socket.readyState === 1) return resolve();
      socket.addEventListener('open', () => resolve());
      socket.addEventListener('error', () => reject(new HearthError('INTERNAL', 'Could not connect to Hearth over WebSocket.')));
    });
    // Keep an unobserved rejection from crashing the page when nobody has sent anything yet.
    this.opened.catch(() => undefined);
    socket.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') {
        onProblem({ message: 'Hearth sent a binary frame; its frames are JSON text.' });
        return;
      }
      let frame: unknown;
      try {
        frame = JSON.parse(event.data);
      } catch (error) {
        // The client validates what it reads; this one it cannot even read, so it is reported here.
        onProblem({ message: `Hearth sent a frame that is not JSON: ${(error as Error).message}`, frame: event.data });
        return;
      }
      this.listener?.(frame as ServerFrame);
    });
    socket.addEventListener('close', (event) => {
      this.closed = true;
      this.closeListener?.(closedError(), { code: event?.code, reason: event?.reason });
    });
  }

  /** Called with an error (and the close's code and reason) when the socket closes, so requests in flight can fail instead of hanging. */
  onClose(listener: (error: HearthError, close: SocketClose) => void): void {
    this.closeListener = listener;
  }

  ready(): Promise<void> {
    return this.closed ? Promise.reject(closedError()) : this.opened;
  }

  send(frame: ClientFrame): void {
    // A closed browser WebSocket drops what it is given without a word; fail loudly instead.
    if (this.closed) throw closedError();
    this.socket.send(JSON.stringify(frame));
  }

  onFrame(listener: (frame: ServerFrame) => void): () => void {
    this.listener = listener;
    return () => {
      if (this.listener === listener) this.listener = undefined;
    };
  }

  close(): void {
    this.socket.close();
  }
}

const closedError = () => new HearthError('INTERNAL', 'The connection to Hearth closed. Reload to reconnect.');
