/** How spans read in the waterfall: their kind of work, depth under their parents, one-line summaries and times. */
import { describe, expect, it } from 'vitest';
import { attributeText, categoryOf, depthsOf, formatMs, summaryOf } from '../../../../app/renderer/src/components/traces/span-display.js';
import { spanAttributes as attr, type SpanInfo } from '../../../../schemas/index.js';

const span = (spanId: string, parentSpanId: string | undefined, attributes: SpanInfo['attributes'] = {}): SpanInfo => ({
  spanId,
  ...(parentSpanId ? { parentSpanId } : {}),
  name: spanId,
  kind: 'internal',
  startOffsetMs: 0,
  durationMs: 1,
  state: 'ended',
  status: 'unset',
  attributes,
  events: [],
});

describe('a span in the waterfall', () => {
  it('is nested under its parent', () => {
    const depths = depthsOf([span('run', undefined), span('step', 'run'), span('chat', 'step'), span('other', 'run')]);
    expect([...depths]).toEqual([
      ['run', 0],
      ['step', 1],
      ['chat', 2],
      ['other', 1],
    ]);
  });

  it('reads a model call as its model, tokens in and out, and time to first token', () => {
    const chat = span('chat', undefined, {
      [attr.operationName]: 'chat',
      [attr.requestModel]: 'qwen3-4b',
      [attr.inputTokens]: 1200,
      [attr.outputTokens]: 85,
      [attr.timeToFirstTokenMs]: 340,
      [attr.finishReasons]: ['tool_calls'],
    });
    expect(categoryOf(chat)).toBe('llm');
    expect(summaryOf(chat)).toBe('qwen3-4b · 1,200 → 85 tokens · first token 340 ms · tool_calls');
  });

  it('reads a tool call as its name and arguments, and a retrieval as its query and hits', () => {
    const tool = span('tool', undefined, { [attr.operationName]: 'execute_tool', [attr.toolName]: 'date_calc', [attr.toolArguments]: '{"add":{"days":30}}' });
    expect(summaryOf(tool)).toBe('date_calc({"add":{"days":30}})');
    const retrieval = span('retrieval', undefined, { [attr.operationName]: 'retrieval', [attr.retrievalQuery]: 'delivery terms', [attr.retrievalHits]: 4 });
    expect([categoryOf(retrieval), summaryOf(retrieval)]).toEqual(['retrieval', '“delivery terms” · 4 passages']);
    // Written without the operation name: known by its query, its passages counted from its sources.
    const bare = span('retrieval', undefined, { [attr.retrievalQuery]: 'delivery terms', [attr.retrievalSources]: ['a.md › Terms'] });
    expect([categoryOf(bare), summaryOf(bare)]).toEqual(['retrieval', '“delivery terms” · 1 passage']);
  });

  it('says times as people read them, and lays JSON and lists out', () => {
    expect([formatMs(0.25), formatMs(340.4), formatMs(1234), formatMs(75_000)]).toEqual(['0.25 ms', '340 ms', '1.23 s', '1 min 15 s']);
    expect(attributeText('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(attributeText(['policy.md › Refunds', 'policy.md › Hotels'])).toBe('policy.md › Refunds\npolicy.md › Hotels');
    expect(attributeText('{"cut": "ab…')).toBe('{"cut": "ab…');
  });
});
