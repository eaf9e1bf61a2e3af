/**
 * Asking within a filter (`chat.ask` with a SearchFilter): the answer cites only the documents the filter
 * lets through, within the space, and says so plainly when none of them matches.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHearth, type Hearth } from '../../../app/core/index.js';
import type { Message, ParamsIn, SearchFilter } from '../../../schemas/index.js';
import { drain, ingestFile } from '../../fixtures/hearth-runner.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';

let temp: { dir: string; cleanup(): Promise<void> };
let hearth: Hearth;
let spaceId: string;
const ids: Record<string, string> = {};

const notes = {
  'harbour-office.md': { project: 'Harbour', text: '# Harbour office\n\nThe ferry timetable is pinned inside the harbour office; the first ferry leaves at six.\n' },
  'harbour-fuel.md': { project: 'Harbour', text: '# Fuel berth\n\nThe fuel berth closes when the last ferry of the timetable has sailed.\n' },
  'garden-club.md': { project: 'Garden', text: '# Garden club\n\nMembers take the ferry to the island nursery; the timetable changes in winter.\n' },
};
const question = 'When does the ferry timetable say the ferry leaves?';

/** Through the RPC dispatcher, so the filter is validated against the contract as a client's would be. */
async function askOverRpc(filter?: unknown): Promise<Message> {
  // Untyped on purpose: some tests send filters the contract must refuse.
  const params = { spaceId, question, ...(filter !== undefined ? { filter } : {}) } as ParamsIn<'chat.ask'>;
  return (await drain(hearth.stream('chat.ask', params))).result;
}

const citedNames = (answer: Message) => new Set(answer.citations.map((citation) => citation.documentName));

beforeEach(async () => {
  temp = await makeTempDir();
  hearth = await createHearth({ dataDir: path.join(temp.dir, 'data'), modelLibrary: path.join(temp.dir, 'models') });
  spaceId = hearth.spaces.create('Island').id;
  for (const [name, { project, text }] of Object.entries(notes)) {
    const file = path.join(temp.dir, name);
    await writeFile(file, text);
    ids[name] = (await ingestFile(hearth, spaceId, { kind: 'path', path: file }, { project })).result.document.id;
  }
});
afterEach(async () => {
  await hearth.dispose();
  await temp.cleanup();
});

describe('asking within a filter', () => {
  it('cites only the filtered documents', async () => {
    // Unfiltered, the question matches more than one document, so the filter has something to narrow.
    expect(citedNames(await askOverRpc()).size).toBeGreaterThan(1);

    const onlyGarden: SearchFilter = { documentIds: [ids['garden-club.md']!] };
    const garden = await askOverRpc(onlyGarden);
    expect(garden.citations.length).toBeGreaterThan(0);
    expect(citedNames(garden)).toEqual(new Set(['garden-club.md']));

    const harbour = await askOverRpc({ projects: ['Harbour'] });
    expect(harbour.citations.length).toBeGreaterThan(0);
    for (const name of citedNames(harbour)) expect(name).toMatch(/^harbour-/);

    // The core's own API takes the same filter.
    const direct = await drain(hearth.stream('chat.ask', { spaceId, question, filter: { documentIds: [ids['harbour-fuel.md']!] } }));
    expect(citedNames(direct.result)).toEqual(new Set(['harbour-fuel.md']));
  });

  it('says so when nothing in the filtered documents matches', async () => {
    const answer = await askOverRpc({ createdFrom: '2999-01-01T00:00:00Z' });
    expect(answer.citations).toEqual([]);
    expect(answer.content).toContain('Nothing in the filtered documents matches');
  });

  it('refuses a filter outside the contract with BAD_REQUEST naming the field', async () => {
    await expect(askOverRpc({ createdFrom: 'last tuesday' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('filter.createdFrom') });
  });
});
