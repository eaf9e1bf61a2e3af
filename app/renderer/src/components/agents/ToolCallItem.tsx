/** One tool call of a run: the tool, what it was called with, and what came back (or why it failed). */
import type { ToolCallView } from '../../state/agent-run.js';
import { JsonValue } from './JsonValue.js';

export function ToolCallItem({ call }: { call: ToolCallView }) {
  const { result } = call;
  const status = result === undefined ? 'running' : result.ok ? 'ok' : 'failed';
  return (
    <li className={`tool-call tool-call--${status}`} data-testid="tool-call" data-tool={call.tool} data-status={status} data-replayed={result?.replayed ? 'true' : undefined}>
      <div className="tool-call__head">
        <code className="tool-call__name">{call.tool}</code>
        {call.sideEffects && <span className="agent-badge">side effect</span>}
        {result?.replayed && (
          <span className="agent-badge" title="Done before this run was resumed; not done again">
            replayed
          </span>
        )}
        <span className="tool-call__status">{status === 'running' ? 'running…' : status === 'ok' ? 'done' : 'failed'}</span>
      </div>
      <details className="tool-call__detail">
        <summary>Arguments</summary>
        <JsonValue value={call.input} testId="tool-call-input" />
      </details>
      {result?.ok && (
        <details className="tool-call__detail">
          <summary>Result</summary>
          <JsonValue value={result.output} testId="tool-call-output" />
        </details>
      )}
      {result && !result.ok && (
        <p className="tool-call__error" data-testid="tool-call-error">
          {result.error}
        </p>
      )}
    </li>
  );
}
