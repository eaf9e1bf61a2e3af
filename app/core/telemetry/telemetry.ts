/**
 * Tracing: every answer, agent run, step, tool call, retrieval and model call can be an OpenTelemetry span. Spans
 * are kept in SQLite for the app's trace view and, when an OTLP endpoint is configured, sent there too. Each
 * Telemetry has its own tracer provider (never the global one), and parents are passed explicitly as plain
 * `{traceId, spanId}` — so a run resumed after a restart continues the trace it began, from ids it stored.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Span, type Tracer } from '@opentelemetry/api';
import { ExportResultCode, hrTimeToMilliseconds, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { HearthError, type TraceInfo, type TraceSummary } from '../../../schemas/index.js';
import type { ChatModel } from '../models/index.js';
import type { Db } from '../storage/index.js';
import { attr, definedAttributes, type Attributes } from './attributes.js';
import type { EndedSpan, HearthSpan, SpanOptions, SpanParent } from './span.js';
import { SpanStore, keepTraceDays, kindNames, statusNames } from './span-store.js';
import { tracedChatModel } from './traced-chat-model.js';

export type { EndedSpan, HearthSpan, SpanOptions, SpanParent } from './span.js';

export interface TelemetryOptions {
  /** An OTLP/HTTP endpoint (`http://localhost:4318`, or the full `…/v1/traces`); default `HEARTH_OTLP_ENDPOINT`, else none. */
  otlpEndpoint?: string | undefined;
  serviceVersion?: string | undefined;
}

export class Telemetry implements AsyncDisposable {
  private readonly store: SpanStore;
  private readonly provider: BasicTracerProvider;
  private readonly tracer: Tracer;
  /** Where spans are sent besides SQLite, if anywhere. */
  readonly otlpEndpoint: string | undefined;
  private readonly exporter: ReportingExporter | undefined;
  private readonly endListeners = new Set<(span: EndedSpan) => void>();
  private disposed?: Promise<void>;

  constructor(db: Db, options: TelemetryOptions = {}) {
    this.store = new SpanStore(db);
    this.store.prune(new Date(Date.now() - keepTraceDays * 24 * 3600 * 1000));
    this.otlpEndpoint = otlpTracesUrl(options.otlpEndpoint ?? process.env.HEARTH_OTLP_ENDPOINT);
    const spanProcessors: SpanProcessor[] = [this.store.processor(), this.endNotifier()];
    if (this.otlpEndpoint) {
      this.exporter = new ReportingExporter(new OTLPTraceExporter({ url: this.otlpEndpoint, timeoutMillis: 5000 }), this.otlpEndpoint);
      spanProcessors.push(new BatchSpanProcessor(this.exporter));
    }
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'hearth', ...(options.serviceVersion ? { 'service.version': options.serviceVersion } : {}) }),
      // Tool arguments and schemas are cut to 4000 characters by the helpers already; this bounds anything else.
      spanLimits: { attributeValueLengthLimit: 16_000 },
      spanProcessors,
    });
    this.tracer = this.provider.getTracer('hearth');
  }

  /** Starts a span (after disposal it records nothing, so work stopping late never fails for want of a trace). */
  startSpan(name: string, options: SpanOptions = {}): HearthSpan {
    const context = options.parent
      ? trace.setSpanContext(ROOT_CONTEXT, { traceId: options.parent.traceId, spanId: options.parent.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true })
      : ROOT_CONTEXT;
    const spaceId = options.spaceId ?? (options.parent ? this.store.spaceOf(options.parent.traceId) : undefined);
    const span = this.tracer.startSpan(
      name,
      {
        kind: options.kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL,
        startTime: now(),
        attributes: definedAttributes({ ...options.attributes, [attr.spaceId]: spaceId }),
      },
      context,
    );
    return new RecordedSpan(span);
  }

  /** Runs `work` in a span that ends with it; a throw marks the span failed and goes on to the caller. */
  async inSpan<T>(name: string, options: SpanOptions, work: (span: HearthSpan) => Promise<T>): Promise<T> {
    const span = this.startSpan(name, options);
    try {
      return await work(span);
    } catch (error) {
      span.fail(error);
      throw error;
    } finally {
      span.end();
    }
  }

  /**
   * A ChatModel whose every `chat()` is a `chat {model}` client span under `parent` (a trace of its own when
   * undefined), with the GenAI conventions' attributes. It owns nothing: disposing it leaves the model open.
   */
  traceChatModel(model: ChatModel, parent: SpanParent | undefined): ChatModel {
    return tracedChatModel(model, (name, attributes) => this.startSpan(name, { parent, kind: 'client', attributes }));
  }

  /**
   * Tells `listener` of every span as it ends (the metrics' model-call and retrieval timings); returns a function
   * that stops it. A listener that throws is reported and does not fail the work the span measured.
   */
  onSpanEnd(listener: (span: EndedSpan) => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  private endNotifier(): SpanProcessor {
    return {
      onStart: () => {},
      onEnd: (span: ReadableSpan) => {
        if (this.endListeners.size === 0) return;
        const ended = endedSpan(span);
        for (const listener of this.endListeners) {
          try {
            listener(ended);
          } catch (failure) {
            console.error('[hearth] a span listener failed', failure);
          }
        }
      },
      // Listeners are called synchronously: nothing is ever held back.
      forceFlush: async () => {},
      shutdown: async () => this.endListeners.clear(),
    };
  }

  /** A space's latest traces, newest first. */
  list(spaceId: string, limit: number): TraceSummary[] {
    return this.store.list(spaceId, limit);
  }

  /** A trace's spans and totals; NOT_FOUND when it is not kept (never made, or pruned). */
  get(traceId: string): TraceInfo {
    return this.store.get(traceId);
  }

  spaceOf(traceId: string): string | undefined {
    return this.store.spaceOf(traceId);
  }

  /** Sends what is still batched for the OTLP endpoint and stops; spans still open stay open in SQLite (interrupted). */
  dispose(): Promise<void> {
    if (this.disposed) return this.disposed;
    const shutdown = this.provider.shutdown().catch((error: unknown) => {
      // The last batch failing to reach the collector must not fail closing Hearth: the spans are in SQLite, and
      // the exporter has said it could not send them — unless it was something else, which is said here.
      if (!this.exporter?.failing) console.warn(`Telemetry did not shut down cleanly: ${(error as Error).message}`);
    });
    // A collector that does not answer (the exporter retries) holds closing up for at most this long.
    let timer: NodeJS.Timeout | undefined;
    const patience = new Promise<void>((resolve) => (timer = setTimeout(resolve, closingPatienceMs).unref()));
    return (this.disposed = Promise.race([shutdown, patience]).finally(() => clearTimeout(timer)));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

class RecordedSpan implements HearthSpan {
  readonly traceId: string;
  readonly spanId: string;
  private ended = false;

  constructor(private readonly span: Span) {
    ({ traceId: this.traceId, spanId: this.spanId } = span.spanContext());
  }

  set(attributes: Attributes): void {
    this.span.setAttributes(definedAttributes(attributes));
  }

  event(name: string, attributes?: Attributes): void {
    this.span.addEvent(name, definedAttributes(attributes), now());
  }

  fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.span.recordException(error instanceof Error ? error : message, now());
    if (error instanceof HearthError) this.span.setAttribute('error.type', error.code);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message });
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.span.end(now());
  }
}

