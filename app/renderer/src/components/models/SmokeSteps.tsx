/** A smoke check's outcome under its model: each step (load, complete, embed, rerank) with ✓ or ✗, its time and what it saw. */
import type { SmokeStep } from '../../../../../schemas/index.js';
import type { ModelCheck } from '../../state/models-store.js';
import { formatMilliseconds } from './display-text.js';

const STEP_LABELS: Record<SmokeStep['name'], string> = {
  load: 'Load',
  complete: 'Complete',
  embed: 'Embed',
  rerank: 'Rerank',
};

export function SmokeSteps({ check }: { check: ModelCheck }) {
  if (check.status === 'running') {
    return (
      <p className="smoke smoke--running muted" data-testid="smoke-running" aria-live="polite">
        Checking: loading the model and trying it…
      </p>
    );
  }
  if (check.status === 'failed') {
    return (
      <p className="smoke smoke--failed model-entry__error" role="alert" data-testid="smoke-error">
        <code>{check.error.code}</code> {check.error.message}
      </p>
    );
  }
  const { report } = check;
  return (
    <div className={report.ok ? 'smoke smoke--ok' : 'smoke smoke--failed'} data-testid="smoke-report" data-ok={String(report.ok)} aria-live="polite">
      <p className="smoke__verdict">{report.ok ? 'Check passed' : 'Check failed'}</p>
      <ol className="smoke__steps">
        {report.steps.map((step) => (
          <li key={step.name} className="smoke-step" data-testid="smoke-step" data-step={step.name} data-ok={String(step.ok)}>
            <span className={step.ok ? 'smoke-step__mark smoke-step__mark--ok' : 'smoke-step__mark smoke-step__mark--failed'} aria-label={step.ok ? 'passed' : 'failed'}>
              {step.ok ? '✓' : '✗'}
            </span>
            <span className="smoke-step__name">{STEP_LABELS[step.name]}</span>
            <span className="smoke-step__ms">{formatMilliseconds(step.ms)}</span>
            <span className="smoke-step__detail" title={step.detail}>
              {step.detail}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
