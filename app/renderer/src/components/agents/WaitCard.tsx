/** What a waiting run waits for, as the card that answers it. */
import type { AgentRun } from '../../state/agent-run.js';
import { ApprovalCard } from './ApprovalCard.js';
import { InputCard } from './InputCard.js';
import { LimitCard } from './LimitCard.js';

export function WaitCard({ run }: { run: AgentRun }) {
  const { wait, reply } = run;
  if (!wait) return null;
  switch (wait.kind) {
    case 'approval':
      // Keyed by approval: a second approval in the same run starts with a fresh editor.
      return <ApprovalCard key={wait.approval.approvalId} approval={wait.approval} reply={reply} />;
    case 'limit':
      return <LimitCard wait={wait} reply={reply} />;
    case 'input':
      return <InputCard question={wait.question} reply={reply} />;
  }
}
