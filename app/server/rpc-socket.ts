/**
 * One WebSocket as one RPC session: JSON text frames in, frames out, the session disposed (its work cancelled)
 * when the socket closes. The transport knows nothing of methods; who the caller is was settled at the upgrade.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { ServerFrame } from '../../schemas/index.js';
import { RpcSession, type Caller, type Dispatcher } from '../core/index.js';

export function attachRpcSocket(ws: WebSocket, dispatcher: Dispatcher, caller: Caller | (() => Caller), options: { maxInFlight?: number } = {}): RpcSession {
  const send = (frame: ServerFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
  const session = new RpcSession(dispatcher, caller, send, options);
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      ws.send(JSON.stringify({ type: 'error', id: null, error: { code: 'BAD_REQUEST', message: 'Frames are JSON text, not binary.' } }));
      return;
    }
    session.receive(data.toString());
  });
  ws.on('close', () => session.dispose());
  ws.on('error', (error) => console.error('[hearth] websocket error', error.message));
  return session;
}

/** Answers an upgrade request on the raw socket (no ServerResponse exists for one). */
export function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const body = Buffer.from(message);
  if (socket.destroyed) return;
  // A client that resets the connection meanwhile must not throw from the socket; it is closed once the answer is out.
  socket.on('error', () => socket.destroy());
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.toString()}`,
  );
}

