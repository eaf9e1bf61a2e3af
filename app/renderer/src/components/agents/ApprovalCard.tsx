/**
 * A side effect waiting for the user: the tool, the arguments it would be called with, and why the agent
 * wants it. Approve (as is, or with edited arguments), deny (the agent is told and goes on), or approve and
 * allow this tool in the space from now on.
 */
import { useState } from 'react';
import type { ApprovalRequest } from '../../../../../schemas/index.js';
import { answerWait } from '../../state/agent-actions.js';
import type { ReplyWork } from '../../state/agent-run.js';
import { checkArguments } from './argument-check.js';
import { JsonValue } from './JsonValue.js';
import { ReplyError } from './ReplyError.js';

export function ApprovalCard({ approval, reply }: { approval: ApprovalRequest; reply: ReplyWork | null }) {
  const [editing, setEditing] = useState<string | null>(null);
  const sending = reply?.status === 'sending';
  const check = editing === null ? null : checkArguments(editing, approval.inputSchema);
  const approve = (always: boolean) => {
    if (check && !check.ok) return;
    void answerWait({ kind: 'approval', approvalId: approval.approvalId, decision: 'approve', always, ...(check?.ok ? { input: check.value } : {}) });
  };
  return (
    <section className="wait-card wait-card--approval" data-testid="approval-card" data-tool={approval.tool} aria-label={`Approve ${approval.toolTitle}`}>
      <h4 className="wait-card__title">
        Approve: {approval.toolTitle} <code className="wait-card__tool">{approval.tool}</code>
      </h4>
      <p className="wait-card__reason" data-testid="approval-reason">
        {approval.reason}
      </p>
      {editing === null ? (
        <JsonValue value={approval.input} testId="approval-input" />
      ) : (
        <>
          <label className="visually-hidden" htmlFor={`approval-${approval.approvalId}`}>
            Arguments (JSON)
          </label>
          <textarea
            id={`approval-${approval.approvalId}`}
            className="wait-card__editor"
            data-testid="approval-editor"
            spellCheck={false}
            rows={Math.min(20, editing.split('\n').length + 1)}
            value={editing}
            onChange={(event) => setEditing(event.target.value)}
          />
          {check && !check.ok && (
            <ul className="wait-card__problems" role="alert" data-testid="approval-editor-problems">
              {check.problems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          )}
        </>
      )}
      <div className="wait-card__actions">
        <button type="button" className="button button--primary button--small" data-testid="approval-approve" disabled={sending || (check !== null && !check.ok)} onClick={() => approve(false)}>
          {editing === null ? 'Approve' : 'Approve edited'}
        </button>
        {editing === null ? (
          <button type="button" className="button button--small" data-testid="approval-edit" disabled={sending} onClick={() => setEditing(JSON.stringify(approval.input, null, 2))}>
            Edit arguments
          </button>
        ) : (
          <button type="button" className="button button--quiet button--small" disabled={sending} onClick={() => setEditing(null)}>
            Undo edits
          </button>
        )}
        <button
          type="button"
          className="button button--small"
          data-testid="approval-deny"
          disabled={sending}
          onClick={() => void answerWait({ kind: 'approval', approvalId: approval.approvalId, decision: 'deny' })}
        >
          Deny
        </button>
        <button
          type="button"
          className="button button--quiet button--small"
          data-testid="approval-always"
          title={`Approve, and do not ask again before ${approval.tool} in this space`}
          disabled={sending || (check !== null && !check.ok)}
          onClick={() => approve(true)}
        >
          Always allow in this space
        </button>
      </div>
      <ReplyError reply={reply} />
    </section>
  );
}
