/**
 * ReconnectingWsTransport over real sockets, against a small stand-in for Hearth's server that can drop every
 * connection at will: the link says it is reconnecting and comes back, a request in flight at the drop fails
 * with a clear error, and a job being followed picks up after the last event it saw, each event once.
 */
import WebSocket, { WebSocketServer } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClientFrame, ServerFrame } from '../../../schemas/index.js';
import { isConnectionLost } from '../../../app/renderer/src/client/connection-lost.js';
import { followJob } from '../../../app/renderer/src/client/follow-job.js';
import { HearthClient } from '../../../app/renderer/src/client/hearth-client.js';
import {
  ReconnectingWsTransport,
  retryDelay,
  type LinkState,
  type WebSocketConstructor,
} from '../../../app/renderer/src/client/reconnecting-ws-transport.js';
import { failureOf } from '../../fixtures/hearth-runner.js';

type Request = Extract<ClientFrame, { type: 'request' }>;

/** A WebSocket server that speaks the frames and lets each test answer requests its own way. */
class FakeHearth {
  readonly requests: Array<{ connection: number; frame: Request }> = [];
  connections = 0;
  private constructor(
    private readonly server: WebSocketServer,
    readonly url: string,
  ) {}

  static async start(answer: (request: Request, reply: (frame: ServerFrame) => void, connection: number, socket: WebSocket) => void) {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    const fake = new FakeHearth(server, `ws://127.0.0.1:${port}/rpc`);
    server.on('connection', (socket) => {
      const connection = ++fake.connections;
      socket.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as ClientFrame;
        if (frame.type !== 'request') return;
        fake.requests.push({ connection, frame });
        answer(frame, (reply) => socket.send(JSON.stringify(reply)), connection, socket);
      });
    });
    return fake;
  }

  /** What a restarting server does to its clients: closes every socket. */
  dropAll(): void {
    for (const socket of this.server.clients) socket.close(1012, 'Hearth is restarting');
  }

  async close(): Promise<void> {
    for (const socket of this.server.clients) socket.terminate();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }
}

