/** Graph runs on a real SQLite database in a temp folder that a test can close and open again, as a restart does. */
import { onTestFinished } from 'vitest';
import { SqliteCheckpointer } from '../../../../app/core/agents/graph/index.js';
import { openDatabase, type Db } from '../../../../app/core/storage/index.js';
import { makeTempDir } from '../../../fixtures/temp-dir.js';

export const threadKey = 'local:local:space-1:conversation-1';

export async function arrangeCheckpoints() {
  const temp = await makeTempDir('hearth-graph-');
  const databases: Db[] = [openDatabase(temp.dir)];
  onTestFinished(async () => {
    for (const db of databases) if (db.open) db.close();
    await temp.cleanup();
  });
  return {
    get db(): Db {
      return databases[databases.length - 1]!;
    },
    checkpointer: new SqliteCheckpointer(databases[0]!),
    /** Closes the database and opens it again: what the next start of Hearth reads. */
    reopen(): SqliteCheckpointer {
      const last = databases[databases.length - 1]!;
      if (last.open) last.close();
      const db = openDatabase(temp.dir);
      databases.push(db);
      return new SqliteCheckpointer(db);
    },
  };
}

export const live = () => new AbortController().signal;
