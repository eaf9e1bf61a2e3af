/** "Trace": the spans of the run (or of the answer) as a waterfall, opened under the answer. */
import { useState } from 'react';
import { TraceWaterfall } from '../traces/TraceWaterfall.js';

export function TraceButton({ traceId }: { traceId: string | undefined }) {
  const [open, setOpen] = useState(false);
  if (!traceId) return null;
  return (
    <div className="trace-link">
      <button type="button" className="button button--quiet button--small" data-testid="agent-trace" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? 'Hide trace' : 'Trace'}
      </button>
      {open && <TraceWaterfall traceId={traceId} />}
    </div>
  );
}