/** Waits (briefly) until `check` holds; the socket work happens on other turns of the event loop. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!check()) throw new Error(`Timed out waiting until ${what}.`);
}

function connect(url: string, options: { steadyAfterMs?: number } = {}) {
  const transport = new ReconnectingWsTransport({
    url,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    initialDelayMs: 20,
    maxDelayMs: 200,
    random: () => 0.5, // no jitter: the delays are exact
    ...options,
  });
  const links: LinkState[] = [];
  transport.subscribe((link) => links.push(link));
  return { transport, links, client: new HearthClient(transport, { onProblem: () => undefined }) };
}

const jobId = 'job-1';
const spaceId = 'space-1';
const at = '2026-01-01T00:00:00.000Z';
const progress = (seq: number, done: number) => ({ jobId, kind: 'space.prepare', seq, at, type: 'progress', progress: { stage: 'embedding', done, total: 4 } });
const result = { status: 'synced', embedded: 4, removed: 0 };
const info = {
  id: jobId,
  kind: 'space.prepare',
  spaceId,
  title: 'Preparing search in Work',
  subject: 'Work',
  state: 'done',
  owner: { id: 'owner', kind: 'local-owner', name: 'You' },
  createdAt: at,
  updatedAt: at,
  finishedAt: at,
  result,
  lastSeq: 6,
} as const;

let fake: FakeHearth | undefined;
let connection: ReturnType<typeof connect> | undefined;
beforeEach(() => {
  fake = undefined;
  connection = undefined;
});
afterEach(async () => {
  connection?.client.close();
  await fake?.close();
});

describe('when the server drops the connection', () => {
  it('says it is reconnecting, opens again, fails what was in flight and carries new calls', async () => {
    fake = await FakeHearth.start((request, reply) => {
      // app.info is left unanswered: it is in flight when the connection drops.
      if (request.method === 'spaces.list') reply({ type: 'result', id: request.id, result: [] });
    });
    connection = connect(fake.url);
    const { client, transport, links } = connection;
    expect(await client.call('spaces.list', {})).toEqual([]);
    expect(transport.state.status).toBe('open');

    const inFlight = client.call('app.info', {});
    await until(() => fake!.requests.some((r) => r.frame.method === 'app.info'), 'the server has the request');
    const before = Date.now();
    fake.dropAll();

    const failure = await failureOf(inFlight);
    expect(failure.code).toBe('TIMEOUT');
    expect(failure.message).toMatch(/^The connection to Hearth was lost/);
    expect(isConnectionLost(failure)).toBe(true);
    const reconnecting = links.find((link) => link.status === 'reconnecting');
    expect(reconnecting).toMatchObject({ status: 'reconnecting', attempt: 1 });
    expect(reconnecting!.nextRetryAt).toBeGreaterThanOrEqual(before + 20);

    await until(() => transport.state.status === 'open', 'the link is open again');
    expect(fake.connections).toBe(2);
    expect(links.map((link) => link.status)).toEqual(['open', 'reconnecting', 'connecting', 'open']);
    expect(await client.call('spaces.list', {})).toEqual([]);
    expect(fake.requests.at(-1)).toMatchObject({ connection: 2, frame: { method: 'spaces.list' } });
  });

  it('keeps trying, each wait longer, while the server is away, and "retry now" does not wait', async () => {
    fake = await FakeHearth.start(() => undefined);
    const url = fake.url;
    connection = connect(url);
    const { transport, links } = connection;
    await until(() => transport.state.status === 'open', 'the link is open');
    await fake.close(); // nobody listens on the port now: every attempt fails
    fake = undefined;
    await until(() => transport.state.status === 'reconnecting' && transport.state.attempt >= 3, 'three attempts have failed');
    const waits = links.filter((link) => link.status === 'reconnecting').map((link) => link.attempt);
    expect(waits.slice(0, 3)).toEqual([1, 2, 3]);

    const attemptsBefore = links.filter((link) => link.status === 'connecting').length;
    transport.retryNow();
    expect(transport.state.status).toBe('connecting');
    expect(links.filter((link) => link.status === 'connecting').length).toBe(attemptsBefore + 1);
  });

  it('backs off further after a connection that did not stay up, and starts over after one that did', async () => {
    fake = await FakeHearth.start(() => undefined);
    connection = connect(fake.url, { steadyAfterMs: 150 });
    const { transport } = connection;
    const dropAndReopen = async () => {
      fake!.dropAll();
      await until(() => transport.state.status === 'reconnecting', 'the link is down');
      const { attempt } = transport.state;
      await until(() => transport.state.status === 'open', 'the link is open again');
      return attempt;
    };
    await until(() => transport.state.status === 'open', 'the link is open');
    expect(await dropAndReopen()).toBe(1);
    expect(await dropAndReopen()).toBe(2); // dropped again at once
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await dropAndReopen()).toBe(1); // it had stayed up past steadyAfterMs
  });

  it('backs off 1 s, 2 s, 4 s… up to 30 s, each within a quarter either way', () => {
    const exact = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => retryDelay(attempt, {}, exact))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    expect(retryDelay(3, {}, () => 0)).toBe(3000);
    expect(retryDelay(3, {}, () => 0.999_999)).toBe(5000);
    expect(retryDelay(10, {}, () => 0.999_999)).toBe(30_000);
  });
});

describe('a job followed across a dropped connection', () => {
  it('is watched again from the last event seen, and the caller gets each event once and the result', async () => {
    fake = await FakeHearth.start((request, reply, conn, socket) => {
      if (request.method !== 'jobs.watch') return;
      const send = (event: unknown) => reply({ type: 'event', id: request.id, event });
      if (conn === 1) {
        send(progress(1, 0));
        send({ jobId, kind: 'space.prepare', seq: 2, at, type: 'step', step: 'embedded the first batch' });
        send(progress(3, 2));
        socket.close(1012, 'Hearth is restarting'); // mid-stream: the job goes on in the core
        return;
      }
      // A server that repeats the last event must not make the caller see it twice.
      send(progress(3, 2));
      send(progress(4, 3));
      send(progress(5, 4));
      send({ jobId, kind: 'space.prepare', seq: 6, at, type: 'state', state: 'done', result });
      reply({ type: 'result', id: request.id, result: info });
    });
    connection = connect(fake.url);
    const followed = followJob<'space.prepare'>(connection.client, Promise.resolve({ ...info, state: 'running', result: undefined, lastSeq: 0 }));
    const seen: unknown[] = [];
    for await (const step of followed) seen.push(step);

    expect(await followed.result).toEqual(result);
    expect(seen).toEqual([0, 2, 3, 4].map((done) => ({ stage: 'embedding', done, total: 4 })));
    const watches = fake.requests.filter((r) => r.frame.method === 'jobs.watch');
    expect(watches.map((r) => [r.connection, r.frame.params])).toEqual([
      [1, { jobId, after: 0 }],
      [2, { jobId, after: 3 }],
    ]);
  });
});

describe('when the server signs the socket out (4401)', () => {
  it('stops reconnecting, says signed-out with the reason, and fails what was in flight and what comes after', async () => {
    fake = await FakeHearth.start((request, reply, _conn, socket) => {
      if (request.method === 'spaces.list') reply({ type: 'result', id: request.id, result: [] });
      // A revoked token's next request: the server refuses it and closes the socket with 4401.
      if (request.method === 'app.info') socket.close(4401, 'The token was revoked.');
    });
    connection = connect(fake.url);
    const { client, transport, links } = connection;
    expect(await client.call('spaces.list', {})).toEqual([]);

    const failure = await failureOf(client.call('app.info', {}));
    expect(failure.code).toBe('UNAUTHORIZED');
    expect(isConnectionLost(failure)).toBe(false);
    expect(transport.state).toMatchObject({ status: 'signed-out', reason: 'The token was revoked.', nextRetryAt: null });

    // No attempt follows: the server would refuse every one.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(fake.connections).toBe(1);
    expect(links.map((link) => link.status)).toEqual(['open', 'signed-out']);
    expect((await failureOf(client.call('spaces.list', {}))).code).toBe('UNAUTHORIZED');
    await expect(transport.ready()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
