/**
 * Spans in SQLite (migration 9), written by a span processor and read back as the trace view draws them. A span
 * is written when it starts and completed when it ends, so a run killed midway still shows what it had begun:
 * its open spans read as interrupted, drawn up to the last thing the trace recorded.
 */
import { SpanKind, SpanStatusCode, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { HearthError, type SpanInfo, type TraceInfo, type TraceSummary, type TraceTotals } from '../../../schemas/index.js';
import type { Db } from '../storage/index.js';
import { attr, type AttributeValue } from './attributes.js';

interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: string;
  start_us: number;
  end_us: number | null;
  status: 'unset' | 'ok' | 'error';
  status_message: string | null;
  attributes: string;
  events: string;
  space_id: string | null;
}

interface StoredEvent {
  name: string;
  timeUs: number;
  attributes: Record<string, AttributeValue>;
}

/** A span's kind and status as Hearth names them (stored, shown, and handed to span-end listeners). */
export const kindNames: Record<SpanKind, SpanInfo['kind']> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};

export const statusNames: Record<SpanStatusCode, SpanRow['status']> = {
  [SpanStatusCode.UNSET]: 'unset',
  [SpanStatusCode.OK]: 'ok',
  [SpanStatusCode.ERROR]: 'error',
};

export const microseconds = (time: HrTime): number => time[0] * 1_000_000 + Math.round(time[1] / 1000);

export class SpanStore {
  /** Spans this process started and has not ended: open rows not in here were left by a process that stopped. */
  private readonly live = new Set<string>();
  /**
   * Set when the provider shuts down, before the database closes: a span that ends later (work outliving the
   * shutdown) is not written and stays open, read as interrupted, as after a kill.
   */
  private closed = false;
  /** The space of each trace lately started or asked about, most recent last. */
  private readonly spaces = new Map<string, string>();

  /** Prepared once: a span's start and end are each one write, on the path of every step. */
  private readonly statements;

  constructor(private readonly db: Db) {
    this.statements = {
      insert: db.prepare(
        `INSERT OR REPLACE INTO spans (trace_id, span_id, parent_span_id, name, kind, start_us, end_us, status, status_message, attributes, events, space_id)
         VALUES (?, ?, ?, ?, ?, ?, NULL, 'unset', NULL, ?, '[]', ?)`,
      ),
      update: db.prepare(
        `UPDATE spans SET name = ?, end_us = ?, status = ?, status_message = ?, attributes = ?, events = ?, space_id = COALESCE(?, space_id)
         WHERE trace_id = ? AND span_id = ?`,
      ),
      spaceOf: db.prepare('SELECT space_id FROM spans WHERE trace_id = ? AND space_id IS NOT NULL LIMIT 1'),
      rows: db.prepare('SELECT * FROM spans WHERE trace_id = ? ORDER BY start_us, span_id'),
    };
  }

  /** The processor that keeps every span of a tracer provider here. */
  processor(): SpanProcessor {
    return {
      onStart: (span: Span) => this.started(span),
      onEnd: (span: ReadableSpan) => this.ended(span),
      // Every write is synchronous, so there is never anything to flush.
      forceFlush: async () => {},
      shutdown: async () => {
        this.closed = true;
      },
    };
  }

  /**
   * The space of a trace: any of its spans' that names one (a child takes its trace's, so they agree). Asked on
   * every span's start, so the traces of this process are remembered, the others looked up by the key's prefix.
   */
  spaceOf(traceId: string): string | undefined {
    const known = this.spaces.get(traceId);
    if (known !== undefined) return known;
    const row = this.statements.spaceOf.get(traceId) as { space_id: string } | undefined;
    if (row) this.remember(traceId, row.space_id);
    return row?.space_id;
  }

  private remember(traceId: string, spaceId: string): void {
    this.spaces.delete(traceId);
    this.spaces.set(traceId, spaceId);
    // The oldest first out: a Map iterates in insertion order.
    if (this.spaces.size > rememberedTraces) this.spaces.delete(this.spaces.keys().next().value!);
  }

  /** Drops traces whose latest span started before `before`; returns how many spans went. */
  prune(before: Date): number {
    const beforeUs = before.getTime() * 1000;
    return this.db
      .prepare('DELETE FROM spans WHERE trace_id IN (SELECT trace_id FROM spans GROUP BY trace_id HAVING MAX(start_us) < ?)')
      .run(beforeUs).changes;
  }

  list(spaceId: string, limit: number): TraceSummary[] {
    const traces = this.db
      .prepare(
        `SELECT trace_id, MIN(start_us) AS start_us FROM spans WHERE space_id = ?
         GROUP BY trace_id ORDER BY MIN(start_us) DESC LIMIT ?`,
      )
      .all(spaceId, limit) as { trace_id: string; start_us: number }[];
    return traces.map(({ trace_id }) => {
      const rows = this.rows(trace_id);
      const spans = this.spansOf(rows);
      return {
        traceId: trace_id,
        spaceId,
        rootName: spans[0]?.name ?? '',
        startedAt: new Date(rows[0]!.start_us / 1000).toISOString(),
        open: spans.some((span) => span.state !== 'ended'),
        ...totalsOf(spans),
      };
    });
  }

