/**
 * What a run did, collapsed under one line ("5 steps · 7 tool calls"): the plan's steps, each collapsible with its
 * thoughts and tool calls; calls made outside a step; model output that had to be corrected; answers to waits.
 * Nothing inside is drawn until it is opened, so a long run costs nothing while folded.
 */
import { useState } from 'react';
import type { AgentRun, RunNote, StepView } from '../../state/agent-run.js';
import { ToolCallItem } from './ToolCallItem.js';

interface Props {
  run: AgentRun;
  /** Open at first (a plan being worked on is worth watching; a finished answer's steps are not). */
  initiallyOpen?: boolean;
}

export function RunSteps({ run, initiallyOpen = false }: Props) {
  // Until the user toggles it, it follows `initiallyOpen` (which may change: the route arrives after the first events).
  const [toggled, setOpen] = useState<boolean | null>(null);
  const open = toggled ?? initiallyOpen;
  const callCount = Object.keys(run.toolCalls).length;
  const corrected = run.notes.filter((note) => note.kind === 'model-error').length;
  if (run.steps.length === 0 && callCount === 0 && run.notes.length === 0) return null;
  const parts = [
    run.steps.length > 0 && `${run.steps.length} ${run.steps.length === 1 ? 'step' : 'steps'}`,
    callCount > 0 && `${callCount} tool ${callCount === 1 ? 'call' : 'calls'}`,
    run.planRevision > 1 && `plan revised ${run.planRevision - 1}×`,
    corrected > 0 && `${corrected} model ${corrected === 1 ? 'output' : 'outputs'} corrected`,
  ].filter(Boolean);
  return (
    <section className="run-steps" data-testid="agent-steps" data-open={open ? 'true' : 'false'}>
      <button type="button" className="run-steps__toggle" aria-expanded={open} data-testid="agent-steps-toggle" onClick={() => setOpen(!open)}>
        {open ? '▾' : '▸'} {parts.join(' · ') || 'Details'}
      </button>
      {open && (
        <div className="run-steps__body">
          {run.planReason && <p className="run-steps__reason muted">{run.planReason}</p>}
          {run.steps.length > 0 && (
            <ol className="run-steps__list">
              {run.steps.map((step) => (
                <StepItem key={step.stepId} step={step} run={run} />
              ))}
            </ol>
          )}
          {run.looseCallIds.length > 0 && (
            <ul className="tool-calls">
              {run.looseCallIds.map((callId) => run.toolCalls[callId] && <ToolCallItem key={callId} call={run.toolCalls[callId]} />)}
            </ul>
          )}
          {run.notes.map((note, position) => (
            <NoteLine key={position} note={note} />
          ))}
        </div>
      )}
    </section>
  );
}

const STATUS_MARK: Record<StepView['status'], string> = { pending: '○', running: '◐', done: '●', failed: '✕', skipped: '–' };

function StepItem({ step, run }: { step: StepView; run: AgentRun }) {
  // The step being worked on shows its calls as they come; the others open on a click.
  const [open, setOpen] = useState(step.status === 'running' || step.status === 'failed');
  const hasDetail = step.callIds.length > 0 || step.thoughts.length > 0;
  return (
    <li className={`run-step run-step--${step.status}`} data-testid="agent-step" data-step-id={step.stepId} data-status={step.status}>
      <button type="button" className="run-step__head" aria-expanded={open} disabled={!hasDetail} onClick={() => setOpen(!open)}>
        <span className="run-step__mark" aria-label={step.status}>
          {STATUS_MARK[step.status]}
        </span>
        <span className="run-step__title">{step.title}</span>
        {step.summary && <span className="run-step__summary muted">— {step.summary}</span>}
      </button>
      {open && hasDetail && (
        <div className="run-step__body">
          {step.thoughts.map((thought, position) => (
            <p key={position} className="run-step__thought muted">
              {thought}
            </p>
          ))}
          <ul className="tool-calls">
            {step.callIds.map((callId) => run.toolCalls[callId] && <ToolCallItem key={callId} call={run.toolCalls[callId]} />)}
          </ul>
        </div>
      )}
    </li>
  );
}

function NoteLine({ note }: { note: RunNote }) {
  switch (note.kind) {
    case 'thought':
      return <p className="run-steps__thought muted">{note.text}</p>;
    case 'model-error':
      return (
        <div className="run-note run-note--model-error" data-testid="model-error">
          <p>
            The model's output could not be used (attempt {note.attempt}): {note.message}. It was told and asked again.
          </p>
          {note.raw && (
            <details>
              <summary>What it wrote</summary>
              <pre className="agent-json">{note.raw}</pre>
            </details>
          )}
        </div>
      );
    case 'answered':
      return (
        <p className="run-note muted" data-testid="wait-answered" data-decision={note.decision}>
          {ANSWERED[note.decision] ?? note.decision} by {note.by}.
        </p>
      );
  }
}

const ANSWERED: Record<string, string> = {
  approved: 'Approved',
  edited: 'Approved with edited arguments',
  denied: 'Denied',
  continued: 'Told to go on',
  stopped: 'Stopped',
  answered: 'Answered',
};