function endedSpan(span: ReadableSpan): EndedSpan {
  return {
    name: span.name,
    kind: kindNames[span.kind],
    attributes: span.attributes as EndedSpan['attributes'],
    startMs: hrTimeToMilliseconds(span.startTime),
    endMs: hrTimeToMilliseconds(span.endTime),
    status: statusNames[span.status.code],
  };
}

/**
 * Now, to the microsecond, in epoch milliseconds. The SDK's own clock starts spans at `Date.now()` (whole
 * milliseconds), which stacks a step's quick children on one instant in the waterfall; every time is given
 * explicitly instead, from the one high-resolution clock, so starts, events and ends agree.
 */
const now = () => performance.timeOrigin + performance.now();

/**
 * The OTLP exporter, saying when the endpoint cannot be reached: the SDK hands export failures to a global
 * error handler that drops them by default, and a user who configured an endpoint needs to know it gets nothing.
 * Said once until an export succeeds again, so a collector that is down does not fill the log.
 */
class ReportingExporter implements SpanExporter {
  /** The latest export failed (and was said). */
  failing = false;

  constructor(
    private readonly exporter: SpanExporter,
    private readonly endpoint: string,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.exporter.export(spans, (result) => {
      if (result.code === ExportResultCode.FAILED && !this.failing) {
        console.warn(`Hearth could not send ${spans.length} span(s) to ${this.endpoint}: ${result.error?.message ?? 'unknown error'}. They are kept in the data folder.`);
      }
      this.failing = result.code === ExportResultCode.FAILED;
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.exporter.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.exporter.forceFlush?.() ?? Promise.resolve();
  }
}

/** How long closing waits for the OTLP endpoint to take the last spans. */
const closingPatienceMs = 2000;

/** The traces URL of an endpoint as OTLP's own variable takes it (a base URL gets `/v1/traces`); undefined for none. */
function otlpTracesUrl(endpoint: string | undefined): string | undefined {
  if (endpoint === undefined || endpoint.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(endpoint.trim());
  } catch {
    // The URL parser's own message says only "Invalid URL"; ours says what is expected.
    url = new URL('invalid:');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HearthError('BAD_REQUEST', `The OTLP endpoint must be an http(s) URL such as http://localhost:4318, not "${endpoint}" (HEARTH_OTLP_ENDPOINT).`);
  }
  if (!url.pathname.endsWith('/v1/traces')) url.pathname = `${url.pathname.replace(/\/$/, '')}/v1/traces`;
  return url.toString();
}
