/**
 * The audit trail: who changed what, kept in SQLite and readable by admins — every successful change made
 * through the contract (from the dispatcher's call records), sharing, token use and failed sign-ins. It keeps
 * what names a change, never params or results: those may hold a document's text.
 */
import type { AuditEntry } from '../../../schemas/index.js';
import type { Db } from '../storage/index.js';
import type { Caller } from './caller.js';

/** What the audit trail reads of a finished call (the dispatcher's CallRecord has this shape). */
export interface AuditedCall {
  method: string;
  caller: Caller;
  spaceId?: string;
  write: boolean;
  ok: boolean;
}

/** Methods that record themselves, with more to say than a call record holds. */
const recordedByHandler = new Set(['spaces.share', 'spaces.unshare']);

interface AuditRow {
  id: number;
  at: string;
  actor_id: string;
  actor_kind: string;
  actor_name: string;
  action: string;
  space_id: string | null;
  detail: string | null;
}

export class AuditLog {
  constructor(private readonly db: Db) {}

  record(entry: { actor: { id: string; kind: string; name: string }; action: string; spaceId?: string | undefined; detail?: Record<string, unknown> }): void {
    this.db
      .prepare('INSERT INTO audit_log (at, actor_id, actor_kind, actor_name, action, space_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(
        new Date().toISOString(),
        entry.actor.id,
        entry.actor.kind,
        entry.actor.name,
        entry.action,
        entry.spaceId ?? null,
        entry.detail ? JSON.stringify(entry.detail) : null,
      );
  }

  /**
   * A finished call: kept when a team member changed something (and the person behind a job or agent is named).
   * The person at the machine is not audited: a desktop's trail would be a second copy of its own history.
   */
  recordCall(call: AuditedCall): void {
    if (!call.write || !call.ok || recordedByHandler.has(call.method) || call.caller.principal.kind !== 'user') return;
    const { principal } = call.caller;
    this.record({
      actor: principal,
      action: call.method,
      spaceId: call.spaceId,
      ...(principal.id !== call.caller.id ? { detail: { via: call.caller.kind } } : {}),
    });
  }

  list(options: { limit: number; before?: number | undefined; spaceId?: string | undefined }): AuditEntry[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (options.before !== undefined) {
      where.push('id < ?');
      args.push(options.before);
    }
    if (options.spaceId !== undefined) {
      where.push('space_id = ?');
      args.push(options.spaceId);
    }
    const rows = this.db
      .prepare(`SELECT * FROM audit_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`)
      .all(...args, options.limit) as AuditRow[];
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      actor: { id: row.actor_id, kind: row.actor_kind, name: row.actor_name },
      action: row.action,
      ...(row.space_id !== null ? { spaceId: row.space_id } : {}),
      ...(row.detail !== null ? { detail: JSON.parse(row.detail) as Record<string, unknown> } : {}),
    }));
  }
}
