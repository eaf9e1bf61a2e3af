/**
 * Migration 4 rebuilds the documents table so that dedupe holds for ready documents only: a data folder
 * written before it keeps every document and passage, and one ready document per contents is still enforced.
 * Migration 5 adds the record of which document replaced which, whose rows go with the replacing document.
 * Migration 6 adds jobs and their journals, and notices on messages.
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

describe('migration 5: document replacements', () => {
  it('adds the table to an older data folder, its rows going with the document they point at', () => {
    const dataDir = path.join(temp.dir, 'data');
    const old = openDatabase(dataDir, migrations.filter((migration) => migration.version <= 4));
    old.prepare(`INSERT INTO spaces (id, name, created_at) VALUES ('space-1', 'Work', '2026-01-01T00:00:00.000Z')`).run();
    insertDocument(old, 'doc-1', 'ready');
    old.close();

    const db = openDatabase(dataDir);
    expect(db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get()).toEqual({ version: Math.max(...migrations.map((migration) => migration.version)) });
    expect(db.prepare('SELECT id FROM documents').all()).toEqual([{ id: 'doc-1' }]);
    const replace = db.prepare(`INSERT INTO document_replacements (document_id, replaced_by, replaced_at) VALUES (?, ?, '2026-01-03T00:00:00.000Z')`);
    replace.run('doc-0', 'doc-1');
    // A replacement names a document that exists…
    expect(() => replace.run('doc-9', 'no-such-document')).toThrow(/FOREIGN KEY/);
    // …and one replaced document has one replacement.
    expect(() => replace.run('doc-0', 'doc-1')).toThrow(/UNIQUE|PRIMARY KEY/);
    db.prepare(`DELETE FROM documents WHERE id = 'doc-1'`).run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM document_replacements').get()).toEqual({ n: 0 });
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });
});

describe('migration 6: jobs, and notices on messages', () => {
  it('keeps an older folder’s messages (with no notices) and adds jobs that go with their space', () => {
    const dataDir = path.join(temp.dir, 'data');
    const old = openDatabase(dataDir, migrations.filter((migration) => migration.version <= 5));
    old.prepare(`INSERT INTO spaces (id, name, created_at) VALUES ('space-1', 'Work', '2026-01-01T00:00:00.000Z')`).run();
    old.prepare(`INSERT INTO conversations (id, space_id, key, title, created_at) VALUES ('c-1', 'space-1', 'local:local:space-1:c-1', 'Fuel', '2026-01-01T00:00:00.000Z')`).run();
    old.prepare(
      `INSERT INTO messages (id, conversation_id, role, content, citations, created_at, seq) VALUES ('m-1', 'c-1', 'assistant', 'Noon.', '[]', '2026-01-01T00:00:00.000Z', 1)`,
    ).run();
    old.close();

    const db = openDatabase(dataDir);
    expect(db.prepare('SELECT id, content, notices FROM messages').all()).toEqual([{ id: 'm-1', content: 'Noon.', notices: '[]' }]);
    db.prepare(
      `INSERT INTO jobs (id, kind, space_id, title, subject, state, owner, params, created_at, updated_at)
       VALUES ('job-1', 'ingest', 'space-1', 'Adding a.md', 'a.md', 'running', '{}', '{}', '2026-01-02T00:00:00.000Z', '2026-01-02T00:00:00.000Z')`,
    ).run();
    db.prepare(`INSERT INTO job_events (job_id, seq, at, event) VALUES ('job-1', 1, '2026-01-02T00:00:00.000Z', '{"type":"state","state":"running"}')`).run();
    // A state outside the six is refused; a space's jobs and their journals go with it.
    expect(() => db.prepare(`UPDATE jobs SET state = 'lost' WHERE id = 'job-1'`).run()).toThrow(/CHECK/);
    db.prepare(`DELETE FROM spaces WHERE id = 'space-1'`).run();
    expect(db.prepare('SELECT (SELECT COUNT(*) FROM jobs) + (SELECT COUNT(*) FROM job_events) AS n').get()).toEqual({ n: 0 });
    db.close();
  });
});
