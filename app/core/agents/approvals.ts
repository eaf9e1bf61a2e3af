/**
 * The Guard's "during": a side effect an agent wants waits for the user's answer, kept in SQLite so a run
 * waiting for it survives a restart, and the standing permissions a user granted a tool in a space. An
 * approval is keyed by its run and the call's key, so the node that asks again after a resume finds the
 * same approval (and its answer) rather than asking twice.
 */
import { randomUUID } from 'node:crypto';
import { HearthError, type ToolPermission } from '../../../schemas/index.js';
import type { Db } from '../storage/index.js';

export type ApprovalState = 'pending' | 'approved' | 'denied';

export interface StoredApproval {
  id: string;
  runId: string;
  spaceId: string;
  callKey: string;
  tool: string;
  input: unknown;
  reason: string;
  state: ApprovalState;
  /** The arguments the user edited before approving, when they did. */
  answeredInput?: unknown;
  answeredBy?: string;
  createdAt: string;
  answeredAt?: string;
}

interface ApprovalRow {
  id: string;
  run_id: string;
  space_id: string;
  call_key: string;
  tool: string;
  input: string;
  reason: string;
  state: ApprovalState;
  answered_input: string | null;
  answered_by: string | null;
  created_at: string;
  answered_at: string | null;
}

const toApproval = (row: ApprovalRow): StoredApproval => ({
  id: row.id,
  runId: row.run_id,
  spaceId: row.space_id,
  callKey: row.call_key,
  tool: row.tool,
  input: JSON.parse(row.input) as unknown,
  reason: row.reason,
  state: row.state,
  ...(row.answered_input !== null ? { answeredInput: JSON.parse(row.answered_input) as unknown } : {}),
  ...(row.answered_by !== null ? { answeredBy: row.answered_by } : {}),
  createdAt: row.created_at,
  ...(row.answered_at !== null ? { answeredAt: row.answered_at } : {}),
});

export class Approvals {
  constructor(private readonly db: Db) {}

  /** The approval of a call in a run: the one asked before under this key (answered or not), or a new pending one. */
  request(request: { runId: string; spaceId: string; callKey: string; tool: string; input: unknown; reason: string }): StoredApproval {
    const existing = this.db.prepare('SELECT * FROM approvals WHERE run_id = ? AND call_key = ?').get(request.runId, request.callKey) as ApprovalRow | undefined;
    if (existing) return toApproval(existing);
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO approvals (id, run_id, space_id, call_key, tool, input, reason, state, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
      )
      .run(id, request.runId, request.spaceId, request.callKey, request.tool, JSON.stringify(request.input ?? null), request.reason, new Date().toISOString());
    return this.get(id);
  }

  /** The approval asked for a call in a run, if one was. */
  find(runId: string, callKey: string): StoredApproval | undefined {
    const row = this.db.prepare('SELECT * FROM approvals WHERE run_id = ? AND call_key = ?').get(runId, callKey) as ApprovalRow | undefined;
    return row ? toApproval(row) : undefined;
  }

  get(approvalId: string): StoredApproval {
    const row = this.db.prepare('SELECT * FROM approvals WHERE id = ?').get(approvalId) as ApprovalRow | undefined;
    if (!row) throw new HearthError('NOT_FOUND', `There is no approval ${approvalId}.`, { approvalId });
    return toApproval(row);
  }

  /** Writes the user's answer; an approval answered once keeps its first answer (a second click changes nothing). */
  answer(approvalId: string, answer: { approved: boolean; input?: unknown; by: string }): StoredApproval {
    const approval = this.get(approvalId);
    if (approval.state !== 'pending') {
      throw new HearthError('BAD_REQUEST', `The approval for ${approval.tool} was already ${approval.state}${approval.answeredBy ? ` by ${approval.answeredBy}` : ''}.`, { approvalId });
    }
    this.db
      .prepare('UPDATE approvals SET state = ?, answered_input = ?, answered_by = ?, answered_at = ? WHERE id = ?')
      .run(answer.approved ? 'approved' : 'denied', answer.input !== undefined ? JSON.stringify(answer.input) : null, answer.by, new Date().toISOString(), approvalId);
    return this.get(approvalId);
  }

  /** Whether a tool may run in a space without asking. */
  granted(spaceId: string, tool: string): boolean {
    return this.db.prepare('SELECT 1 FROM tool_permissions WHERE space_id = ? AND tool = ?').get(spaceId, tool) !== undefined;
  }

  grant(spaceId: string, tool: string, by: string): void {
    this.db
      .prepare('INSERT INTO tool_permissions (space_id, tool, granted_by, granted_at) VALUES (?, ?, ?, ?) ON CONFLICT (space_id, tool) DO NOTHING')
      .run(spaceId, tool, by, new Date().toISOString());
  }

  permissions(spaceId: string): ToolPermission[] {
    const rows = this.db.prepare('SELECT * FROM tool_permissions WHERE space_id = ? ORDER BY tool').all(spaceId) as { space_id: string; tool: string; granted_by: string; granted_at: string }[];
    return rows.map((row) => ({ spaceId: row.space_id, tool: row.tool, grantedBy: row.granted_by, grantedAt: row.granted_at }));
  }

  /** Takes a standing permission back; revoking one that was never granted is no error (the outcome is the same). */
  revoke(spaceId: string, tool: string): void {
    this.db.prepare('DELETE FROM tool_permissions WHERE space_id = ? AND tool = ?').run(spaceId, tool);
  }
}
