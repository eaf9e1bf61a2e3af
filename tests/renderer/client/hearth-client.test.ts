/**
 * HearthClient and WsTransport over real sockets: a stream the caller walks away from is cancelled in the core,
 * a request leaves nothing behind on the caller's AbortSignal, and frames outside the contract are reported.
 */
import { getEventListeners } from 'node:events';
import path from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HearthClient, type ClientProblem } from '../../../app/renderer/src/client/hearth-client.js';
import { WsTransport } from '../../../app/renderer/src/client/ws-transport.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';
import { startWebMode, type WebMode } from '../../fixtures/web-mode.js';
import { followJob } from '../../../app/renderer/src/client/follow-job.js';
import { failureOf } from '../../fixtures/hearth-runner.js';

type Socket = ConstructorParameters<typeof WsTransport>[0];
interface Frame {
  type: string;
  id?: string | null;
  error?: { code: string };
}

let temp: { dir: string; cleanup(): Promise<void> };

beforeEach(async () => {
  temp = await makeTempDir();
});
afterEach(() => temp.cleanup());

/** A real socket whose every frame, both ways, is kept for the test to read. */
async function recordedSocket(url: string, headers: Record<string, string>) {
  const socket = new WebSocket(url, { headers });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const sent: Frame[] = [];
  const received: Frame[] = [];
  socket.on('message', (data) => received.push(JSON.parse(data.toString()) as Frame));
  const recording: Socket = {
    get readyState() {
      return socket.readyState;
    },
    send(data: string) {
      sent.push(JSON.parse(data) as Frame);
      socket.send(data);
    },
    close: () => socket.close(),
    addEventListener: socket.addEventListener.bind(socket) as Socket['addEventListener'],
  };
  return { socket: recording, sent, received };
}

describe('a stream the caller stops reading', () => {
  let web: WebMode;
  beforeEach(async () => {
    web = await startWebMode(path.join(temp.dir, 'data'));
  });
  afterEach(() => web.close());

  async function spaceWithManyPassages(client: HearthClient): Promise<string> {
    const space = await client.call('spaces.create', { name: 'Work' });
    const big = Array.from({ length: 400 }, (_, i) => `## Section ${i}\n\nHotel rules number ${i} say hotel stays are fine.\n`).join('\n');
    const base64 = Buffer.from(big).toString('base64');
    await followJob(client, client.call('documents.ingest', { spaceId: space.id, source: { kind: 'bytes', name: 'big.md', base64 } })).result;
    return space.id;
  }

  it('is cancelled in the core when a for-await loop breaks out of it, or when its iterator is returned', async () => {
    const recorded = await recordedSocket(web.rpcUrl, web.authHeaders);
    const client = new HearthClient(new WsTransport(recorded.socket));
    try {
      const spaceId = await spaceWithManyPassages(client);
      const wholeAnswer: string[] = [];
      for await (const event of client.stream('chat.ask', { spaceId, question: 'hotel rules' })) wholeAnswer.push(event.type);

      const broken = client.stream('chat.ask', { spaceId, question: 'hotel rules' });
      const conversationIds: string[] = [];
      for await (const event of broken) {
        if (event.type === 'conversation') conversationIds.push(event.conversation.id);
        break;
      }
      expect((await failureOf(broken.result)).code).toBe('CANCELLED');

      const returned = client.stream('chat.ask', { spaceId, question: 'hotel rules' });
      const iterator = returned[Symbol.asyncIterator]();
      const first = await iterator.next();
      if (!first.done && first.value.type === 'conversation') conversationIds.push(first.value.conversation.id);
      expect(await iterator.return?.()).toEqual({ done: true, value: undefined });
      expect((await failureOf(returned.result)).code).toBe('CANCELLED');
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
      expect(conversationIds).toHaveLength(2);

      // One more round trip: anything still on its way for the two answers would have arrived before this.
      expect(await client.call('spaces.list', {})).toHaveLength(1);
      const [, ...stopped] = answerIds(recorded.sent);
      expect(stopped).toHaveLength(2);
      for (const id of stopped) {
        expect(recorded.sent).toContainEqual({ type: 'cancel', id });
        const answered = recorded.received.filter((frame) => frame.id === id);
        // The core stopped writing: its last frame for the answer is the CANCELLED error, none came after it.
        expect(answered.at(-1)).toMatchObject({ type: 'error', error: { code: 'CANCELLED' } });
        expect(answered.filter((frame) => frame.type === 'event').length).toBeLessThan(wholeAnswer.length);
      }
      // Neither answer was stored: the work stopped, not just the listening.
      for (const conversationId of conversationIds) {
        expect((await client.call('conversations.messages', { conversationId })).map((m) => m.role)).toEqual(['user']);
      }
    } finally {
      client.close();
    }
  });

  it('leaves no listener on the caller\'s AbortSignal once a request settles, however it ends', async () => {
    const client = web.connect();
    const lifelong = new AbortController();
    const { signal } = lifelong;
    const listeners = () => getEventListeners(signal, 'abort').length;

    const spaceId = await spaceWithManyPassages(client);
    expect(listeners()).toBe(0);
    for (let i = 0; i < 5; i++) await client.call('spaces.list', {}, { signal });
    expect(listeners()).toBe(0);
    expect((await failureOf(client.call('documents.text', { documentId: 'missing' }, { signal }))).code).toBe('NOT_FOUND');
    await client.stream('chat.ask', { spaceId, question: 'hotel rules' }, { signal }).result;
    expect(listeners()).toBe(0);

    const walkedAway = client.stream('chat.ask', { spaceId, question: 'hotel rules' }, { signal });
    const inFlight = listeners();
    for await (const event of walkedAway) {
      expect(event.type).toBe('conversation');
      break;
    }
    await failureOf(walkedAway.result);
    expect(inFlight).toBe(1);
    expect(listeners()).toBe(0);
    expect(signal.aborted).toBe(false);
  });
});

