/** The traces methods of the contract: a space's latest traces, and one trace's spans for the waterfall. */
import type { SomeHandlers } from '../rpc/index.js';
import type { Telemetry } from './telemetry.js';

export function tracesHandlers(telemetry: Telemetry): SomeHandlers<'traces.list' | 'traces.get'> {
  return {
    'traces.list': async ({ spaceId, limit }) => telemetry.list(spaceId, limit),
    'traces.get': async ({ traceId }) => telemetry.get(traceId),
  };
}
