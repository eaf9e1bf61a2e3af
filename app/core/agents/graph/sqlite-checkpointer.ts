/**
 * Checkpoints of graph runs in Hearth's SQLite database (migration 12): one row per checkpoint, the checkpoint as
 * JSON, keyed by the thread key and the run id. A put is one transaction that also forgets the run's oldest
 * checkpoints past `keepPerRun`, so a long run's history stays bounded while its latest checkpoint is always there.
 */
import type { Db } from '../../storage/index.js';
import { defaultKeepPerRun, type Checkpoint, type Checkpointer } from './checkpointer.js';

export class SqliteCheckpointer implements Checkpointer {
  private readonly insert;
  private readonly prune;
  private readonly selectLatest;
  private readonly putOne;

  constructor(
    private readonly db: Db,
    private readonly options: { keepPerRun?: number } = {},
  ) {
    this.insert = db.prepare(
      `INSERT INTO agent_checkpoints (thread_key, run_id, seq, step, status, checkpoint, created_at)
       VALUES (?, ?, COALESCE((SELECT MAX(seq) FROM agent_checkpoints WHERE thread_key = ? AND run_id = ?), 0) + 1, ?, ?, ?, ?)`,
    );
    this.prune = db.prepare(
      `DELETE FROM agent_checkpoints WHERE thread_key = ? AND run_id = ?
         AND seq <= (SELECT MAX(seq) FROM agent_checkpoints WHERE thread_key = ? AND run_id = ?) - ?`,
    );
    this.selectLatest = db.prepare('SELECT checkpoint FROM agent_checkpoints WHERE thread_key = ? AND run_id = ? ORDER BY seq DESC LIMIT 1');
    this.putOne = db.transaction((checkpoint: Checkpoint) => {
      const { threadKey, runId } = checkpoint;
      this.insert.run(threadKey, runId, threadKey, runId, checkpoint.step, checkpoint.status, JSON.stringify(checkpoint), checkpoint.createdAt);
      this.prune.run(threadKey, runId, threadKey, runId, this.options.keepPerRun ?? defaultKeepPerRun);
    });
  }

  async put(checkpoint: Checkpoint): Promise<void> {
    this.putOne(checkpoint);
  }

  async latest(threadKey: string, runId: string): Promise<Checkpoint | undefined> {
    const row = this.selectLatest.get(threadKey, runId) as { checkpoint: string } | undefined;
    return row ? (JSON.parse(row.checkpoint) as Checkpoint) : undefined;
  }

  async history(threadKey: string, runId: string): Promise<Checkpoint[]> {
    const rows = this.db.prepare('SELECT checkpoint FROM agent_checkpoints WHERE thread_key = ? AND run_id = ? ORDER BY seq').all(threadKey, runId) as { checkpoint: string }[];
    return rows.map((row) => JSON.parse(row.checkpoint) as Checkpoint);
  }

  async runs(threadKey: string): Promise<string[]> {
    const rows = this.db
      .prepare('SELECT run_id FROM agent_checkpoints WHERE thread_key = ? GROUP BY run_id ORDER BY MIN(created_at), run_id')
      .all(threadKey) as { run_id: string }[];
    return rows.map((row) => row.run_id);
  }

  async deleteRun(threadKey: string, runId: string): Promise<void> {
    this.db.prepare('DELETE FROM agent_checkpoints WHERE thread_key = ? AND run_id = ?').run(threadKey, runId);
  }
}
