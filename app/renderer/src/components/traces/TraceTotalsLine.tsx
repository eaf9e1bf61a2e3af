/** A trace's totals in one line: how long it took, its model calls and their tokens, its tool calls. */
import type { TraceTotals } from '../../../../../schemas/index.js';
import { formatMs } from './span-display.js';

export function TraceTotalsLine({ totals }: { totals: TraceTotals }) {
  const figures = [
    ['Time', formatMs(totals.durationMs)],
    ['Model calls', String(totals.llmCalls)],
    ['Tokens in', totals.inputTokens.toLocaleString('en')],
    ['Tokens out', totals.outputTokens.toLocaleString('en')],
    ['Tool calls', String(totals.toolCalls)],
    ['Spans', String(totals.spanCount)],
  ] as const;
  return (
    <dl className="trace-totals" data-testid="trace-totals">
      {figures.map(([label, value]) => (
        <div key={label} className="trace-totals__figure">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
