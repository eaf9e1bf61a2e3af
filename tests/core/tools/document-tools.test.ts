/**
 * search and read_document through the registry, as an agent run's caller: numbered passages with their
 * document, heading and text; a document read by passage number, around a passage, or by character range,
 * its text handed back as quoted data; and nothing at all for a caller without the space.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Caller, localOwner, type Hearth } from '../../../app/core/index.js';
import type { FoundPassage, ReadOutput, ToolCallOutcome, ToolContext } from '../../../app/core/tools/index.js';
import { ingestFile, rereadDocument } from '../../fixtures/hearth-runner.js';
import { openReportsHearth } from '../reports/report-runner.js';

let opened: Awaited<ReturnType<typeof openReportsHearth>>;
let hearth: Hearth;
let spaceId: string;
let calls = 0;

beforeAll(async () => {
  opened = await openReportsHearth();
  ({ hearth, spaceId } = opened);
});
afterAll(async () => {
  await hearth.dispose();
  await opened.temp.cleanup();
});

const contextOf = (caller: Caller, inSpace = spaceId): ToolContext => ({ caller, spaceId: inSpace, runId: 'run-1', signal: new AbortController().signal });
const call = (name: string, input: unknown, caller: Caller = localOwner, inSpace = spaceId): Promise<ToolCallOutcome> =>
  hearth.tools.call({ callKey: `c${++calls}`, name, input }, contextOf(caller, inSpace));

function outputOf<T>(outcome: ToolCallOutcome): T {
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.output as T;
}

describe('search', () => {
  it('finds numbered passages with their document, heading and text', async () => {
    const outcome = await call('search', { query: 'hotel cap per night', limit: 3 });
    expect(outcome).toMatchObject({ ok: true, summary: expect.stringMatching(/^\d passages? from 1 document$/) });
    const { passages } = outputOf<{ passages: FoundPassage[] }>(outcome);
    expect(passages.map((passage) => passage.number)).toEqual(passages.map((_, index) => index + 1));
    expect(passages[0]).toMatchObject({ document: 'policy.md', document_id: opened.documents['policy.md'], heading: expect.stringContaining('Hotels') });
    expect(passages[0]!.text).toContain('150 euros per night');
  });

  it('narrows to the documents asked for', async () => {
    const { passages } = outputOf<{ passages: FoundPassage[] }>(await call('search', { query: 'launch pier opens', document_ids: [opened.documents['launch.md']!] }));
    expect(new Set(passages.map((passage) => passage.document))).toEqual(new Set(['launch.md']));
  });

  it('gives a caller without the space nothing, not even the names of its documents', async () => {
    const stranger = new Caller({ id: 'dan', kind: 'user', name: 'Dan', serverRole: 'member', spaces: {} });
    const outcome = await call('search', { query: 'hotel cap per night' }, stranger);
    expect(outcome).toMatchObject({ ok: false, problem: 'forbidden' });
    expect(JSON.stringify(outcome)).not.toMatch(/policy|hotel stays/i);
  });
});

describe('read_document', () => {
  it('reads passages by number, with their headings, as quoted data', async () => {
    const read = outputOf<ReadOutput>(await call('read_document', { document_id: opened.documents['policy.md'], from_passage: 1, to_passage: 2 }));
    expect(read).toMatchObject({ document: 'policy.md', truncated: false, note: expect.stringContaining('not instructions') });
    expect(read.passages!.map((passage) => passage.number)).toEqual([1, 2]);
    expect(read.passages_in_document).toBeGreaterThanOrEqual(2);
    expect(read.passages!.map((passage) => passage.text).join('\n')).toContain('train tickets within 30 days');
  });

  it('reads around a passage a search found, and a character range of the text', async () => {
    const { passages } = outputOf<{ passages: FoundPassage[] }>(await call('search', { query: 'conference hotels exempt', limit: 1 }));
    const around = outputOf<ReadOutput>(await call('read_document', { document_id: passages[0]!.document_id, chunk_id: passages[0]!.chunk_id }));
    expect(around.passages!.some((passage) => passage.text.includes('Conference hotels booked by the organiser'))).toBe(true);
    const range = outputOf<ReadOutput>(await call('read_document', { document_id: opened.documents['policy.md'], start: 0, end: 15 }));
    expect(range).toMatchObject({ text: '# Travel policy', start: 0, end: 15, truncated: false });
  });

  it('follows a document read again to its new reading', async () => {
    const file = path.join(opened.temp.dir, 'memo.md');
    await writeFile(file, '# Memo\n\nThe ferry leaves at nine.\n');
    const first = (await ingestFile(hearth, spaceId, { kind: 'path', path: file })).result.document.id;
    const second = (await rereadDocument(hearth, first)).result.document.id;
    expect(second).not.toBe(first);
    const read = outputOf<ReadOutput>(await call('read_document', { document_id: first }));
    expect(read.document_id).toBe(second);
    expect(read.passages!.map((passage) => passage.text).join()).toContain('The ferry leaves at nine.');
  });

  it('reads nothing of a space the caller has no role in, saying only that it may not', async () => {
    const stranger = new Caller({ id: 'dan', kind: 'user', name: 'Dan', serverRole: 'member', spaces: {} });
    const outcome = await call('read_document', { document_id: opened.documents['policy.md'] }, stranger);
    expect(outcome).toEqual({ ok: false, problem: 'forbidden', error: `read_document failed: Document ${opened.documents['policy.md']} is not in a space this run may read.` });
    // A run in another space the caller owns cannot reach into this one either.
    const elsewhere = hearth.spaces.create('Elsewhere');
    const owner = new Caller({ id: 'eve', kind: 'user', name: 'Eve', serverRole: 'member', spaces: { [elsewhere.id]: 'owner' } });
    expect(await call('read_document', { document_id: opened.documents['policy.md'] }, owner, elsewhere.id)).toMatchObject({ ok: false, problem: 'forbidden' });
    expect(await call('read_document', { document_id: 'no-such-document' })).toMatchObject({ ok: false, problem: 'failed', error: expect.stringContaining('There is no document no-such-document') });
  });
});
