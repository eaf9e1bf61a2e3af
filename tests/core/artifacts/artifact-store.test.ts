/**
 * The artifact store over a real SQLite file and a real folder: every render is a new version, none
 * overwritten; bytes read back are the bytes stored, or FILE_CORRUPT when they were changed on disk; a
 * space's artifacts are listed for it alone and go with it, files included.
 */
import { existsSync } from 'node:fs';
import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../../app/core/artifacts/index.js';
import { openDatabase, type Db } from '../../../app/core/storage/index.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';

let temp: { dir: string; cleanup(): Promise<void> };
let db: Db;
let store: ArtifactStore;
let root: string;

beforeEach(async () => {
  temp = await makeTempDir();
  db = openDatabase(path.join(temp.dir, 'data'));
  for (const id of ['space-a', 'space-b']) db.prepare('INSERT INTO spaces (id, name, created_at) VALUES (?, ?, ?)').run(id, id, '2026-02-01T00:00:00.000Z');
  root = path.join(temp.dir, 'data', 'artifacts');
  store = new ArtifactStore(db, root);
});
afterEach(async () => {
  db.close();
  await temp.cleanup();
});

const utf8 = (text: string) => new TextEncoder().encode(text);
const markdown = (reportId: string, text: string, spaceId = 'space-a') =>
  store.put({ spaceId, reportId, format: 'markdown', fileName: 'plan.md', mediaType: 'text/markdown; charset=utf-8', bytes: utf8(text) });

async function blobFiles(): Promise<string[]> {
  if (!existsSync(root)) return [];
  const files: string[] = [];
  for (const prefix of await readdir(root)) for (const name of await readdir(path.join(root, prefix))) files.push(prefix + name);
  return files.sort();
}

