/**
 * Spans kept in SQLite: a traced model call read back with its parent and the GenAI attributes, a failure, and a
 * trace continued after a restart from a parent stored as plain ids.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Telemetry, attr, toolCallAttributes, type SpanParent } from '../../../app/core/telemetry/index.js';
import { completeChat } from '../../../app/core/models/index.js';
import { HearthError } from '../../../schemas/index.js';
import { openDatabase, type Db } from '../../../app/core/storage/index.js';
import { ScriptedChatModel } from '../../fixtures/scripted-models.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';

let temp: { dir: string; cleanup(): Promise<void> };
let db: Db;
let telemetry: Telemetry;
let spaceId: string;

/** The spaces table is real, so a span's space is a space that exists. */
function openStore(): void {
  db = openDatabase(path.join(temp.dir, 'data'));
  telemetry = new Telemetry(db);
}

beforeEach(async () => {
  temp = await makeTempDir();
  openStore();
  spaceId = 'space-1';
});
afterEach(async () => {
  await telemetry.dispose();
  db.close();
  await temp.cleanup();
});

describe('a traced model call', () => {
  it('is a client span under its parent with the model, tokens, finish reason and time to first token', async () => {
    const model = new ScriptedChatModel(() => [
      { type: 'text', text: 'Checking the calendar.' },
      { type: 'tool-call', name: 'calendar', input: { action: 'list' }, id: 'call-1' },
    ]);
    const root = telemetry.startSpan('agent.run', { spaceId, attributes: { [attr.agentName]: 'planner' } });
    const reply = await completeChat(telemetry.traceChatModel(model, root), {
      messages: [{ role: 'user', content: 'What is on this week?' }],
      tools: [{ name: 'calendar', inputSchema: { type: 'object' } }],
      maxTokens: 64,
    });
    root.end();

    expect(reply.toolCalls.map((call) => call.name)).toEqual(['calendar']);
    const trace = telemetry.get(root.traceId);
    expect(trace.spaceId).toBe(spaceId);
    expect(trace.spans.map((span) => span.name)).toEqual(['agent.run', 'chat scripted']);
    const [run, chat] = trace.spans;
    expect(run!.parentSpanId).toBeUndefined();
    expect(chat!.parentSpanId).toBe(run!.spanId);
    expect(chat!.kind).toBe('client');
    expect(chat!.state).toBe('ended');
    expect(chat!.attributes).toMatchObject({
      [attr.operationName]: 'chat',
      [attr.requestModel]: 'scripted',
      [attr.requestMaxTokens]: 64,
      [attr.inputTokens]: reply.usage.promptTokens,
      [attr.outputTokens]: reply.usage.completionTokens,
      [attr.finishReasons]: ['tool_calls'],
      [attr.toolsOffered]: ['calendar'],
      [attr.toolsCalled]: ['calendar'],
      [attr.spaceId]: spaceId,
    });
    expect(chat!.attributes[attr.timeToFirstTokenMs]).toBeTypeOf('number');
    expect(chat!.attributes[attr.latencyMs]).toBeTypeOf('number');
    expect(chat!.events).toEqual([expect.objectContaining({ name: 'gen_ai.tool.call', attributes: expect.objectContaining({ [attr.toolName]: 'calendar', [attr.toolCallId]: 'call-1' }) })]);
    expect(trace.totals).toMatchObject({ llmCalls: 1, toolCalls: 0, spanCount: 2, inputTokens: reply.usage.promptTokens, outputTokens: reply.usage.completionTokens });
  });

  it('records the schema a structured reply was held to', async () => {
    const model = new ScriptedChatModel(() => '{"ok":true}');
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] };
    const traced = telemetry.traceChatModel(model, undefined);
    await completeChat(traced, { messages: [{ role: 'user', content: 'ok?' }], responseFormat: { schema, name: 'verdict' } });
    const [summary] = telemetry.list(spaceId, 10);
    // A model call with no parent and no space is a trace of its own, in no space's list.
    expect(summary).toBeUndefined();
    const row = db.prepare('SELECT trace_id FROM spans').get() as { trace_id: string };
    const [chat] = db.prepare('SELECT attributes FROM spans WHERE trace_id = ?').all(row.trace_id) as { attributes: string }[];
    expect(JSON.parse(chat!.attributes)).toMatchObject({ [attr.sgrSchemaName]: 'verdict', [attr.sgrSchema]: JSON.stringify(schema), [attr.outputType]: 'json' });
  });
});

