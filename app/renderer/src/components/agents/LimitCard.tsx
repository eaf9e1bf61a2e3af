/** The run used its steps (or time, or tokens): go on with as many again, or stop with what it has. */
import type { AgentWait } from '../../../../../schemas/index.js';
import { answerWait } from '../../state/agent-actions.js';
import type { ReplyWork } from '../../state/agent-run.js';
import { ReplyError } from './ReplyError.js';

type LimitWait = Extract<AgentWait, { kind: 'limit' }>;

const UNIT: Record<LimitWait['limit'], string> = { steps: 'steps', time: 'ms', tokens: 'tokens' };

export function LimitCard({ wait, reply }: { wait: LimitWait; reply: ReplyWork | null }) {
  const sending = reply?.status === 'sending';
  return (
    <section className="wait-card wait-card--limit" data-testid="limit-card" data-limit={wait.limit}>
      <h4 className="wait-card__title">Go on?</h4>
      <p className="wait-card__reason">{wait.question}</p>
      <p className="muted">
        Used {wait.used.toLocaleString('en-US')} of {wait.allowed.toLocaleString('en-US')} {UNIT[wait.limit]}.
      </p>
      <div className="wait-card__actions">
        <button type="button" className="button button--primary button--small" data-testid="limit-continue" disabled={sending} onClick={() => void answerWait({ kind: 'limit', decision: 'continue' })}>
          Go on
        </button>
        <button type="button" className="button button--small" data-testid="limit-stop" disabled={sending} onClick={() => void answerWait({ kind: 'limit', decision: 'stop' })}>
          Stop here
        </button>
      </div>
      <ReplyError reply={reply} />
    </section>
  );
}
