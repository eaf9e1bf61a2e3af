import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { askQuestion } from '../../../app/core/chat/index.js';
import { createHearth, type Hearth } from '../../../app/core/index.js';
import { travelPolicy } from '../../fixtures/documents.js';
import { drain, ingestFile, search } from '../../fixtures/hearth-runner.js';
import { ScriptedChatModel } from '../../fixtures/scripted-models.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';

let temp: { dir: string; cleanup(): Promise<void> };
let hearth: Hearth;
let spaceId: string;

beforeEach(async () => {
  temp = await makeTempDir();
  hearth = await createHearth({ dataDir: path.join(temp.dir, 'data'), modelLibrary: path.join(temp.dir, 'models') });
  spaceId = hearth.spaces.create('Work').id;
  const file = path.join(temp.dir, 'policy.md');
  await writeFile(file, travelPolicy);
  await ingestFile(hearth, spaceId, { kind: 'path', path: file });
});
afterEach(async () => {
  await hearth.dispose();
  await temp.cleanup();
});

const deps = (chatModel?: () => Promise<ScriptedChatModel | undefined>) => ({
  conversations: hearth.conversations,
  retrieve: async (query: string, limit: number) => ({ hits: await search(hearth, spaceId, query, limit) }),
  ...(chatModel ? { chatModel } : {}),
});

describe('answering with a language model', () => {
  it('gives the model the numbered passages and history, streams its answer, and stores it with those citations', async () => {
    const model = new ScriptedChatModel(() => 'Within 30 days of travel [1].');
    const first = await drain(askQuestion(deps(async () => model), { spaceId, question: 'How long do I have to claim a train refund?' }));
    expect(first.result.content).toBe('Within 30 days of travel [1].');
    expect(first.result.citations[0]!.headingPath).toEqual(['Travel policy', 'Refunds']);
    expect(first.events.filter((event) => event.type === 'citation').map((event) => event.type === 'citation' && event.index)).toEqual(
      first.result.citations.map((_, i) => i + 1),
    );
    const prompt = model.requests[0]!.messages;
    expect(prompt[0]!.role).toBe('system');
    expect(prompt.at(-1)!.content).toMatch(/^Passages:\n\n\[1\] policy\.md › Travel policy › Refunds\n## Refunds/);
    expect(prompt.at(-1)!.content).toContain('Question: How long do I have to claim a train refund?');

    await drain(askQuestion(deps(async () => model), { spaceId, question: 'And hotels?', conversationId: first.result.conversationId }));
    const followUp = model.requests[1]!.messages.map((message) => message.role);
    expect(followUp).toEqual(['system', 'user', 'assistant', 'user']);
  });

  it('falls back to quoting passages, and says why, when the model cannot start', async () => {
    const answer = await drain(
      askQuestion(deps(async () => Promise.reject(new Error('model file is truncated'))), { spaceId, question: 'hotel cap Europe' }),
    );
    expect(answer.result.content).toMatch(/^The language model could not start \(model file is truncated\)/);
    expect(answer.result.citations[0]!.headingPath).toEqual(['Travel policy', 'Hotels']);
  });

  it('stores no answer when the model is cancelled mid-stream', async () => {
    const model = new ScriptedChatModel(() => 'word '.repeat(200), { pieceDelayMs: 1 });
    const controller = new AbortController();
    const run = askQuestion(deps(async () => model), { spaceId, question: 'hotel cap' }, controller.signal);
    let deltas = 0;
    await expect(
      (async () => {
        for (;;) {
          const step = await run.next();
          if (step.done) return;
          if (step.value.type === 'delta' && ++deltas === 3) controller.abort();
        }
      })(),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(model.cancelled).toBe(1);
    const [conversation] = hearth.conversations.list(spaceId);
    expect(hearth.conversations.messages(conversation!.id).map((message) => message.role)).toEqual(['user']);
  });
});
