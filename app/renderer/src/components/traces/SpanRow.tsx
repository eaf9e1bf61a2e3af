/** One span of the waterfall: its name and summary, indented under its parent, and its bar on the time line. */
import type { SpanInfo } from '../../../../../schemas/index.js';
import { categoryOf, formatMs, summaryOf } from './span-display.js';
import { SpanDetails } from './SpanDetails.js';

interface Props {
  span: SpanInfo;
  depth: number;
  totalMs: number;
  expanded: boolean;
  onToggle(): void;
}

export function SpanRow({ span, depth, totalMs, expanded, onToggle }: Props) {
  const category = categoryOf(span);
  const summary = summaryOf(span);
  const left = (span.startOffsetMs / totalMs) * 100;
  const width = Math.max((span.durationMs / totalMs) * 100, 0.4);
  const stateNote = span.state === 'running' ? 'running' : span.state === 'interrupted' ? 'interrupted' : span.status === 'error' ? 'failed' : undefined;
  return (
    <li className={`span-row span-row--${category}`} data-testid="trace-span" data-category={category} data-state={span.state} data-status={span.status}>
      <button type="button" className="span-row__line" aria-expanded={expanded} onClick={onToggle}>
        <span className="span-row__label" style={{ paddingLeft: `${depth * 14}px` }}>
          <span className="span-row__name">{span.name}</span>
          {summary && (
            <span className="span-row__summary" title={summary}>
              {summary}
            </span>
          )}
        </span>
        <span className="span-row__track">
          <span
            className={`span-row__bar${span.status === 'error' ? ' span-row__bar--error' : ''}${span.state !== 'ended' ? ' span-row__bar--open' : ''}`}
            style={{ left: `${Math.min(left, 99.6)}%`, width: `${Math.min(width, 100 - Math.min(left, 99.6))}%` }}
          />
          <span className="span-row__duration" style={{ left: `${Math.min(left + width, 88)}%` }}>
            {formatMs(span.durationMs)}
            {stateNote && ` · ${stateNote}`}
          </span>
        </span>
      </button>
      {expanded && <SpanDetails span={span} />}
    </li>
  );
}
