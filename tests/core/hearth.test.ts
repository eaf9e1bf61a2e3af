import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHearth, type Hearth } from '../../app/core/index.js';
import { HearthError } from '../../schemas/index.js';
import { russianNotes, travelPolicy } from '../fixtures/documents.js';
import { drain, ingestFile, search } from '../fixtures/hearth-runner.js';
import { makeTempDir } from '../fixtures/temp-dir.js';

let temp: { dir: string; cleanup(): Promise<void> };
let dataDir: string;
const open: Hearth[] = [];

async function start(): Promise<Hearth> {
  const hearth = await createHearth({ dataDir });
  open.push(hearth);
  return hearth;
}

async function stop(hearth: Hearth): Promise<void> {
  open.splice(open.indexOf(hearth), 1);
  await hearth.dispose();
}

async function ingestText(hearth: Hearth, spaceId: string, name: string, text: string) {
  const file = path.join(temp.dir, name);
  await writeFile(file, text);
  return ingestFile(hearth, spaceId, { kind: 'path', path: file });
}

beforeEach(async () => {
  temp = await makeTempDir();
  dataDir = path.join(temp.dir, 'data');
});

afterEach(async () => {
  for (const hearth of open.splice(0)) await hearth.dispose();
  await temp.cleanup();
});

