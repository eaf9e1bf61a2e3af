/**
 * How a span reads in the waterfall: what kind of work it was (a model call, a tool call, a retrieval, a step),
 * its one-line summary from its attributes, its depth under its parent, and times as people read them.
 */
import { spanAttributes as attr, type AttributeValue, type SpanInfo } from '../../../../../schemas/index.js';

export type SpanCategory = 'llm' | 'tool' | 'retrieval' | 'step';

/** By the GenAI operation name; a span written without one is still known by the attributes only its kind carries. */
export function categoryOf(span: SpanInfo): SpanCategory {
  const a = span.attributes;
  switch (a[attr.operationName]) {
    case 'chat':
      return 'llm';
    case 'execute_tool':
      return 'tool';
    case 'retrieval':
      return 'retrieval';
  }
  if (a[attr.toolName] !== undefined) return 'tool';
  if (a[attr.retrievalQuery] !== undefined) return 'retrieval';
  return 'step';
}

/** Each span's depth under its parents; the spans come parents first. */
export function depthsOf(spans: readonly SpanInfo[]): Map<string, number> {
  const depths = new Map<string, number>();
  for (const span of spans) depths.set(span.spanId, span.parentSpanId ? (depths.get(span.parentSpanId) ?? -1) + 1 : 0);
  return depths;
}

/** The line beside the span's name: a model call's model, tokens and first-token time; a tool's arguments; a retrieval's query. */
export function summaryOf(span: SpanInfo): string {
  const a = span.attributes;
  switch (categoryOf(span)) {
    case 'llm': {
      const parts = [text(a[attr.requestModel])];
      if (a[attr.inputTokens] !== undefined) parts.push(`${count(a[attr.inputTokens])} → ${count(a[attr.outputTokens])} tokens`);
      const firstToken = a[attr.timeToFirstTokenMs];
      if (typeof firstToken === 'number') parts.push(`first token ${formatMs(firstToken)}`);
      const finish = a[attr.finishReasons];
      if (Array.isArray(finish) && finish[0] !== 'stop') parts.push(String(finish[0]));
      if (a[attr.sgrSchemaName] !== undefined) parts.push(`schema ${text(a[attr.sgrSchemaName])}`);
      return parts.filter(Boolean).join(' · ');
    }
    case 'tool':
      return `${text(a[attr.toolName])}(${clip(text(a[attr.toolArguments]), 120)})`;
    case 'retrieval':
    {
      const sources = a[attr.retrievalSources];
      const hits = a[attr.retrievalHits] ?? (Array.isArray(sources) ? sources.length : undefined);
      return [a[attr.retrievalQuery] !== undefined ? `“${clip(text(a[attr.retrievalQuery]), 80)}”` : '', hits !== undefined ? `${count(hits)} ${hits === 1 ? 'passage' : 'passages'}` : '']
        .filter(Boolean)
        .join(' · ');
    }
    default:
      return a[attr.agentName] !== undefined ? text(a[attr.agentName]) : '';
  }
}

export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}

/** An attribute as it reads in the details: lists one per line, JSON pretty-printed. */
export function attributeText(value: AttributeValue): string {
  if (Array.isArray(value)) return value.map(String).join('\n');
  if (typeof value === 'string' && /^[[{]/.test(value)) {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      // Cut JSON (a long argument ends in "…") reads best as it was stored.
      return value;
    }
  }
  return String(value);
}

const text = (value: AttributeValue | undefined) => (value === undefined ? '' : Array.isArray(value) ? value.join(', ') : String(value));
const count = (value: AttributeValue | undefined) => (typeof value === 'number' ? value.toLocaleString('en') : '?');
const clip = (value: string, length: number) => (value.length > length ? `${value.slice(0, length - 1)}…` : value);
