/**
 * Migration 4 rebuilds the documents table so that dedupe holds for ready documents only: a data folder
 * written before it keeps every document and passage, and one ready document per contents is still enforced.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrations, openDatabase, type Db } from '../../../app/core/storage/index.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';

let temp: { dir: string; cleanup(): Promise<void> };
beforeEach(async () => (temp = await makeTempDir()));
afterEach(() => temp.cleanup());

const sha = 'a'.repeat(64);

function insertDocument(db: Db, id: string, status: string, sourcePath: string | null = null): void {
  db.prepare(
    `INSERT INTO documents (id, space_id, name, format, sha256, size_bytes, normalized_text, created_at, status, project, source_path)
     VALUES (?, 'space-1', 'policy.md', 'markdown', ?, 10, '# Policy', '2026-01-02T03:04:05.000Z', ?, 'Expenses', ?)`,
  ).run(id, sha, status, sourcePath);
}

describe('migration 4: one ready document per contents', () => {
  it('keeps the documents and passages of an older data folder, with foreign keys still enforced', () => {
    const dataDir = path.join(temp.dir, 'data');
    const old = openDatabase(dataDir, migrations.filter((migration) => migration.version <= 3));
    old.prepare(`INSERT INTO spaces (id, name, created_at) VALUES ('space-1', 'Work', '2026-01-01T00:00:00.000Z')`).run();
    insertDocument(old, 'doc-1', 'ready', '/home/me/policy.md');
    old.prepare(`INSERT INTO chunks (document_id, ordinal, heading_path, start_offset, end_offset, text, page_start) VALUES ('doc-1', 0, '["Policy"]', 0, 8, '# Policy', 3)`).run();
    // Before: the same bytes twice in a space is refused whatever the status.
    expect(() => insertDocument(old, 'doc-2', 'indexing')).toThrow(/UNIQUE/);
    old.close();

    const db = openDatabase(dataDir);
    expect(db.prepare('SELECT id, status, project, source_path AS sourcePath FROM documents').all()).toEqual([
      { id: 'doc-1', status: 'ready', project: 'Expenses', sourcePath: '/home/me/policy.md' },
    ]);
    expect(db.prepare('SELECT document_id AS documentId, page_start AS page FROM chunks').all()).toEqual([{ documentId: 'doc-1', page: 3 }]);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('foreign_key_check')).toEqual([]);

    // A new reading of the same bytes may sit beside the ready one while it is indexed…
    insertDocument(db, 'doc-2', 'indexing');
    // …but two ready documents with the same bytes in one space may not.
    expect(() => db.prepare(`UPDATE documents SET status = 'ready' WHERE id = 'doc-2'`).run()).toThrow(/UNIQUE/);
    // The status check and the cascade to chunks survived the rebuild.
    expect(() => db.prepare(`UPDATE documents SET status = 'gone' WHERE id = 'doc-2'`).run()).toThrow(/CHECK/);
    db.prepare(`DELETE FROM documents WHERE id = 'doc-1'`).run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM chunks').get()).toEqual({ n: 0 });
    db.close();
  });
});