/** The stored answer a well-behaved core would send at the end of chat.ask. */
const answer = {
  id: 'message-1',
  conversationId: 'conversation-1',
  role: 'assistant',
  content: 'The ferry leaves at noon.',
  citations: [],
  notices: [],
  createdAt: '2026-12-01T10:00:00.000Z',
};

describe('frames outside the contract', () => {
  let server: WebSocketServer;
  let url: string;

  beforeEach(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error(`the test server has no port (${String(address)})`);
    url = `ws://127.0.0.1:${address.port}`;
    // A core that has gone wrong: it answers with frames no Hearth of this version sends.
    server.on('connection', (socket) => {
      socket.on('message', (data) => {
        const request = JSON.parse(data.toString()) as { type: string; id: string; method: string };
        if (request.type !== 'request') return;
        const send = (frame: unknown) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
        if (request.method === 'chat.ask') {
          send({ type: 'event', id: request.id, event: { type: 'delta', text: 42 } });
          send({ type: 'error', id: null, error: { code: 'BAD_REQUEST', message: 'The frame is not valid JSON.' } });
          send('{"type": "event", "id": "1", "event": ');
          send({ type: 'gossip', id: request.id });
          socket.send(Buffer.from([1, 2, 3]), { binary: true });
          send({ type: 'event', id: request.id, event: { type: 'delta', text: 'The ferry leaves at noon.' } });
          send({ type: 'result', id: request.id, result: answer });
        } else if (request.method === 'spaces.list') {
          send({ type: 'event', id: request.id, event: { stage: 'embedding', done: 0, total: 1 } });
          send({ type: 'result', id: request.id, result: [{ name: 'no id, no counts' }] });
        }
      });
    });
  });
  afterEach(
    () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  );

  it('reports each one, and the stream goes on with the frames that are right', async () => {
    const problems: ClientProblem[] = [];
    const onProblem = (problem: ClientProblem) => problems.push(problem);
    const client = new HearthClient(new WsTransport(new WebSocket(url), { onProblem }), { onProblem });
    try {
      const answering = client.stream('chat.ask', { spaceId: 'space-1', question: 'When does the ferry leave?' });
      const events: unknown[] = [];
      for await (const event of answering) events.push(event);
      expect(events).toEqual([{ type: 'delta', text: 'The ferry leaves at noon.' }]);
      expect(await answering.result).toEqual(answer);

      expect(problems.map((problem) => problem.message)).toEqual([
        expect.stringMatching(/^Hearth sent a chat\.ask event that does not match the contract: text/),
        'Hearth could not read a request the app sent: The frame is not valid JSON.',
        expect.stringMatching(/^Hearth sent a frame that is not JSON: /),
        expect.stringMatching(/^Hearth sent a frame that is not in the contract: type/),
        'Hearth sent a binary frame; its frames are JSON text.',
      ]);
      expect(problems[0]!.frame).toMatchObject({ type: 'event', event: { type: 'delta', text: 42 } });
      expect(problems[1]!.frame).toMatchObject({ type: 'error', id: null });
      expect(problems[2]!.frame).toBe('{"type": "event", "id": "1", "event": ');
      expect(problems[3]!.frame).toMatchObject({ type: 'gossip' });

      problems.length = 0;
      const listing = await failureOf(client.call('spaces.list', {}));
      expect(listing.code).toBe('INTERNAL');
      expect(problems.map((problem) => problem.message)).toEqual([
        'Hearth sent an event for spaces.list, which sends none.',
        expect.stringMatching(/^Hearth sent a spaces\.list result that does not match the contract: /),
      ]);
    } finally {
      client.close();
    }
  });
});

/** The ids of the chat.ask requests a client sent. */
function answerIds(sent: Frame[]): string[] {
  return sent.flatMap((frame) => (frame.type === 'request' && (frame as { method?: string }).method === 'chat.ask' ? [frame.id!] : []));
}