  get(traceId: string): TraceInfo {
    const rows = this.rows(traceId);
    const spaceId = this.spaceOf(traceId);
    if (rows.length === 0 || spaceId === undefined) throw new HearthError('NOT_FOUND', `There is no trace ${traceId} (traces are kept for ${keepTraceDays} days).`, { traceId });
    const spans = this.spansOf(rows);
    return { traceId, spaceId, startedAt: new Date(rows[0]!.start_us / 1000).toISOString(), spans, totals: totalsOf(spans) };
  }

  private started(span: Span): void {
    if (this.closed) return;
    const context = span.spanContext();
    this.live.add(context.spanId);
    const spaceId = spaceIdOf(span.attributes);
    if (spaceId !== null) this.remember(context.traceId, spaceId);
    this.statements.insert
      .run(
        context.traceId,
        context.spanId,
        span.parentSpanContext?.spanId ?? null,
        span.name,
        kindNames[span.kind],
        microseconds(span.startTime),
        JSON.stringify(span.attributes),
        spaceId,
      );
  }

  private ended(span: ReadableSpan): void {
    if (this.closed) return;
    const context = span.spanContext();
    this.live.delete(context.spanId);
    const events: StoredEvent[] = span.events.map((event) => ({
      name: event.name,
      timeUs: microseconds(event.time),
      attributes: (event.attributes ?? {}) as Record<string, AttributeValue>,
    }));
    this.statements.update
      .run(
        span.name,
        microseconds(span.endTime),
        statusNames[span.status.code],
        span.status.message ?? null,
        JSON.stringify(span.attributes),
        JSON.stringify(events),
        spaceIdOf(span.attributes),
        context.traceId,
        context.spanId,
      );
  }

  private rows(traceId: string): SpanRow[] {
    return this.statements.rows.all(traceId) as SpanRow[];
  }

  /** The rows as the view draws them: parents before children, siblings by start; open spans drawn to now or to the last end. */
  private spansOf(rows: SpanRow[]): SpanInfo[] {
    if (rows.length === 0) return [];
    const traceStart = rows[0]!.start_us;
    const nowUs = Date.now() * 1000;
    const lastUs = Math.max(...rows.map((row) => row.end_us ?? row.start_us));
    const ids = new Set(rows.map((row) => row.span_id));
    const children = new Map<string | undefined, SpanRow[]>();
    for (const row of rows) {
      // A parent that was never stored (a remote caller's, or lost to a crash before it was written) makes a root.
      const parent = row.parent_span_id !== null && ids.has(row.parent_span_id) ? row.parent_span_id : undefined;
      children.set(parent, [...(children.get(parent) ?? []), row]);
    }
    const ordered: SpanInfo[] = [];
    const visit = (row: SpanRow, parentKnown: boolean) => {
      const state: SpanInfo['state'] = row.end_us !== null ? 'ended' : this.live.has(row.span_id) ? 'running' : 'interrupted';
      const endUs = row.end_us ?? (state === 'running' ? nowUs : lastUs);
      const events = JSON.parse(row.events) as StoredEvent[];
      ordered.push({
        spanId: row.span_id,
        ...(parentKnown ? { parentSpanId: row.parent_span_id! } : {}),
        name: row.name,
        kind: row.kind as SpanInfo['kind'],
        startOffsetMs: (row.start_us - traceStart) / 1000,
        durationMs: Math.max(0, endUs - row.start_us) / 1000,
        state,
        status: row.status,
        ...(row.status_message ? { statusMessage: row.status_message } : {}),
        attributes: JSON.parse(row.attributes) as Record<string, AttributeValue>,
        events: events.map((event) => ({ name: event.name, offsetMs: (event.timeUs - traceStart) / 1000, attributes: event.attributes })),
      });
      for (const child of children.get(row.span_id) ?? []) visit(child, true);
    };
    for (const root of children.get(undefined) ?? []) visit(root, false);
    return ordered;
  }
}

/** How many traces' spaces are remembered: far more than run at once. */
const rememberedTraces = 1000;

/** How long a trace is kept after its latest span started, like finished jobs. */
export const keepTraceDays = 30;

function spaceIdOf(attributes: Record<string, unknown>): string | null {
  const value = attributes[attr.spaceId];
  return typeof value === 'string' ? value : null;
}

function totalsOf(spans: SpanInfo[]): TraceTotals {
  const totals: TraceTotals = { durationMs: 0, spanCount: spans.length, llmCalls: 0, toolCalls: 0, inputTokens: 0, outputTokens: 0 };
  for (const span of spans) {
    totals.durationMs = Math.max(totals.durationMs, span.startOffsetMs + span.durationMs);
    const operation = span.attributes[attr.operationName];
    if (operation === 'chat') totals.llmCalls += 1;
    if (operation === 'execute_tool') totals.toolCalls += 1;
    totals.inputTokens += numberOf(span.attributes[attr.inputTokens]);
    totals.outputTokens += numberOf(span.attributes[attr.outputTokens]);
  }
  return totals;
}

const numberOf = (value: AttributeValue | undefined): number => (typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : 0);
