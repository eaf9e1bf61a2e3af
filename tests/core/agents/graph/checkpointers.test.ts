/** The checkpointer contract, run against the one kept in memory and the one in Hearth's SQLite (closed and opened again to reopen). */
import { onTestFinished } from 'vitest';
import { MemoryCheckpointer, SqliteCheckpointer } from '../../../../app/core/agents/graph/index.js';
import { openDatabase } from '../../../../app/core/storage/index.js';
import { makeTempDir } from '../../../fixtures/temp-dir.js';
import { checkpointerContract } from './checkpointer-contract.js';

checkpointerContract('MemoryCheckpointer', async (options) => {
  const checkpointer = new MemoryCheckpointer(options);
  return { checkpointer, reopen: async () => checkpointer };
});

checkpointerContract('SqliteCheckpointer', async (options) => {
  const temp = await makeTempDir('hearth-checkpoints-');
  const databases = [openDatabase(temp.dir)];
  onTestFinished(async () => {
    for (const db of databases) if (db.open) db.close();
    await temp.cleanup();
  });
  return {
    checkpointer: new SqliteCheckpointer(databases[0]!, options),
    async reopen() {
      databases[0]!.close();
      const db = openDatabase(temp.dir);
      databases.push(db);
      return new SqliteCheckpointer(db, options);
    },
  };
});
