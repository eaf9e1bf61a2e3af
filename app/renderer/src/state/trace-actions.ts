/**
 * Reading a trace for the waterfall: once when it is opened, and again every few seconds while some span of it
 * is still running (an agent run being watched), until the view closes. Like the other action modules, the only
 * code of its kind that talks to the core; what comes back lands in the traces store.
 */
import { describe, spaceConnection } from './core-connection.js';
import { withEntry } from './keyed-record.js';
import { useTracesStore, type OpenTrace } from './traces-store.js';

/** How often a trace with running spans is read again. */
const refreshMs = 2000;

/** Reads `traceId` now and keeps it fresh while it runs; call the returned function when the view closes. */
export function watchTrace(traceId: string): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const read = async () => {
    const known = useTracesStore.getState().traces[traceId];
    if (!known || known.status === 'failed') setTrace(traceId, { status: 'loading' });
    try {
      const trace = await spaceConnection().client.call('traces.get', { traceId });
      if (stopped) return;
      setTrace(traceId, { status: 'ready', trace });
      if (trace.spans.some((span) => span.state === 'running')) timer = setTimeout(() => void read(), refreshMs);
    } catch (error) {
      if (!stopped) setTrace(traceId, { status: 'failed', error: describe(error) });
    }
  };
  void read();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}

function setTrace(traceId: string, value: OpenTrace): void {
  useTracesStore.setState((state) => ({ traces: withEntry(state.traces, traceId, value) }));
}
