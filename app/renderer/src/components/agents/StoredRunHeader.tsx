/**
 * Above a stored answer an agent wrote: which agent, and — once opened — the run's route and steps, read
 * again from its journal. The answer itself comes from the stored message, as before agents.
 */
import type { Message } from '../../../../../schemas/index.js';
import { replayRun } from '../../state/agent-actions.js';
import { isFinished } from '../../state/agent-run.js';
import { useAgentsStore } from '../../state/agents-store.js';
import { FlaggedPassages } from './FlaggedPassages.js';
import { RouteLine } from './RouteLine.js';
import { RunFiles } from './RunFiles.js';
import { RunSteps } from './RunSteps.js';
import './agents.css';

interface Props {
  message: Message;
  /** The question it answered (for "ask another agent"). */
  request?: string;
  /** Redirecting is offered on the latest answer only (it continues the conversation). */
  latest: boolean;
}

export function StoredRunHeader({ message, request, latest }: Props) {
  const runId = message.runId;
  const replay = useAgentsStore((state) => (runId ? state.replays[runId] : undefined));
  const liveBusy = useAgentsStore((state) => state.live !== null && !isFinished(state.live) && state.live.error === undefined);
  if (!message.agent && !runId) return null;
  const run = replay?.status === 'ready' ? replay.run : undefined;
  return (
    <div className="agent-run" data-testid="agent-run" data-state="done" data-run-id={runId}>
      <RouteLine route={run?.route ?? null} {...(message.agent ? { agent: message.agent } : {})} {...(request !== undefined ? { request } : {})} canRedirect={latest && !liveBusy} />
      {run ? (
        <>
          <RunSteps run={run} initiallyOpen={run.route?.agent === 'planner'} />
          <FlaggedPassages flagged={run.flagged} />
          <RunFiles run={run} />
        </>
      ) : (
        runId && (
          <button type="button" className="link-button run-steps__load" data-testid="agent-steps-load" disabled={replay?.status === 'loading'} onClick={() => void replayRun(runId)}>
            {replay?.status === 'loading' ? 'Reading the steps…' : replay?.status === 'failed' ? `Could not read the steps (${replay.error.message}); try again` : 'Show how it was answered'}
          </button>
        )
      )}
    </div>
  );
}
