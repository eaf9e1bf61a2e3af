/**
 * Phases 2 and 3, through `/v1` with the official `openai` package: whether one greedy person can keep ten others
 * waiting (time to first token, contended against idle), and what the team server adds to a request it passes
 * on to the upstream model server.
 */
import OpenAI from 'openai';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FairQueueSnapshot } from '../../app/core/models/index.js';

const client = (origin: string, apiKey: string) => new OpenAI({ apiKey, baseURL: `${origin}/v1`, maxRetries: 0, timeout: 120_000 });
const messages = [{ role: 'user' as const, content: 'When does the ferry leave?' }];

/** Milliseconds to the first chunk with text, and to the end of the stream. */
async function streamed(api: OpenAI, maxTokens: number): Promise<{ firstTokenMs: number | undefined; totalMs: number }> {
  const started = performance.now();
  let firstTokenMs: number | undefined;
  const stream = await api.chat.completions.create({ model: 'default', messages, max_tokens: maxTokens, stream: true });
  for await (const chunk of stream) {
    if (firstTokenMs === undefined && chunk.choices[0]?.delta?.content) firstTokenMs = performance.now() - started;
  }
  return { firstTokenMs, totalMs: performance.now() - started };
}

export interface FairnessOutcome {
  idleFirstTokenMs: number[];
  /** The idle requests' whole length: what one turn at the model takes. */
  idleTotalMs: number[];
  /** The ten's first tokens, started 1 s after the greedy person's fifty. */
  othersFirstTokenMs: number[];
  /** The greedy person's: first token of each of the fifty, and when the last ended. */
  greedyFirstTokenMs: number[];
  greedyDoneMs: number;
  /** Requests that failed, by message. */
  errors: Map<string, number>;
  /** The ten that got no text at all (only empty chunks). */
  withoutText: number;
  /** The team server's queue every 100 ms from the greedy one's start: ms, running, waiting, of them the ten's. */
  queue: { atMs: number; running: number; queued: number; othersQueued: number; othersRunning: number }[];
}

export async function fairness(options: {
  origin: string;
  idle: string;
  greedy: string;
  greedyId: string;
  others: string[];
  greedyRequests: number;
  /** The idle probe's and the ten's max_tokens. */
  maxTokens: number;
  /** The greedy one's: longer turns, so its fifty still hold the model when the ten come. */
  greedyTokens: number;
  idleRuns: number;
  queue: () => FairQueueSnapshot;
  /** Use every token once first (GET /v1/models), so sign-ins are remembered and only the model's queue is measured. */
  warmTokens: boolean;
}): Promise<FairnessOutcome> {
  const errors = new Map<string, number>();
  const failed = (error: unknown) => {
    const key = error instanceof OpenAI.APIError ? `${error.status ?? ''} ${error.message}`.slice(0, 80) : String(error).slice(0, 80);
    errors.set(key, (errors.get(key) ?? 0) + 1);
    return undefined;
  };
  if (options.warmTokens) {
    for (const token of [options.greedy, ...options.others]) await client(options.origin, token).models.list();
  }
  const idleApi = client(options.origin, options.idle);
  await streamed(idleApi, options.maxTokens); // warm: the first request opens the upstream's model
  const idleFirstTokenMs: number[] = [];
  const idleTotalMs: number[] = [];
  for (let i = 0; i < options.idleRuns; i++) {
    const { firstTokenMs, totalMs } = await streamed(idleApi, options.maxTokens);
    if (firstTokenMs !== undefined) idleFirstTokenMs.push(firstTokenMs);
    idleTotalMs.push(totalMs);
  }
  const greedyApi = client(options.origin, options.greedy);
  const started = performance.now();
  const queue: FairnessOutcome['queue'] = [];
  const watchQueue = setInterval(() => {
    const snapshot = options.queue();
    const others = Object.entries(snapshot.byUser).filter(([id]) => id !== options.greedyId);
    queue.push({
      atMs: performance.now() - started,
      running: snapshot.running,
      queued: snapshot.queued,
      othersQueued: others.reduce((sum, [, user]) => sum + user.queued, 0),
      othersRunning: others.reduce((sum, [, user]) => sum + user.running, 0),
    });
  }, 100);
  const greedy = Array.from({ length: options.greedyRequests }, () => streamed(greedyApi, options.greedyTokens).catch(failed));
  await sleep(1_000);
  const others = options.others.map((token) => streamed(client(options.origin, token), options.maxTokens).catch(failed));
  const othersDone = await Promise.all(others);
  const greedyDone = await Promise.all(greedy);
  const greedyDoneMs = performance.now() - started;
  clearInterval(watchQueue);
  return {
    idleFirstTokenMs,
    idleTotalMs,
    othersFirstTokenMs: othersDone.flatMap((outcome) => (outcome?.firstTokenMs === undefined ? [] : [outcome.firstTokenMs])),
    greedyFirstTokenMs: greedyDone.flatMap((outcome) => (outcome?.firstTokenMs === undefined ? [] : [outcome.firstTokenMs])),
    greedyDoneMs,
    errors,
    queue,
    withoutText: othersDone.filter((outcome) => outcome !== undefined && outcome.firstTokenMs === undefined).length,
  };
}

export interface AddedLatencyOutcome {
  directMs: number[];
  throughTeamMs: number[];
}

/** The same one-token request, alternately straight to the upstream and through the team server (so drift falls on both). */
export async function addedLatency(options: { upstreamOrigin: string; upstreamToken: string; teamOrigin: string; teamToken: string; runs: number }): Promise<AddedLatencyOutcome> {
  const direct = client(options.upstreamOrigin, options.upstreamToken);
  const through = client(options.teamOrigin, options.teamToken);
  const once = async (api: OpenAI) => {
    const started = performance.now();
    await api.chat.completions.create({ model: 'default', messages, max_tokens: 1 });
    return performance.now() - started;
  };
  await once(direct);
  await once(through);
  const directMs: number[] = [];
  const throughTeamMs: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    directMs.push(await once(direct));
    throughTeamMs.push(await once(through));
  }
  return { directMs, throughTeamMs };
}