describe('spans', () => {
  it('keep a failure as status error with its message and an exception event', async () => {
    const root = telemetry.startSpan('agent.run', { spaceId });
    const refusal = new HearthError('BAD_REQUEST', 'The tool "calendar" needs an action.');
    await expect(
      telemetry.inSpan('tool calendar', { parent: root, attributes: toolCallAttributes({ name: 'calendar', callId: 'c1', input: { when: 'soon' } }) }, async () => {
        throw refusal;
      }),
    ).rejects.toBe(refusal);
    root.end();
    root.end(); // a second end does nothing
    const tool = telemetry.get(root.traceId).spans.find((span) => span.name === 'tool calendar')!;
    expect(tool).toMatchObject({ status: 'error', statusMessage: refusal.message, parentSpanId: root.spanId });
    expect(tool.attributes).toMatchObject({ [attr.toolName]: 'calendar', [attr.toolArguments]: '{"when":"soon"}', 'error.type': 'BAD_REQUEST', [attr.spaceId]: spaceId });
    expect(tool.events.map((event) => event.name)).toEqual(['exception']);
    expect(telemetry.get(root.traceId).totals.toolCalls).toBe(1);
  });

  it('list a space’s traces newest first with their totals', async () => {
    const first = telemetry.startSpan('chat.ask', { spaceId });
    first.end();
    const second = telemetry.startSpan('agent.run', { spaceId });
    const open = telemetry.startSpan('step', { parent: second });
    const listed = telemetry.list(spaceId, 10);
    expect(listed.map((trace) => [trace.rootName, trace.open])).toEqual([
      ['agent.run', true],
      ['chat.ask', false],
    ]);
    expect(telemetry.get(second.traceId).spans.map((span) => span.state)).toEqual(['running', 'running']);
    open.end();
    second.end();
    expect(telemetry.list(spaceId, 1).map((trace) => trace.traceId)).toEqual([second.traceId]);
  });

  it('are refused NOT_FOUND for a trace that is not kept', () => {
    expect(() => telemetry.get('0'.repeat(32))).toThrow(HearthError);
  });
});

describe('a run resumed after a restart', () => {
  it('continues its trace under the parent it stored; what the stopped process left open reads as interrupted', async () => {
    const root = telemetry.startSpan('agent.run', { spaceId });
    const step = telemetry.startSpan('step plan', { parent: root });
    step.end();
    const waiting = telemetry.startSpan('step approve', { parent: root });
    // What a checkpoint keeps: plain ids, through JSON.
    const stored = JSON.parse(JSON.stringify({ traceId: root.traceId, spanId: root.spanId })) as SpanParent;
    expect(waiting.traceId).toBe(root.traceId);

    // The process stops without ending the run's spans (a kill, or waiting for approval).
    await telemetry.dispose();
    db.close();
    openStore();

    const resumed = telemetry.startSpan('step approve (resumed)', { parent: stored });
    resumed.set({ [attr.agentStep]: 2 });
    resumed.end();

    expect(resumed.traceId).toBe(root.traceId);
    const trace = telemetry.get(root.traceId);
    expect(trace.spans.map((span) => [span.name, span.state])).toEqual([
      ['agent.run', 'interrupted'],
      ['step plan', 'ended'],
      ['step approve', 'interrupted'],
      ['step approve (resumed)', 'ended'],
    ]);
    const after = trace.spans.find((span) => span.name === 'step approve (resumed)')!;
    expect(after.parentSpanId).toBe(root.spanId);
    // The child took its trace's space from the stored root.
    expect(after.attributes[attr.spaceId]).toBe(spaceId);
    expect(telemetry.spaceOf(root.traceId)).toBe(spaceId);
    // An interrupted span is drawn to the last thing the trace recorded.
    const run = trace.spans[0]!;
    expect(run.startOffsetMs + run.durationMs).toBeCloseTo(after.startOffsetMs + after.durationMs, 3);
  });
});
