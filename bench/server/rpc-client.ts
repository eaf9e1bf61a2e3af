/**
 * A lean team-member connection for long runs: a WebSocket to /rpc signed in with a Bearer header, each call's
 * result or error code, nothing kept once a call ends. tests/fixtures/team-client.ts keeps a closure per request
 * (with its result) on the socket's `closed` promise until the socket closes: fine for a test, a leak that
 * dominates this process's RSS over minutes of load. Frames are not validated here: the bench measures the server.
 */
import WebSocket from 'ws';

export interface RpcConnection {
  /** Resolves a method's result (a stream's, after its events), or rejects with `{ code, message }`. */
  call(method: string, params: unknown): Promise<unknown>;
  /** Closes the socket; resolves once it is closed (calls still waiting reject with CLOSING). */
  close(): Promise<void>;
}

interface Waiting {
  resolve(result: unknown): void;
  reject(error: { code: string; message: string }): void;
}

export function connectRpc(origin: string, token: string): Promise<RpcConnection> {
  const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/rpc`, { headers: { Authorization: `Bearer ${token}` } });
  const waiting = new Map<string, Waiting>();
  let next = 0;
  const closed = new Promise<void>((resolve) =>
    ws.once('close', () => {
      for (const call of waiting.values()) call.reject({ code: 'CLOSING', message: 'The socket closed.' });
      waiting.clear();
      resolve();
    }),
  );
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { type: string; id: string | null; result?: unknown; error?: { code: string; message: string } };
    if (frame.id === null || frame.type === 'event') return;
    const call = waiting.get(frame.id);
    if (!call) return;
    waiting.delete(frame.id);
    if (frame.type === 'result') call.resolve(frame.result);
    else call.reject(frame.error ?? { code: 'UNKNOWN', message: `frame ${frame.type}` });
  });
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_request, response) => {
      reject(new Error(`The server refused the WebSocket with ${response.statusCode ?? 0}.`));
      ws.terminate();
    });
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        call(method, params) {
          const id = `r${++next}`;
          return new Promise((resolveCall, rejectCall) => {
            waiting.set(id, { resolve: resolveCall, reject: rejectCall });
            ws.send(JSON.stringify({ type: 'request', id, method, params }));
          });
        },
        close() {
          ws.close();
          return closed;
        },
      }),
    );
  });
}
