/**
 * Telemetry: OpenTelemetry spans for answers, agent runs, steps, tool calls, retrievals and model calls, kept in
 * SQLite for the trace view and exported over OTLP when an endpoint is configured.
 */
export { Telemetry, type EndedSpan, type HearthSpan, type SpanOptions, type SpanParent, type TelemetryOptions } from './telemetry.js';
export {
  agentStepAttributes,
  attr,
  jsonAttribute,
  retrievalAttributes,
  toolCallAttributes,
  toolResultAttributes,
  type AttributeValue,
  type Attributes,
} from './attributes.js';
export { keepTraceDays } from './span-store.js';
export { tracesHandlers } from './handlers.js';