describe('Hearth core on real files', () => {
  it('ingests, restarts, and gives the same cited answer', async () => {
    const first = await start();
    const space = first.spaces.create('Work');
    const { events, result } = await ingestText(first, space.id, 'policy.md', travelPolicy);
    expect(events.map((event) => event.stage)).toEqual(['reading', 'parsing', 'chunking', 'embedding', 'indexing', 'done']);
    expect(result.status).toBe('indexed');
    expect(result.document).toMatchObject({ name: 'policy.md', format: 'markdown', chunkCount: 4 });

    const before = await drain(first.stream('chat.ask', { spaceId: space.id, question: 'How long do I have to claim a refund for train tickets?' }));
    await stop(first);

    const second = await start();
    const after = await drain(second.stream('chat.ask', { spaceId: space.id, question: 'How long do I have to claim a refund for train tickets?' }));
    expect(after.result.citations).toEqual(before.result.citations);
    expect(after.result.content).toBe(before.result.content);

    const top = after.result.citations[0]!;
    expect(top).toMatchObject({ documentName: 'policy.md', headingPath: ['Travel policy', 'Refunds'] });
    expect(travelPolicy.slice(top.start, top.end)).toContain('within 30 days of travel');
    expect(after.result.content).toContain('[1] policy.md › Travel policy › Refunds');

    // The streamed deltas are the stored answer, and the citations arrive before the text that cites them.
    const streamed = after.events.flatMap((event) => (event.type === 'delta' ? [event.text] : [])).join('');
    expect(streamed.trimEnd()).toBe(after.result.content);
    expect(after.events[0]?.type).toBe('conversation');
    expect(after.events.findIndex((event) => event.type === 'citation')).toBeLessThan(
      after.events.findIndex((event) => event.type === 'delta' && event.text.includes('[1]')),
    );

    // Both conversations and their messages are stored.
    const conversations = second.conversations.list(space.id);
    expect(conversations).toHaveLength(2);
    const messages = second.conversations.messages(conversations[0]!.id);
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(conversations[0]!.key).toMatch(/^local:local:[^:]+:[^:]+$/);
  });

  it('keeps a conversation going and stores every turn in order', async () => {
    const hearth = await start();
    const space = hearth.spaces.create('Work');
    await ingestText(hearth, space.id, 'policy.md', travelPolicy);
    const first = await drain(hearth.stream('chat.ask', { spaceId: space.id, question: 'hotel cap in Europe' }));
    const conversationId = first.result.conversationId;
    await drain(hearth.stream('chat.ask', { spaceId: space.id, question: 'conference hotels', conversationId }));
    const messages = hearth.conversations.messages(conversationId);
    expect(messages.map((message) => [message.role, message.content.slice(0, 17)])).toEqual([
      ['user', 'hotel cap in Euro'],
      ['assistant', 'No language model'],
      ['user', 'conference hotels'],
      ['assistant', 'No language model'],
    ]);
    expect(messages[3]!.citations[0]!.headingPath).toEqual(['Travel policy', 'Hotels', 'Exceptions']);
  });

  it('finds Russian text whatever the case', async () => {
    const hearth = await start();
    const space = hearth.spaces.create('Документы');
    await ingestText(hearth, space.id, 'возврат.md', russianNotes);
    const hits = await search(hearth, space.id, 'ЖЕЛЕЗНОДОРОЖНЫХ билетов', 5);
    expect(hits[0]?.citation.headingPath).toEqual(['Политика возврата']);
    expect(hits[0]?.text).toContain('железнодорожных билетов');
  });

  it('never answers from another space', async () => {
    const hearth = await start();
    const work = hearth.spaces.create('Work');
    const home = hearth.spaces.create('Home');
    await ingestText(hearth, work.id, 'policy.md', travelPolicy);
    expect(await search(hearth, home.id, 'refund train tickets', 5)).toEqual([]);
    const answer = await drain(hearth.stream('chat.ask', { spaceId: home.id, question: 'refund train tickets' }));
    expect(answer.result.citations).toEqual([]);
    expect(answer.result.content).toContain('Nothing in this space');
  });

  it('reports the same bytes dropped twice as unchanged', async () => {
    const hearth = await start();
    const space = hearth.spaces.create('Work');
    const first = await ingestText(hearth, space.id, 'a.md', travelPolicy);
    const again = await ingestText(hearth, space.id, 'copy-of-a.md', travelPolicy);
    expect(again.result).toEqual({ document: first.result.document, status: 'unchanged' });
    expect(hearth.documents.list(space.id)).toHaveLength(1);
  });

  it('rebuilds a missing or stale keyword index from the database on start', async () => {
    const first = await start();
    const space = first.spaces.create('Work');
    await ingestText(first, space.id, 'policy.md', travelPolicy);
    await stop(first);
    await rm(path.join(dataDir, 'keyword'), { recursive: true, force: true });

    const second = await start();
    expect((await search(second, space.id, 'conference hotels exempt', 3))[0]?.citation.headingPath).toEqual([
      'Travel policy',
      'Hotels',
      'Exceptions',
    ]);
    await stop(second);
    expect(await readdir(path.join(dataDir, 'keyword', space.id))).toContain('manifest.json');

    // A manifest from an older generation (a crash between SQLite's commit and the index save) is rebuilt too.
    await writeFile(path.join(dataDir, 'keyword', space.id, 'manifest.json'), JSON.stringify({ generation: 0, keys: [] }));
    const third = await start();
    expect(await search(third, space.id, 'receipts required', 3)).not.toEqual([]);
  });

  it('keeps the original bytes in the content-addressed store', async () => {
    const hearth = await start();
    const space = hearth.spaces.create('Work');
    const { result } = await ingestText(hearth, space.id, 'policy.md', travelPolicy);
    const sha = result.document.sha256;
    expect(await readdir(path.join(dataDir, 'blobs', sha.slice(0, 2)))).toEqual([sha.slice(2)]);
  });

  it('cancels an answer when its signal aborts, and stores no half answer', async () => {
    const hearth = await start();
    const space = hearth.spaces.create('Work');
    await ingestText(hearth, space.id, 'policy.md', travelPolicy);
    const controller = new AbortController();
    const run = hearth.stream('chat.ask', { spaceId: space.id, question: 'hotel cap' }, { signal: controller.signal });
    const first = await run.next();
    expect(first.value).toMatchObject({ type: 'conversation' });
    controller.abort();
    await expect(drain(run)).rejects.toMatchObject({ code: 'CANCELLED' });
    const conversation = hearth.conversations.list(space.id)[0]!;
    expect(hearth.conversations.messages(conversation.id).map((message) => message.role)).toEqual(['user']);
  });

  it('refuses unknown spaces and documents with NOT_FOUND', async () => {
    const hearth = await start();
    await expect(search(hearth, 'no-such-space', 'x', 3)).rejects.toBeInstanceOf(HearthError);
    await expect(ingestFile(hearth, 'no-such-space', { kind: 'bytes', name: 'a.md', base64: 'eA==' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(() => hearth.documents.get('nope')).toThrow(/no document/);
  });
});
