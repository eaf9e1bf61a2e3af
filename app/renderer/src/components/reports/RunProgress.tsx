/**
 * The report being made, step by step as its job reports them: retrieving the passages, drafting, validating,
 * each repair round with the errors the model was asked to fix, rendering the files; then how it ended.
 */
import { useEffect, useRef } from 'react';
import type { ReportStep } from '../../../../../schemas/index.js';
import { cancelReport, dismissRun, isRunning } from '../../state/report-actions.js';
import { useReportsStore, type ReportRun, type RunStep } from '../../state/reports-store.js';

const STEP_ORDER: readonly ReportStep[] = ['retrieving', 'drafting', 'validating', 'repairing', 'rendering'];
const STEP_LABELS: Record<ReportStep, string> = {
  retrieving: 'Retrieving the passages',
  drafting: 'Drafting',
  validating: 'Validating against the template',
  repairing: 'Repairing',
  rendering: 'Rendering the files',
};

type StepState = 'done' | 'current' | 'failed' | 'stopped' | 'pending';

export function RunProgress() {
  const run = useReportsStore((state) => state.run);
  const card = useRef<HTMLElement>(null);
  const status = run?.status;
  // The page may be scrolled down a report's files: a run that starts, or fails at once, is brought into sight.
  useEffect(() => {
    if (status === 'starting' || status === 'failed') card.current?.scrollIntoView({ block: 'nearest' });
  }, [status]);
  if (!run) return null;
  const running = isRunning(run);
  const percent = Math.round(run.fraction * 100);
  return (
    <section ref={card} className={`report-run report-run--${run.status}`} data-testid="report-run" data-status={run.status} aria-label="The report being made">
      <header className="report-run__head">
        <div className="report-run__about">
          <p className="report-run__title">{run.status === 'done' ? `${run.heading}: made` : run.heading}</p>
          {run.request !== undefined && <p className="report-run__request">{run.request}</p>}
        </div>
        {running ? (
          <button type="button" className="button button--quiet button--small" data-testid="report-cancel" disabled={!run.jobId} onClick={() => void cancelReport()}>
            Cancel
          </button>
        ) : (
          <button type="button" className="button button--quiet button--small" data-testid="report-run-dismiss" onClick={dismissRun}>
            Dismiss
          </button>
        )}
      </header>
      <div
        className={run.status === 'starting' ? 'progress progress--waiting' : 'progress'}
        role="progressbar"
        aria-label="Progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        data-testid="report-progress"
      >
        <div className="progress__fill" style={{ width: `${percent}%` }} />
      </div>
      <ol className="report-steps">
        {linesOf(run).map(({ step, state }, index) => (
          <StepLine key={index} step={step} state={state} />
        ))}
      </ol>
      <RunOutcome run={run} />
    </section>
  );
}

/** The steps seen so far, in the order they came, then those still to come (a repair only shows once one is needed). */
function linesOf(run: ReportRun): Array<{ step: RunStep; state: StepState }> {
  const last = run.steps.length - 1;
  const lastState: StepState =
    run.status === 'done' ? 'done' : run.status === 'failed' ? 'failed' : run.status === 'cancelled' ? 'stopped' : 'current';
  const seen = run.steps.map((step, index) => ({ step, state: index < last ? ('done' as const) : lastState }));
  if (run.status !== 'starting' && run.status !== 'running') return seen;
  const reached = run.steps.length === 0 ? -1 : STEP_ORDER.indexOf(run.steps[last]!.step);
  const ahead = STEP_ORDER.slice(reached + 1)
    .filter((step) => step !== 'repairing')
    .map((step) => ({ step: { step }, state: 'pending' as const }));
  return [...seen, ...ahead];
}

function StepLine({ step, state }: { step: RunStep; state: StepState }) {
  return (
    <li className={`report-step report-step--${state}`} data-testid="report-step" data-step={step.step} data-state={state}>
      <span className="report-step__mark" aria-hidden="true">
        {state === 'done' ? '✓' : state === 'failed' ? '✕' : state === 'stopped' ? '–' : state === 'current' ? '●' : '○'}
      </span>
      <span className="report-step__name">
        {STEP_LABELS[step.step]}
        {step.round !== undefined && ` — round ${step.round}`}
      </span>
      {step.errors && step.errors.length > 0 && (
        <ul className="report-step__errors" data-testid="report-step-errors">
          {step.errors.map((error, index) => (
            <li key={index}>
              <code>{error}</code>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

function RunOutcome({ run }: { run: ReportRun }) {
  if (run.status === 'cancelled') return <p className="muted">Stopped. Nothing was stored.</p>;
  if (run.status !== 'failed' || !run.error) {
    // A cancel the core refused leaves the run going, with why beside it.
    return run.error ? <p className="message__error" role="alert">{run.error.message}</p> : null;
  }
  return (
    <div className="report-run__error" role="alert" data-testid="report-run-error" data-code={run.error.code}>
      <p>
        <strong>The report could not be made.</strong> {run.error.message}
      </p>
      {run.lastErrors && run.lastErrors.length > 0 && (
        <>
          <p className="report-run__error-note">What was still wrong in the last attempt (nothing was stored):</p>
          <ul className="report-step__errors" data-testid="report-last-errors">
            {run.lastErrors.map((error, index) => (
              <li key={index}>
                <code>{error}</code>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
