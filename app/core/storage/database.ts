/** Opens Hearth's SQLite database (WAL) in the data folder and brings its schema up to date. */
import Database from 'better-sqlite3';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { HearthError } from '../../../schemas/index.js';
import { migrations, type Migration } from './migrations.js';

export type Db = Database.Database;

export function openDatabase(dataDir: string, all: readonly Migration[] = migrations): Db {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'hearth.db');
  let db: Db;
  try {
    db = new Database(file);
  } catch (error) {
    throw new HearthError('INTERNAL', `Could not open the database at ${file}: ${(error as Error).message}`);
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, all);
  return db;
}

export function migrate(db: Db, all: readonly Migration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((row) => row.version),
  );
  const newest = Math.max(0, ...applied);
  const known = Math.max(0, ...all.map((m) => m.version));
  if (newest > known) {
    throw new HearthError(
      'INTERNAL',
      `The data folder was written by a newer Hearth (schema ${newest}, this one knows ${known}). Update Hearth to open it.`,
    );
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of [...all].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    // Foreign keys cannot be switched inside a transaction, so a table rebuild switches them off around it.
    const foreignKeysOn = migration.rebuildsTables === true && db.pragma('foreign_keys', { simple: true }) === 1;
    if (foreignKeysOn) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        if (migration.rebuildsTables) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length > 0) {
            throw new HearthError('INTERNAL', `Migration ${migration.version} (${migration.name}) would break ${broken.length} references between tables; it was rolled back. Report this with your hearth.db.`, { broken: broken.slice(0, 10) });
          }
        }
        record.run(migration.version, migration.name, new Date().toISOString());
      })();
    } finally {
      if (foreignKeysOn) db.pragma('foreign_keys = ON');
    }
  }
}
