/**
 * An answer's trace through the contract: `chat.ask` keeps a root span with its retrieval (and the model call
 * when a model answers), the answer message names the trace, `traces.list` and `traces.get` read it back — and
 * only for a caller with a role in the trace's space.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askQuestion } from '../../../app/core/chat/index.js';
import { Caller, type Hearth } from '../../../app/core/index.js';
import { attr } from '../../../app/core/telemetry/index.js';
import { travelPolicy } from '../../fixtures/documents.js';
import { drain, failureOf, ingestFile, openTempHearth, rpcStream, search } from '../../fixtures/hearth-runner.js';
import { ScriptedChatModel } from '../../fixtures/scripted-models.js';

let opened: Awaited<ReturnType<typeof openTempHearth>>;
let hearth: Hearth;
let spaceId: string;

beforeAll(async () => {
  opened = await openTempHearth('Work');
  ({ hearth, spaceId } = opened);
  const file = path.join(opened.temp.dir, 'policy.md');
  await writeFile(file, travelPolicy);
  await ingestFile(hearth, spaceId, { kind: 'path', path: file });
});
afterAll(async () => {
  await hearth.dispose();
  await opened.temp.cleanup();
});

describe('the trace of an answer', () => {
  it('is named by the answer and holds the retrieval with its query and sources', async () => {
    const { result: answer } = await rpcStream(hearth, 'chat.ask', { spaceId, question: 'How long do I have to claim a train refund?' });
    expect(answer.traceId).toMatch(/^[0-9a-f]{32}$/);
    const [stored] = (await hearth.call('conversations.messages', { conversationId: answer.conversationId })).filter((m) => m.role === 'assistant');
    expect(stored!.traceId).toBe(answer.traceId);

    const trace = await hearth.call('traces.get', { traceId: answer.traceId! });
    expect(trace.spaceId).toBe(spaceId);
    expect(trace.spans.map((span) => span.name)).toEqual(['chat.ask', 'retrieval']);
    const [root, retrieval] = trace.spans;
    expect(root!.attributes).toMatchObject({ [attr.conversationId]: answer.conversationId, [attr.chatExtractive]: true });
    expect(retrieval!.parentSpanId).toBe(root!.spanId);
    expect(retrieval!.attributes).toMatchObject({ [attr.retrievalQuery]: 'How long do I have to claim a train refund?' });
    expect(retrieval!.attributes[attr.retrievalSources]).toContain('policy.md › Travel policy › Refunds');
    expect(retrieval!.attributes[attr.retrievalHits]).toBe(answer.citations.length);
    expect(trace.totals).toMatchObject({ spanCount: 2, llmCalls: 0 });

    const listed = await hearth.call('traces.list', { spaceId });
    expect(listed.find((summary) => summary.traceId === answer.traceId)).toMatchObject({ rootName: 'chat.ask', spanCount: 2, open: false });
  });

  it('holds the model call under the answer, with its tokens, when a model answers', async () => {
    const model = new ScriptedChatModel(() => 'Within 30 days of travel [1].');
    const deps = {
      conversations: hearth.conversations,
      retrieve: async (query: string, limit: number) => ({ hits: await search(hearth, spaceId, query, limit) }),
      chatModel: async () => model,
      telemetry: hearth.telemetry,
    };
    const { result: answer } = await drain(askQuestion(deps, { spaceId, question: 'Train refund deadline?' }));
    const trace = await hearth.call('traces.get', { traceId: answer.traceId! });
    expect(trace.spans.map((span) => span.name)).toEqual(['chat.ask', 'retrieval', 'chat scripted']);
    const chat = trace.spans[2]!;
    expect(chat.parentSpanId).toBe(trace.spans[0]!.spanId);
    expect(chat.attributes).toMatchObject({ [attr.operationName]: 'chat', [attr.requestModel]: 'scripted', [attr.inputTokens]: 3, [attr.finishReasons]: ['stop'] });
    expect(trace.totals).toMatchObject({ llmCalls: 1, inputTokens: 3, outputTokens: chat.attributes[attr.outputTokens] });
  });

  it('is refused to a caller without a role in its space, and NOT_FOUND when not kept', async () => {
    const { result: answer } = await rpcStream(hearth, 'chat.ask', { spaceId, question: 'Hotel cap in Europe?' });
    const stranger = new Caller({ id: 'stranger', kind: 'user', serverRole: 'member', spaces: {} });
    expect((await failureOf(hearth.call('traces.get', { traceId: answer.traceId! }, { caller: stranger }))).code).toBe('FORBIDDEN');
    expect((await failureOf(hearth.call('traces.list', { spaceId }, { caller: stranger }))).code).toBe('FORBIDDEN');
    const viewer = new Caller({ id: 'viewer', kind: 'user', serverRole: 'member', spaces: { [spaceId]: 'viewer' } });
    expect((await hearth.call('traces.get', { traceId: answer.traceId! }, { caller: viewer })).traceId).toBe(answer.traceId);
    expect((await failureOf(hearth.call('traces.get', { traceId: 'f'.repeat(32) }))).code).toBe('NOT_FOUND');
    expect((await failureOf(hearth.call('traces.get', { traceId: 'not-a-trace' }))).code).toBe('BAD_REQUEST');
  });
});
