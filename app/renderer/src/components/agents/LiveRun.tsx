/**
 * The run at the end of the conversation: the request, then the answer being made — which agent took it and
 * why, its steps as they happen, what it waits for, flagged passages, and the answer streaming in.
 */
import { isPreparing, usePreparationStore } from '../../state/preparation-store.js';
import { useSpacesStore } from '../../state/spaces-store.js';
import { isFinished, type AgentRun } from '../../state/agent-run.js';
import { cancelRun } from '../../state/agent-actions.js';
import { AssistantMessage } from '../chat/AssistantMessage.js';
import { UserMessage } from '../chat/UserMessage.js';
import { doubtfulClaims } from './claim-marks.js';
import { FlaggedPassages } from './FlaggedPassages.js';
import { RouteLine } from './RouteLine.js';
import { RunFiles } from './RunFiles.js';
import { RunSteps } from './RunSteps.js';
import { TraceButton } from './TraceButton.js';
import { WaitCard } from './WaitCard.js';
import './agents.css';

interface Props {
  run: AgentRun;
  /**
   * The run's question as the conversation already stores it (a run picked up after a reload, whose question
   * was kept when it started): drawn there, so not again here, and the text a redirect asks again.
   */
  storedQuestion?: string | undefined;
}

export function LiveRun({ run, storedQuestion }: Props) {
  const spaceId = useSpacesStore((state) => state.currentSpaceId);
  const searchNotReady = usePreparationStore((state) => spaceId !== null && isPreparing(state.bySpace[spaceId]));
  const finished = isFinished(run);
  const streaming = !finished && run.error === undefined;
  const waiting = run.state === 'waiting';
  return (
    <>
      {storedQuestion === undefined && <UserMessage text={run.request} />}
      <AssistantMessage
        text={run.text}
        citations={run.citations}
        notices={run.notices}
        streaming={streaming}
        waitingForSearch={searchNotReady && run.route?.agent !== 'planner'}
        error={run.error ?? null}
        doubtful={doubtfulClaims(run.claims)}
        placeholder={waiting ? 'Waiting for you…' : run.route && run.route.agent !== 'rag' ? 'Working on it…' : undefined}
        header={
          <div className="agent-run" data-testid="agent-run" data-state={run.state} data-run-id={run.runId ?? undefined}>
            <RouteLine route={run.route} request={storedQuestion ?? run.request} canRedirect={finished || waiting} />
            <RunSteps run={run} initiallyOpen={run.route?.agent === 'planner'} />
            <WaitCard run={run} />
            <FlaggedPassages flagged={run.flagged} />
          </div>
        }
        footer={
          <div className="agent-run__foot">
            {streaming && run.runId && (
              <button type="button" className="button button--quiet button--small" data-testid="agent-cancel" onClick={() => void cancelRun()}>
                Stop
              </button>
            )}
            <RunFiles run={run} />
            <TraceButton traceId={run.result?.traceId} />
          </div>
        }
      />
    </>
  );
}