describe('versions', () => {
  it('each render of a report in a format is the next version; the earlier ones still read back as they were', async () => {
    const first = await markdown('rep-1', '# Plan\n\nfirst draft\n');
    const second = await markdown('rep-1', '# Plan\n\nsecond draft\n');
    const docx = await store.put({ spaceId: 'space-a', reportId: 'rep-1', format: 'docx', fileName: 'plan.docx', mediaType: 'application/x', bytes: new Uint8Array([1, 2, 3]) });
    expect([first.version, second.version, docx.version]).toEqual([1, 2, 1]);
    expect(first).toMatchObject({ spaceId: 'space-a', reportId: 'rep-1', format: 'markdown', fileName: 'plan.md', sizeBytes: 20 });
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(new TextDecoder().decode(await store.read(first.id))).toBe('# Plan\n\nfirst draft\n');
    expect(new TextDecoder().decode(await store.read(second.id))).toBe('# Plan\n\nsecond draft\n');
    expect(store.get(second.id)).toEqual(second);
    // Content-addressed: the file is named by its sha256 under a folder of its first two characters.
    expect(existsSync(path.join(root, first.sha256.slice(0, 2), first.sha256.slice(2)))).toBe(true);
  });

  it('the same bytes rendered twice are two versions sharing one file', async () => {
    const first = await markdown('rep-1', 'same');
    const again = await markdown('rep-1', 'same');
    expect(again.version).toBe(2);
    expect(again.id).not.toBe(first.id);
    expect(again.sha256).toBe(first.sha256);
    expect(await blobFiles()).toEqual([first.sha256]);
  });

  it('renders started together get distinct versions', async () => {
    const all = await Promise.all(Array.from({ length: 8 }, (_, i) => markdown('rep-1', `draft ${i}`)));
    expect(all.map((info) => info.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('the database refuses a second row for the same version', async () => {
    const first = await markdown('rep-1', 'one');
    expect(() =>
      db
        .prepare(`INSERT INTO artifacts (id, space_id, report_id, format, version, file_name, media_type, size_bytes, sha256, created_at) VALUES ('x', 'space-a', 'rep-1', 'markdown', 1, 'a', 'b', 1, ?, 'now')`)
        .run(first.sha256),
    ).toThrow(/UNIQUE/);
  });
});

describe('listing and lookup', () => {
  it("lists a space's artifacts by report, format and version, never another space's", async () => {
    await markdown('rep-2', 'b1');
    await markdown('rep-1', 'a1');
    await markdown('rep-1', 'a2');
    await markdown('rep-9', 'other space', 'space-b');
    expect(store.list({ spaceId: 'space-a' }).map((a) => `${a.reportId} v${a.version}`)).toEqual(['rep-1 v1', 'rep-1 v2', 'rep-2 v1']);
    expect(store.list({ spaceId: 'space-a', reportId: 'rep-2' }).map((a) => a.version)).toEqual([1]);
    expect(store.list({ spaceId: 'space-a', reportId: 'rep-9' })).toEqual([]);
    const other = store.list({ spaceId: 'space-b' })[0]!;
    expect(store.spaceOf(other.id)).toBe('space-b');
    expect(store.spaceOf('no-such-artifact')).toBeUndefined();
  });

  it('an id that names nothing is NOT_FOUND, for get and read', async () => {
    expect(() => store.get('missing')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    await expect(store.read('missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('a changed file', () => {
  it('is detected when read (FILE_CORRUPT, naming the file), and a new render of the same bytes repairs it', async () => {
    const info = await markdown('rep-1', 'the plan as rendered');
    const file = path.join(root, info.sha256.slice(0, 2), info.sha256.slice(2));
    await writeFile(file, 'the plan, edited behind Hearth’s back');
    await expect(store.read(info.id)).rejects.toMatchObject({ code: 'FILE_CORRUPT', message: expect.stringContaining(file) });
    const again = await markdown('rep-1', 'the plan as rendered');
    expect(new TextDecoder().decode(await store.read(again.id))).toBe('the plan as rendered');
  });

  it('a file gone from the folder is FILE_CORRUPT too, saying to render again', async () => {
    const info = await markdown('rep-1', 'soon gone');
    await rm(path.join(root, info.sha256.slice(0, 2)), { recursive: true });
    await expect(store.read(info.id)).rejects.toMatchObject({ code: 'FILE_CORRUPT', message: expect.stringContaining('Render the report again') });
  });
});

describe('deletion', () => {
  it("removes a space's rows and the files no other space shares", async () => {
    const shared = await markdown('rep-1', 'in both spaces');
    await markdown('rep-9', 'in both spaces', 'space-b');
    const own = await markdown('rep-1', 'only in space a');
    await store.deleteForSpace('space-a');
    expect(store.list({ spaceId: 'space-a' })).toEqual([]);
    expect(store.list({ spaceId: 'space-b' })).toHaveLength(1);
    expect(await blobFiles()).toEqual([shared.sha256]);
    expect(() => store.get(own.id)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it("collects the files of a space whose rows the database already dropped with the space", async () => {
    await markdown('rep-1', 'gone with the space');
    db.prepare("DELETE FROM spaces WHERE id = 'space-a'").run();
    expect(await blobFiles()).toHaveLength(1);
    await store.deleteForSpace('space-a');
    expect(await blobFiles()).toEqual([]);
  });

  it('a render finishing while another space is deleted keeps its file, whichever starts first', async () => {
    await markdown('rep-1', 'first words');
    const [during] = await Promise.all([markdown('rep-9', 'first words', 'space-b'), store.deleteForSpace('space-a')]);
    await markdown('rep-2', 'other words');
    const [, after] = await Promise.all([store.deleteForSpace('space-a'), markdown('rep-8', 'other words', 'space-b')]);
    expect(new TextDecoder().decode(await store.read(during.id))).toBe('first words');
    expect(new TextDecoder().decode(await store.read(after.id))).toBe('other words');
    expect(store.list({ spaceId: 'space-a' })).toEqual([]);
  });

  it("removes one report's artifacts, leaving the others", async () => {
    await markdown('rep-1', 'one');
    const kept = await markdown('rep-2', 'two');
    await store.deleteForReport('rep-1');
    expect(store.list({ spaceId: 'space-a' })).toEqual([kept]);
    expect(await blobFiles()).toEqual([kept.sha256]);
  });
});
