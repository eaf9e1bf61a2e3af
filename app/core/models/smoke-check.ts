/**
 * `hearth models check`: the smoke tests a model must pass before a user relies on it — it loads, it
 * completes 10 tokens, it embeds one text, it reranks 3 candidates — each timed, none touching the internet.
 */
import type { SmokeReport, SmokeStep } from '../../../schemas/index.js';
import type { ModelEntry } from './library.js';
import { openChatModel, openEmbedder, openReranker } from './providers.js';
import { completeChat, type ChatModel, type Embedder, type Reranker } from './types.js';

export async function smokeCheck(entry: ModelEntry, options: { signal?: AbortSignal } = {}): Promise<SmokeReport> {
  const steps: SmokeStep[] = [];
  const step = async <T>(name: SmokeStep['name'], run: () => Promise<T>, describe: (value: T) => string): Promise<T | undefined> => {
    const started = performance.now();
    try {
      const value = await run();
      steps.push({ name, ok: true, ms: Math.round(performance.now() - started), detail: describe(value) });
      return value;
    } catch (error) {
      steps.push({ name, ok: false, ms: Math.round(performance.now() - started), detail: (error as Error).message });
      return undefined;
    }
  };
  const signal = options.signal;
  const call = signal ? { signal } : {};
  if (entry.kind === 'llm') {
    const model = await step<ChatModel>('load', () => openChatModel(entry), (m) => `loaded ${m.id}`);
    if (model) {
      await step(
        'complete',
        () => completeChat(model, { messages: [{ role: 'user', content: 'Say hello.' }], maxTokens: 10, temperature: 0.7, seed: 1 }, call),
        (reply) =>
          `${reply.usage.completionTokens} tokens (${reply.finishReason}, first after ${Math.round(reply.usage.timeToFirstTokenMs)} ms): ${JSON.stringify(reply.text.slice(0, 60))}`,
      );
      await model.dispose();
    }
  } else if (entry.kind === 'embed') {
    const embedder = await step<Embedder>('load', () => openEmbedder(entry), (m) => `loaded ${m.id}`);
    if (embedder) {
      await step(
        'embed',
        async () => (await embedder.embed(['Hearth keeps your documents on your machine.'], call))[0]!,
        (vector) => `${vector.length} dimensions, norm ${Math.hypot(...vector).toFixed(3)}`,
      );
      await embedder.dispose();
    }
  } else {
    const reranker = await step<Reranker>('load', () => openReranker(entry), (m) => `loaded ${m.id}`);
    if (reranker) {
      await step(
        'rerank',
        async () => {
          const scores = await reranker.rerank('How long is the refund window?', ['Refunds are accepted within 30 days.', 'The office opens at nine.', 'Hotels are capped at 150 euros.'], call);
          if (scores.length !== 3 || scores.some((score) => !Number.isFinite(score))) throw new Error(`expected 3 finite scores, got ${JSON.stringify(scores)}`);
          return scores;
        },
        (scores) => `scores ${scores.map((score) => score.toFixed(3)).join(', ')}`,
      );
      await reranker.dispose();
    }
  }
  return { kind: entry.kind, alias: entry.name, ok: steps.every((s) => s.ok) && steps.length > 1, steps };
}
