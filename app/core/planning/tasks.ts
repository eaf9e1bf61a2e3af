/**
 * A space's tasks: a title, an owner, a due date, the tasks it waits for, and whether it is done. People make
 * them in the Tasks panel and agents through the `tasks` tool; a task an agent made keeps the run and tool call
 * that made it. Dependencies stay inside one space and never form a cycle — refused with the path named.
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { HearthError, type PlanningOrigin, type TaskFilter, type TaskInfo, type TaskInput, type TaskPatch } from '../../../schemas/index.js';
import type { Db } from '../storage/index.js';

interface TaskRow {
  id: string;
  space_id: string;
  title: string;
  notes: string;
  owner: string | null;
  due: string | null;
  status: 'open' | 'done';
  origin_run_id: string | null;
  origin_call_key: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

export class Tasks {
  constructor(private readonly db: Db) {}

  create(spaceId: string, input: TaskInput, origin?: PlanningOrigin): TaskInfo {
    return this.createMany(spaceId, [input], origin)[0]!;
  }

  /**
   * Creates several tasks at once, in one transaction: all or none. A task may depend on tasks of the space or
   * on tasks earlier in this list, named `#0`, `#1`… (the tool turns titles into those).
   */
  createMany(spaceId: string, inputs: TaskInput[], origin?: PlanningOrigin): TaskInfo[] {
    return this.db.transaction(() => {
      const now = new Date().toISOString();
      const ids: string[] = [];
      inputs.forEach((input, index) => {
        const id = randomUUID();
        const title = checkedTitle(input.title, `task ${index + 1}`);
        const due = input.due === undefined ? null : checkedDate(input.due, `task "${title}"`);
        this.db
          .prepare(
            `INSERT INTO tasks (id, space_id, title, notes, owner, due, status, origin_run_id, origin_call_key, origin_index, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?)`,
          )
          .run(id, spaceId, title, input.notes ?? '', input.owner?.trim() || null, due, origin?.runId ?? null, origin?.callKey ?? null, index, now, now);
        ids.push(id);
      });
      inputs.forEach((input, index) => {
        const dependsOn = (input.dependsOn ?? []).map((ref) => {
          const earlier = /^#(\d+)$/.exec(ref);
          if (!earlier) return ref;
          const at = Number(earlier[1]);
          if (at >= ids.length || at === index) throw new HearthError('BAD_REQUEST', `Task "${input.title}" depends on ${ref}, which is not another task of this call.`, { dependsOn: ref });
          return ids[at]!;
        });
        this.setDependencies(ids[index]!, spaceId, dependsOn);
      });
      return ids.map((id) => this.get(id));
    })();
  }

  /** The tasks a run's tool call made, in the order it made them: so a replayed call returns them instead of making them again. */
  madeBy(origin: PlanningOrigin): TaskInfo[] {
    const rows = this.db
      .prepare('SELECT * FROM tasks WHERE origin_run_id = ? AND origin_call_key = ? ORDER BY origin_index')
      .all(origin.runId, origin.callKey) as TaskRow[];
    return rows.map((row) => this.toInfo(row));
  }

  update(taskId: string, patch: TaskPatch): TaskInfo {
    return this.db.transaction(() => {
      const task = this.get(taskId);
      const title = patch.title === undefined ? task.title : checkedTitle(patch.title, `task ${taskId}`);
      const owner = patch.owner === undefined ? (task.owner ?? null) : patch.owner === null ? null : patch.owner.trim() || null;
      const due = patch.due === undefined ? (task.due ?? null) : patch.due === null ? null : checkedDate(patch.due, `task "${title}"`);
      const status = patch.status ?? task.status;
      const now = new Date().toISOString();
      const completedAt = status === 'done' ? (task.completedAt ?? now) : null;
      // Dependencies first, so a refusal names the task as it stands.
      if (patch.dependsOn !== undefined) this.setDependencies(taskId, task.spaceId, patch.dependsOn);
      this.db
        .prepare('UPDATE tasks SET title = ?, notes = ?, owner = ?, due = ?, status = ?, completed_at = ?, updated_at = ? WHERE id = ?')
        .run(title, patch.notes ?? task.notes, owner, due, status, completedAt, now, taskId);
      return this.get(taskId);
    })();
  }

  /** Marks a task done (or open again). */
  complete(taskId: string, done = true): TaskInfo {
    return this.update(taskId, { status: done ? 'done' : 'open' });
  }

  /** A space's tasks: open before done, then by due date (undated last), then as made. */
  list(spaceId: string, filter: TaskFilter = {}): TaskInfo[] {
    const where = ['space_id = @spaceId'];
    if (filter.status) where.push('status = @status');
    if (filter.owner) where.push('owner = @owner COLLATE NOCASE');
    if (filter.dueBefore) where.push('due IS NOT NULL AND due <= @dueBefore');
    const rows = this.db
      .prepare(`SELECT * FROM tasks WHERE ${where.join(' AND ')} ORDER BY status = 'done', due IS NULL, due, created_at, origin_index, rowid`)
      .all({ spaceId, status: filter.status, owner: filter.owner, dueBefore: filter.dueBefore }) as TaskRow[];
    return rows.map((row) => this.toInfo(row));
  }

  find(taskId: string): TaskInfo | undefined {
    const row = this.db.prepare('SELECT * FROM tasks WHERE id = ?').get(taskId) as TaskRow | undefined;
    return row ? this.toInfo(row) : undefined;
  }

  get(taskId: string): TaskInfo {
    const task = this.find(taskId);
    if (!task) throw new HearthError('NOT_FOUND', `There is no task with id ${taskId}.`, { taskId });
    return task;
  }

  spaceOf(taskId: string): string | undefined {
    return (this.db.prepare('SELECT space_id FROM tasks WHERE id = ?').get(taskId) as { space_id: string } | undefined)?.space_id;
  }

  /** Replaces what a task depends on, after checking every id is a task of the same space and no cycle forms. */
  private setDependencies(taskId: string, spaceId: string, dependsOn: string[]): void {
    const wanted = [...new Set(dependsOn)];
    for (const id of wanted) {
      if (id === taskId) throw new HearthError('BAD_REQUEST', `Task ${this.label(taskId)} cannot depend on itself.`, { taskId });
      const space = this.spaceOf(id);
      if (space === undefined) throw new HearthError('BAD_REQUEST', `Task ${this.label(taskId)} depends on ${id}, which is not a task.`, { taskId, dependsOn: id });
      if (space !== spaceId) throw new HearthError('BAD_REQUEST', `Task ${this.label(taskId)} depends on ${this.label(id)}, which is in another space.`, { taskId, dependsOn: id });
      const path = this.pathBetween(id, taskId);
      if (path) {
        throw new HearthError(
          'BAD_REQUEST',
          `Task ${this.label(taskId)} cannot depend on ${this.label(id)}: that would make a cycle (${[taskId, ...path].map((t) => this.label(t)).join(' → ')}).`,
          { taskId, cycle: [taskId, ...path] },
        );
      }
    }
    this.db.prepare('DELETE FROM task_dependencies WHERE task_id = ?').run(taskId);
    const insert = this.db.prepare('INSERT INTO task_dependencies (task_id, depends_on_id, ordinal) VALUES (?, ?, ?)');
    wanted.forEach((id, ordinal) => insert.run(taskId, id, ordinal));
  }

  /** The chain of dependencies from `from` to `to` (both included), if `from` already waits on `to`. */
  private pathBetween(from: string, to: string): string[] | undefined {
    const next = this.db.prepare('SELECT depends_on_id FROM task_dependencies WHERE task_id = ?');
    const cameFrom = new Map<string, string | null>([[from, null]]);
    const queue = [from];
    while (queue.length > 0) {
      const at = queue.shift()!;
      if (at === to) {
        const path: string[] = [];
        for (let step: string | null = at; step !== null; step = cameFrom.get(step) ?? null) path.unshift(step);
        return path;
      }
      for (const { depends_on_id: id } of next.all(at) as { depends_on_id: string }[]) {
        if (!cameFrom.has(id)) {
          cameFrom.set(id, at);
          queue.push(id);
        }
      }
    }
    return undefined;
  }

  private label(taskId: string): string {
    const row = this.db.prepare('SELECT title FROM tasks WHERE id = ?').get(taskId) as { title: string } | undefined;
    return row ? `"${row.title}"` : taskId;
  }

  private toInfo(row: TaskRow): TaskInfo {
    const dependsOn = (this.db.prepare('SELECT depends_on_id FROM task_dependencies WHERE task_id = ? ORDER BY ordinal').all(row.id) as { depends_on_id: string }[]).map(
      (dependency) => dependency.depends_on_id,
    );
    return {
      id: row.id,
      spaceId: row.space_id,
      title: row.title,
      notes: row.notes,
      ...(row.owner !== null ? { owner: row.owner } : {}),
      ...(row.due !== null ? { due: row.due } : {}),
      status: row.status,
      dependsOn,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      ...(row.completed_at !== null ? { completedAt: row.completed_at } : {}),
      ...(row.origin_run_id !== null && row.origin_call_key !== null ? { origin: { runId: row.origin_run_id, callKey: row.origin_call_key } } : {}),
    };
  }
}

function checkedTitle(title: string, what: string): string {
  const trimmed = title.trim();
  if (trimmed.length === 0) throw new HearthError('BAD_REQUEST', `The title of ${what} is empty; give the task a title.`);
  if (trimmed.length > 300) throw new HearthError('BAD_REQUEST', `The title of ${what} is ${trimmed.length} characters; keep it under 300.`);
  return trimmed;
}

/** A due date is a calendar date: `2027-03-17`, checked to exist (no 31 February). */
export function checkedDate(date: string, what: string): string {
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(date) ? DateTime.fromISO(date, { zone: 'utc' }) : undefined;
  if (!parsed?.isValid) throw new HearthError('BAD_REQUEST', `The due date of ${what} is "${date}", not a date as YYYY-MM-DD (e.g. 2027-03-17).`, { due: date });
  return date;
}
