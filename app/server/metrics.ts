/**
 * Prometheus metrics for a team server: RPC calls by method and outcome, open connections, jobs by state, model
 * generations waiting and running, and model-call and retrieval timings taken from telemetry spans as they end.
 * Each instance has its own registry (never prom-client's global one), so two servers in one process do not clash.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Hearth } from '../core/index.js';
import { attr, type EndedSpan } from '../core/telemetry/index.js';

export interface Metrics {
  readonly registry: Registry;
  /** Counts a connection (a WebSocket) as open; the returned function counts it closed (a second call does nothing). */
  connectionOpened(): () => void;
  /** The exposition format's content type, for the `/metrics` response. */
  readonly contentType: string;
  /** The metrics in Prometheus' text format, as of now. */
  text(): Promise<string>;
  /** Stops listening to the dispatcher and telemetry and empties the registry; a second call does nothing. */
  dispose(): void;
}

/** What the model runtime's fair queue says of its generations; read structurally, as not every runtime has one. */
interface GenerationQueue {
  snapshot(): { running: number; queued: number };
}

/** Local calls answer in a millisecond or two; an ingest or an answer started over RPC may take a minute. */
const rpcBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const firstTokenBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120];
const tokenRateBuckets = [1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500];
const retrievalBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(options: { hearth: Hearth }): Metrics {
  const { hearth } = options;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'hearth_rpc_requests_total',
    help: 'RPC calls ended, by method and outcome (`ok` or the error code).',
    labelNames: ['method', 'code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'hearth_rpc_duration_seconds',
    help: 'RPC calls from arrival to result (for a stream, to its end), by method.',
    labelNames: ['method'] as const,
    buckets: rpcBuckets,
    registers: [registry],
  });
  const connections = new Gauge({
    name: 'hearth_ws_connections',
    help: 'Connections (WebSockets) open now.',
    registers: [registry],
  });
  new Gauge({
    name: 'hearth_jobs',
    help: 'Jobs in the data folder, by state.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      for (const [state, count] of Object.entries(hearth.jobs.countByState())) this.set({ state }, count);
    },
  });
  // Read at every scrape: the runtime may gain its queue (a model loaded) after the metrics were made.
  const generations = () => (hearth.models as { generations?: GenerationQueue }).generations?.snapshot();
  new Gauge({
    name: 'hearth_generations_queued',
    help: 'Model generations waiting for their turn.',
    registers: [registry],
    collect() {
      this.set(generations()?.queued ?? 0);
    },
  });
  new Gauge({
    name: 'hearth_generations_running',
    help: 'Model generations running now.',
    registers: [registry],
    collect() {
      this.set(generations()?.running ?? 0);
    },
  });
  const firstToken = new Histogram({
    name: 'hearth_llm_time_to_first_token_seconds',
    help: 'Model calls from the request to the first token, by model.',
    labelNames: ['model'] as const,
    buckets: firstTokenBuckets,
    registers: [registry],
  });
  const tokenRate = new Histogram({
    name: 'hearth_llm_tokens_per_second',
    help: "Model calls' output tokens over the whole call's duration (first token's wait included), by model.",
    labelNames: ['model'] as const,
    buckets: tokenRateBuckets,
    registers: [registry],
  });
  const retrieval = new Histogram({
    name: 'hearth_retrieval_duration_seconds',
    help: 'Retrievals (the passages found for an answer, an agent step or a search tool call).',
    buckets: retrievalBuckets,
    registers: [registry],
  });

  const stopCalls = hearth.dispatcher.observe((record) => {
    // A method not in the contract is any string a client sent: one label for them all keeps the series bounded.
    const method = record.errorCode === 'UNKNOWN_METHOD' ? 'unknown' : record.method;
    requests.inc({ method, code: record.ok ? 'ok' : (record.errorCode ?? 'INTERNAL') });
    duration.observe({ method }, record.ms / 1000);
  });
  const stopSpans = hearth.telemetry.onSpanEnd((span) => {
    if (span.name === 'retrieval') retrieval.observe(seconds(span.endMs - span.startMs));
    else if (span.attributes[attr.operationName] === 'chat') observeModelCall(span);
  });

  function observeModelCall(span: EndedSpan): void {
    const model = String(span.attributes[attr.requestModel] ?? 'unknown');
    const ttftMs = span.attributes[attr.timeToFirstTokenMs];
    if (typeof ttftMs === 'number') firstToken.observe({ model }, seconds(ttftMs));
    const outputTokens = span.attributes[attr.outputTokens];
    const elapsed = seconds(span.endMs - span.startMs);
    if (typeof outputTokens === 'number' && outputTokens > 0 && elapsed > 0) tokenRate.observe({ model }, outputTokens / elapsed);
  }

  let disposed = false;
  return {
    registry,
    contentType: registry.contentType,
    connectionOpened() {
      connections.inc();
      let closed = false;
      return () => {
        if (closed) return;
        closed = true;
        connections.dec();
      };
    },
    text: () => registry.metrics(),
    dispose() {
      if (disposed) return;
      disposed = true;
      stopCalls();
      stopSpans();
      registry.clear();
    },
  };
}

const seconds = (ms: number) => Math.max(0, ms) / 1000;
