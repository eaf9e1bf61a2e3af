/**
 * Traces: how an answer or an agent run was made, as OpenTelemetry spans kept in the data folder — each step,
 * retrieval, tool call and model call with its timing, tokens and attributes. A trace belongs to the space it
 * was made in; reading one needs a viewer's role there.
 */
import { z } from 'zod';
import { Id } from '../domain.js';
import { call, inSpace } from './spec.js';

/**
 * The attribute names Hearth's spans carry: the OpenTelemetry GenAI semantic conventions' names where they have
 * one (so Jaeger, Tempo and Langfuse read model calls as model calls), `hearth.*` for the rest. They are written
 * out rather than imported from `@opentelemetry/semantic-conventions/incubating`: its GenAI constants are marked
 * deprecated there (moved to the GenAI conventions' own repository), the names are not — and the contract
 * depends on zod alone.
 */
export const spanAttributes = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestTemperature: 'gen_ai.request.temperature',
  requestSeed: 'gen_ai.request.seed',
  outputType: 'gen_ai.output.type',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cachedInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  finishReasons: 'gen_ai.response.finish_reasons',
  /** Seconds, as the conventions define it; `timeToFirstTokenMs` holds the same in milliseconds for the trace view. */
  timeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  timeToFirstTokenMs: 'hearth.llm.time_to_first_token_ms',
  latencyMs: 'hearth.llm.latency_ms',
  /** Where the model computes (`cpu`, `cuda`, `remote`…). */
  llmDevice: 'hearth.llm.device',
  /** How many messages the request carried. */
  llmMessages: 'hearth.llm.messages',
  /** The names of the tools a model call offered. */
  toolsOffered: 'hearth.llm.tools',
  /** The names of the tools the model called in its reply. */
  toolsCalled: 'hearth.llm.tool_calls',
  /** The JSON Schema the reply was constrained by (SGR), cut to a readable length. */
  sgrSchema: 'hearth.sgr.schema',
  sgrSchemaName: 'hearth.sgr.schema_name',
  conversationId: 'gen_ai.conversation.id',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  /** A tool call's input, as JSON. */
  toolArguments: 'hearth.tool.arguments',
  toolResult: 'hearth.tool.result',
  toolReplayed: 'hearth.tool.replayed',
  retrievalQuery: 'hearth.retrieval.query',
  /** `document › heading` of each passage found, best first. */
  retrievalSources: 'hearth.retrieval.sources',
  retrievalHits: 'hearth.retrieval.hits',
  retrievalLimit: 'hearth.retrieval.limit',
  retrievalNotices: 'hearth.retrieval.notices',
  /** The answer quotes passages (no model, or none could start). */
  chatExtractive: 'hearth.chat.extractive',
  agentName: 'hearth.agent.name',
  agentStep: 'hearth.agent.step',
  spaceId: 'hearth.space.id',
} as const;

/** An OpenTelemetry trace id: 32 lowercase hex digits. */
export const TraceId = z.string().regex(/^[0-9a-f]{32}$/, 'a trace id is 32 lowercase hex digits');

/** A span attribute's value, as OpenTelemetry allows it (no nested objects; JSON goes in a string). */
export const AttributeValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.array(z.number()), z.array(z.boolean())]);
export type AttributeValue = z.infer<typeof AttributeValue>;

/** The tokens, time and calls of a trace, summed over its spans. */
export const TraceTotals = z.object({
  /** From the first span's start to the last one's end. */
  durationMs: z.number().nonnegative(),
  spanCount: z.number().int().nonnegative(),
  llmCalls: z.number().int().nonnegative(),
  toolCalls: z.number().int().nonnegative(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
});
export type TraceTotals = z.infer<typeof TraceTotals>;

export const TraceSummary = TraceTotals.extend({
  traceId: TraceId,
  spaceId: Id,
  /** The root span's name (`chat.ask`, `agent.run`…); the earliest span's when the root was never finished. */
  rootName: z.string(),
  startedAt: z.string(),
  /** Some span is still open: in this process (running) or left open by one that stopped (interrupted). */
  open: z.boolean(),
});
export type TraceSummary = z.infer<typeof TraceSummary>;

export const SpanKindName = z.enum(['internal', 'client', 'server', 'producer', 'consumer']);

/**
 * How a span stands: ended; still running in this process; or interrupted — left open by a process that
 * stopped (a crash, a kill), drawn up to the trace's last end.
 */
export const SpanState = z.enum(['ended', 'running', 'interrupted']);

export const SpanEventInfo = z.object({
  name: z.string(),
  offsetMs: z.number(),
  attributes: z.record(z.string(), AttributeValue),
});

export const SpanInfo = z.object({
  spanId: z.string(),
  /** Absent for the root, and for a span whose parent was never stored (it is drawn as a root). */
  parentSpanId: z.string().optional(),
  name: z.string(),
  kind: SpanKindName,
  /** From the trace's start. */
  startOffsetMs: z.number().nonnegative(),
  durationMs: z.number().nonnegative(),
  state: SpanState,
  status: z.enum(['unset', 'ok', 'error']),
  statusMessage: z.string().optional(),
  attributes: z.record(z.string(), AttributeValue),
  events: z.array(SpanEventInfo),
});
export type SpanInfo = z.infer<typeof SpanInfo>;

export const TraceInfo = z.object({
  traceId: TraceId,
  spaceId: Id,
  startedAt: z.string(),
  /** Parents before children, siblings by start. */
  spans: z.array(SpanInfo),
  totals: TraceTotals,
});
export type TraceInfo = z.infer<typeof TraceInfo>;

export const tracesMethods = {
  /** A space's latest traces, newest first. */
  'traces.list': call(
    z.object({ spaceId: Id, limit: z.number().int().min(1).max(500).default(50) }),
    z.array(TraceSummary),
    inSpace('viewer'),
  ),
  'traces.get': call(z.object({ traceId: TraceId }), TraceInfo, inSpace('viewer', { trace: 'traceId' })),
};
