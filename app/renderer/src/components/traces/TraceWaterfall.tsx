/**
 * A trace as a waterfall: one row per span, nested under its parent, its bar placed by when it started and how
 * long it took on the trace's time line; the totals (time, model calls, tokens, tool calls) on top. A row opens
 * to the span's attributes. Opened under an answer or an agent run with the trace id it keeps.
 */
import { useEffect, useState } from 'react';
import { watchTrace } from '../../state/trace-actions.js';
import { useTracesStore } from '../../state/traces-store.js';
import { depthsOf } from './span-display.js';
import { SpanRow } from './SpanRow.js';
import { TraceTotalsLine } from './TraceTotalsLine.js';
import './traces.css';

export function TraceWaterfall({ traceId }: { traceId: string }) {
  const open = useTracesStore((state) => state.traces[traceId]);
  const [selected, setSelected] = useState<string | null>(null);
  useEffect(() => watchTrace(traceId), [traceId]);

  if (!open || open.status === 'loading') return <p className="muted trace-view">Reading the trace…</p>;
  if (open.status === 'failed') {
    return (
      <p className="trace-view message__error" role="alert">
        {open.error.code === 'NOT_FOUND' ? 'This trace is no longer kept.' : <><code>{open.error.code}</code> {open.error.message}</>}
      </p>
    );
  }
  const { trace } = open;
  const depths = depthsOf(trace.spans);
  // At least a millisecond, so a trace of instant spans still draws its bars.
  const total = Math.max(trace.totals.durationMs, 1);
  return (
    <section className="trace-view" data-testid="trace-waterfall" aria-label="Trace">
      <TraceTotalsLine totals={trace.totals} />
      <div className="trace-view__scale" aria-hidden="true">
        <span className="trace-view__scale-label" />
        <span className="trace-view__scale-ticks">
          {[0, 0.25, 0.5, 0.75, 1].map((at) => (
            <span key={at} style={{ left: `${at * 100}%` }}>
              {formatTick(at * total)}
            </span>
          ))}
        </span>
      </div>
      <ol className="trace-view__rows">
        {trace.spans.map((span) => (
          <SpanRow
            key={span.spanId}
            span={span}
            depth={depths.get(span.spanId) ?? 0}
            totalMs={total}
            expanded={selected === span.spanId}
            onToggle={() => setSelected(selected === span.spanId ? null : span.spanId)}
          />
        ))}
      </ol>
    </section>
  );
}

function formatTick(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
