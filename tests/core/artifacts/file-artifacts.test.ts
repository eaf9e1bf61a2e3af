/**
 * Files kept without a report (an agent's email draft): stored, listed with the space's artifacts, read back
 * byte for byte and removed with the space — and migration 11, which made room for them, keeps every render
 * an older data folder had, with one version per report and format still enforced.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../../app/core/artifacts/index.js';
import { migrations, openDatabase } from '../../../app/core/storage/index.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';

let temp: { dir: string; cleanup(): Promise<void> };
beforeEach(async () => (temp = await makeTempDir()));
afterEach(() => temp.cleanup());

const eml = new TextEncoder().encode('To: ana@example.com\r\nSubject: Plan\r\nX-Unsent: 1\r\n\r\nHello');

describe('a file without a report', () => {
  it('is kept, listed, read back and removed with its space', async () => {
    const db = openDatabase(path.join(temp.dir, 'data'));
    db.prepare(`INSERT INTO spaces (id, name, created_at) VALUES ('space-a', 'A', '2026-02-01T00:00:00.000Z')`).run();
    const store = new ArtifactStore(db, path.join(temp.dir, 'data', 'artifacts'));
    const draft = await store.putFile({ spaceId: 'space-a', format: 'eml', fileName: 'Plan.eml', mediaType: 'message/rfc822', bytes: eml });
    expect(draft).toMatchObject({ spaceId: 'space-a', format: 'eml', version: 1, fileName: 'Plan.eml', sizeBytes: eml.byteLength });
    expect(draft.reportId).toBeUndefined();
    const second = await store.putFile({ spaceId: 'space-a', format: 'eml', fileName: 'Plan.eml', mediaType: 'message/rfc822', bytes: eml });
    expect(second.version).toBe(1); // each draft is a file of its own
    expect(store.list({ spaceId: 'space-a' }).map((artifact) => artifact.id).sort()).toEqual([draft.id, second.id].sort());
    expect(store.get(draft.id)).toEqual(draft);
    expect(Buffer.from(await store.read(draft.id)).equals(Buffer.from(eml))).toBe(true);
    await store.deleteForSpace('space-a');
    expect(store.list({ spaceId: 'space-a' })).toEqual([]);
    db.close();
  });
});

describe('migration 11: artifacts without a report', () => {
  it('keeps an older data folder’s renders and still refuses a second row for one version', () => {
    const dataDir = path.join(temp.dir, 'data');
    const old = openDatabase(dataDir, migrations.filter((migration) => migration.version <= 10));
    old.prepare(`INSERT INTO spaces (id, name, created_at) VALUES ('space-a', 'A', '2026-02-01T00:00:00.000Z')`).run();
    const insert = `INSERT INTO artifacts (id, space_id, report_id, format, version, file_name, media_type, size_bytes, sha256, created_at)
                    VALUES (?, 'space-a', ?, ?, 1, 'plan.md', 'text/markdown', 5, ?, '2026-02-01T00:00:00.000Z')`;
    old.prepare(insert).run('art-1', 'report-1', 'markdown', 'b'.repeat(64));
    expect(() => old.prepare(insert).run('art-2', null, 'eml', 'c'.repeat(64))).toThrow(/constraint/i);
    old.close();

    const db = openDatabase(dataDir);
    expect(db.prepare('SELECT id, report_id AS reportId, format FROM artifacts').all()).toEqual([{ id: 'art-1', reportId: 'report-1', format: 'markdown' }]);
    expect(() => db.prepare(insert).run('art-3', 'report-1', 'markdown', 'd'.repeat(64))).toThrow(/UNIQUE/);
    db.prepare(insert).run('art-4', null, 'eml', 'e'.repeat(64));
    expect(db.prepare('SELECT name FROM sqlite_master WHERE type = ? AND tbl_name = ? ORDER BY name').all('index', 'artifacts')).toEqual(
      expect.arrayContaining([{ name: 'artifacts_sha' }, { name: 'artifacts_space' }]),
    );
    // The space's rows still go with it.
    db.prepare(`DELETE FROM spaces WHERE id = 'space-a'`).run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM artifacts').get()).toEqual({ n: 0 });
    db.close();
  });
});
