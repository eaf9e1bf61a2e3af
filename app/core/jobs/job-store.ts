/**
 * Jobs in SQLite: one row per job (its state, params, latest progress, result or error) and its journal of
 * numbered events. Every event is written in the same transaction as the row change it describes, so the row
 * and the journal never disagree, and a watcher reading the journal from any point sees what happened in order.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ErrorPayload, JobOwner, JobState } from '../../../schemas/index.js';
import type { Db } from '../storage/index.js';

export interface StoredJob {
  id: string;
  kind: string;
  spaceId: string;
  title: string;
  subject: string;
  state: JobState;
  owner: JobOwner;
  params: unknown;
  progress: unknown;
  result: unknown;
  error: ErrorPayload | undefined;
  lastSeq: number;
  /** How many of its starts ended in a crash rather than an orderly close (or are running now): what giving up counts. */
  attempts: number;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | undefined;
}

/** An event as the journal holds it; `body` is the event without its job, kind, number and time. */
export interface StoredEvent {
  jobId: string;
  kind: string;
  seq: number;
  at: string;
  body: Record<string, unknown> & { type: 'progress' | 'step' | 'state' };
}

interface JobRow {
  id: string;
  kind: string;
  space_id: string;
  title: string;
  subject: string;
  state: JobState;
  owner: string;
  params: string;
  progress: string | null;
  result: string | null;
  error: string | null;
  last_seq: number;
  attempts: number;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

const parseJson = (text: string | null): unknown => (text === null ? undefined : JSON.parse(text));

const toJob = (row: JobRow): StoredJob => ({
  id: row.id,
  kind: row.kind,
  spaceId: row.space_id,
  title: row.title,
  subject: row.subject,
  state: row.state,
  owner: JobOwner.parse(JSON.parse(row.owner)),
  params: JSON.parse(row.params),
  progress: parseJson(row.progress),
  result: parseJson(row.result),
  error: row.error === null ? undefined : ErrorPayload.parse(JSON.parse(row.error)),
  lastSeq: row.last_seq,
  attempts: row.attempts,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  finishedAt: row.finished_at ?? undefined,
});

const EventBody = z.looseObject({ type: z.enum(['progress', 'step', 'state']) });

/** What an event changes in the job's row besides its number. */
export interface JobChange {
  state?: JobState;
  progress?: unknown;
  result?: unknown;
  error?: ErrorPayload;
  finished?: boolean;
  /** Counts a start (the job began running, again after a restart). */
  started?: boolean;
}

export class JobStore {
  constructor(private readonly db: Db) {}

  insert(job: { kind: string; spaceId: string; title: string; subject: string; owner: JobOwner; params: unknown }): StoredJob {
    const now = new Date().toISOString();
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO jobs (id, kind, space_id, title, subject, state, owner, params, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)`,
      )
      .run(id, job.kind, job.spaceId, job.title, job.subject, JSON.stringify(job.owner), JSON.stringify(job.params), now, now);
    return this.get(id)!;
  }

  get(id: string): StoredJob | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row ? toJob(row) : undefined;
  }

  spaceOf(id: string): string | undefined {
    return (this.db.prepare('SELECT space_id FROM jobs WHERE id = ?').get(id) as { space_id: string } | undefined)?.space_id;
  }

  list(filter: { spaceId: string; states: readonly JobState[]; kinds?: readonly string[] | undefined; limit: number }): StoredJob[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM jobs WHERE space_id = ? AND state IN (SELECT value FROM json_each(?))
           AND (? IS NULL OR kind IN (SELECT value FROM json_each(?)))
         ORDER BY created_at DESC, rowid DESC LIMIT ?`,
      )
      .all(filter.spaceId, JSON.stringify(filter.states), filter.kinds ? 1 : null, JSON.stringify(filter.kinds ?? []), filter.limit) as JobRow[];
    return rows.map(toJob);
  }

  /** How many jobs are in each state, across all spaces (every state present, zero when none): what metrics show. */
  countByState(): Record<JobState, number> {
    const rows = this.db.prepare('SELECT state, COUNT(*) AS count FROM jobs GROUP BY state').all() as { state: JobState; count: number }[];
    const counts = Object.fromEntries(JobState.options.map((state) => [state, 0])) as Record<JobState, number>;
    for (const row of rows) counts[row.state] = row.count;
    return counts;
  }

  /** Jobs a restart interrupted or that never got their turn, oldest first. */
  unfinished(): StoredJob[] {
    return (this.db.prepare(`SELECT * FROM jobs WHERE state IN ('queued', 'running', 'waiting') ORDER BY created_at, rowid`).all() as JobRow[]).map(toJob);
  }

  /** Takes back a start that an orderly close interrupted (no event: nothing happened to the job itself). */
  uncountStart(jobId: string): void {
    this.db.prepare('UPDATE jobs SET attempts = MAX(0, attempts - 1) WHERE id = ?').run(jobId);
  }

  /** Writes an event to the journal and the change it describes to the row, in one transaction. */
  append(jobId: string, body: StoredEvent['body'], change: JobChange = {}): StoredEvent {
    const at = new Date().toISOString();
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT kind, last_seq FROM jobs WHERE id = ?').get(jobId) as { kind: string; last_seq: number } | undefined;
      if (!row) throw new Error(`job ${jobId} is not in the store`);
      const seq = row.last_seq + 1;
      this.db.prepare('INSERT INTO job_events (job_id, seq, at, event) VALUES (?, ?, ?, ?)').run(jobId, seq, at, JSON.stringify(body));
      this.db
        .prepare(
          `UPDATE jobs SET last_seq = ?, updated_at = ?,
             state = COALESCE(?, state),
             progress = COALESCE(?, progress),
             result = COALESCE(?, result),
             error = COALESCE(?, error),
             finished_at = CASE WHEN ? THEN ? ELSE finished_at END,
             attempts = attempts + ?
           WHERE id = ?`,
        )
        .run(
          seq,
          at,
          change.state ?? null,
          change.progress === undefined ? null : JSON.stringify(change.progress),
          change.result === undefined ? null : JSON.stringify(change.result),
          change.error === undefined ? null : JSON.stringify(change.error),
          change.finished ? 1 : 0,
          at,
          change.started ? 1 : 0,
          jobId,
        );
      return { jobId, kind: row.kind, seq, at, body };
    })();
  }

  /** The journal after event `after`, in order. */
  events(jobId: string, after: number): StoredEvent[] {
    const kind = (this.db.prepare('SELECT kind FROM jobs WHERE id = ?').get(jobId) as { kind: string } | undefined)?.kind;
    if (kind === undefined) return [];
    const rows = this.db.prepare('SELECT seq, at, event FROM job_events WHERE job_id = ? AND seq > ? ORDER BY seq').all(jobId, after) as {
      seq: number;
      at: string;
      event: string;
    }[];
    return rows.map((row) => ({ jobId, kind, seq: row.seq, at: row.at, body: EventBody.parse(JSON.parse(row.event)) as StoredEvent['body'] }));
  }

  /** Forgets finished jobs older than `before` (their journals go with them); returns how many. */
  prune(before: Date): number {
    return this.db.prepare(`DELETE FROM jobs WHERE state IN ('done', 'failed', 'cancelled') AND updated_at < ?`).run(before.toISOString()).changes;
  }
}
