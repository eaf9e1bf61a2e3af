/**
 * The fair queue in front of the one model a team server runs: turns go round the people waiting, nobody is
 * past their own limits, a cancelled wait leaves the line, and a chat model from the runtime takes its turns
 * for whoever is calling. Orders are asserted, never speeds.
 */
import { describe, expect, it } from 'vitest';
import { HearthError } from '../../../schemas/index.js';
import { FairQueue, QueuedChatModel, completeChat, defaultGenerationConcurrency, type Release } from '../../../app/core/models/index.js';
import { Caller, localOwner, runAsCaller } from '../../../app/core/team/index.js';
import { ScriptedChatModel } from '../../fixtures/scripted-models.js';
import { waitNotice } from '../../../app/core/agents/index.js';

const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Asks for turns and notes the order they are given in; `finishNext` ends the oldest running generation. */
function turnsOf(queue: FairQueue) {
  const order: string[] = [];
  const running: Release[] = [];
  const ask = (who: string, signal?: AbortSignal) =>
    queue.acquire(who, signal ? { signal } : {}).then((release) => {
      order.push(who);
      running.push(release);
      return release;
    });
  const finishNext = async () => {
    running.shift()?.();
    await settled();
  };
  const finishAll = async () => {
    while (running.length > 0) await finishNext();
  };
  return { order, running, ask, finishNext, finishAll };
}

async function rejection(promise: Promise<unknown>): Promise<HearthError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HearthError);
  return error as HearthError;
}

const noEnv = {};

describe('FairQueue', () => {
  it('goes round the people waiting, one turn each, each in their own order', async () => {
    const queue = new FairQueue({ concurrency: 1, perUserConcurrency: 1, env: noEnv });
    const turns = turnsOf(queue);
    for (let i = 0; i < 5; i++) void turns.ask('A');
    void turns.ask('B');
    void turns.ask('C');
    await settled();
    expect(turns.order).toEqual(['A']);
    expect(queue.snapshot()).toEqual({ running: 1, queued: 6, byUser: { A: { running: 1, queued: 4 }, B: { running: 0, queued: 1 }, C: { running: 0, queued: 1 } } });

    await turns.finishAll();
    expect(turns.order).toEqual(['A', 'B', 'C', 'A', 'A', 'A', 'A']);
    expect(queue.snapshot()).toEqual({ running: 0, queued: 0, byUser: {} });
  });

  it('keeps a person to their own number of generations at once, even with slots free', async () => {
    const queue = new FairQueue({ concurrency: 4, perUserConcurrency: 2, env: noEnv });
    const turns = turnsOf(queue);
    for (let i = 0; i < 3; i++) void turns.ask('A');
    void turns.ask('B');
    await settled();
    expect(turns.order).toEqual(['A', 'A', 'B']);
    expect(queue.snapshot().byUser.A).toEqual({ running: 2, queued: 1 });

    // One of B's finishing frees nothing for A; one of A's does.
    turns.running.pop()!();
    await settled();
    expect(turns.order).toEqual(['A', 'A', 'B']);
    await turns.finishNext();
    expect(turns.order).toEqual(['A', 'A', 'B', 'A']);
    expect(queue.snapshot()).toEqual({ running: 2, queued: 0, byUser: { A: { running: 2, queued: 0 } } });
  });

  it('never gives one person every slot, so someone arriving later starts without waiting for their turns', async () => {
    const queue = new FairQueue({ concurrency: 2, perUserConcurrency: 5, env: noEnv });
    const turns = turnsOf(queue);
    for (let i = 0; i < 5; i++) void turns.ask('greedy');
    await settled();
    expect(turns.order).toEqual(['greedy']);
    void turns.ask('newcomer');
    await settled();
    expect(turns.order).toEqual(['greedy', 'newcomer']);
  });

  it('refuses a person past their requests per minute, saying when to try again', async () => {
    let now = 0;
    const queue = new FairQueue({ concurrency: 8, perUserPerMinute: 3, env: noEnv, now: () => now });
    for (const at of [0, 10_000, 20_000]) {
      now = at;
      (await queue.acquire('A'))();
    }
    now = 30_000;
    const refused = await rejection(queue.acquire('A'));
    expect(refused.code).toBe('RATE_LIMITED');
    expect(refused.message).toBe('You have made 3 requests in the last minute, the most allowed; try again in 30 s.');
    expect(refused.details).toEqual({ retryAfterSeconds: 30 });
    // Someone else is not held to A's count.
    (await queue.acquire('B'))();
    // The window slides: once the first request is a minute old, there is room for one more.
    now = 60_001;
    (await queue.acquire('A'))();
    expect((await rejection(queue.acquire('A'))).details).toEqual({ retryAfterSeconds: 10 });
  });

  it('takes a request cancelled while waiting out of the line, and the line moves on', async () => {
    const queue = new FairQueue({ concurrency: 1, env: noEnv });
    const turns = turnsOf(queue);
    void turns.ask('A');
    const leaving = new AbortController();
    const cancelled = rejection(turns.ask('B', leaving.signal));
    void turns.ask('C');
    await settled();
    leaving.abort();
    expect((await cancelled).code).toBe('CANCELLED');
    expect(queue.snapshot()).toEqual({ running: 1, queued: 1, byUser: { A: { running: 1, queued: 0 }, C: { running: 0, queued: 1 } } });

    await turns.finishAll();
    expect(turns.order).toEqual(['A', 'C']);
    // Aborted before asking: refused at once.
    expect((await rejection(queue.acquire('D', { signal: AbortSignal.abort() }))).code).toBe('CANCELLED');
  });

  it('gives each of ten people a turn before a greedy one with fifty waiting gets a second', async () => {
    const queue = new FairQueue({ concurrency: 1, perUserPerMinute: 100, env: noEnv });
    const turns = turnsOf(queue);
    for (let i = 0; i < 50; i++) void turns.ask('greedy');
    const others = Array.from({ length: 10 }, (_, i) => `user${i}`);
    for (const who of others) void turns.ask(who);
    await settled();
    await turns.finishAll();
    expect(turns.order).toHaveLength(60);
    for (const who of others) expect(turns.order.indexOf(who)).toBeLessThan(11);
    expect(turns.order.slice(0, 11)).toEqual(['greedy', ...others]);
  });

  it('says where a request stands and about how long it will wait', async () => {
    let now = 0;
    const queue = new FairQueue({ concurrency: 1, env: noEnv, now: () => now });
    // Two generations of 10 s each make the average.
    for (let i = 0; i < 2; i++) {
      const release = await queue.acquire('A');
      now += 10_000;
      release();
    }
    const turns = turnsOf(queue);
    void turns.ask('A');
    void turns.ask('A');
    void turns.ask('B');
    await settled();
    // Running: A. Waiting: A, then B — but B has had no turn yet, so B goes first.
    expect(queue.estimate('B')).toEqual({ position: 1, aheadOfYou: 0, waitSeconds: 10 });
    expect(queue.estimate('A')).toEqual({ position: 2, aheadOfYou: 1, waitSeconds: 20 });
    // A new person would go ahead of A's second request too.
    expect(queue.estimate('C')).toEqual({ position: 2, aheadOfYou: 1, waitSeconds: 20 });
    await turns.finishAll();
    expect(queue.estimate('A')).toEqual({ position: 1, aheadOfYou: 0, waitSeconds: 0 });
  });

  it('reads its limits from the environment and refuses ones that are not whole numbers', () => {
    const queue = new FairQueue({ env: { HEARTH_GENERATION_CONCURRENCY: '3', HEARTH_USER_CONCURRENCY: '5', HEARTH_USER_RPM: '7' } });
    expect([queue.concurrency, queue.perUserConcurrency, queue.perUserPerMinute]).toEqual([3, 5, 7]);
    expect([defaultGenerationConcurrency(true, {}), defaultGenerationConcurrency(false, {}), defaultGenerationConcurrency(true, { HEARTH_GENERATION_CONCURRENCY: '2' })]).toEqual([4, 1, 2]);
    for (const value of ['0', '-1', '2.5', 'lots']) {
      expect(() => new FairQueue({ env: { HEARTH_USER_RPM: value } })).toThrow(
        expect.objectContaining({ code: 'BAD_REQUEST', message: `HEARTH_USER_RPM must be a whole number of 1 or more; it is "${value}".` }),
      );
    }
  });
});

describe('QueuedChatModel', () => {
  const ann = new Caller({ id: 'ann', kind: 'user', name: 'Ann', serverRole: 'member' });
  const bob = new Caller({ id: 'bob', kind: 'user', name: 'Bob', serverRole: 'member' });
  const ask = (text: string) => ({ messages: [{ role: 'user' as const, content: text }] });

  it('gives two callers turns in alternation, one generation at a time', async () => {
    const startedWhileBusy: number[] = [];
    const scripted = new ScriptedChatModel(() => {
      startedWhileBusy.push(scripted.active);
      return 'All done here.';
    });
    const queue = new FairQueue({ concurrency: 1, env: noEnv });
    const model = new QueuedChatModel(scripted, queue);
    const replies = await Promise.all([
      runAsCaller(ann, () => completeChat(model, ask('ann 1'))),
      runAsCaller(ann, () => completeChat(model, ask('ann 2'))),
      runAsCaller(bob, () => completeChat(model, ask('bob 1'))),
      runAsCaller(bob, () => completeChat(model, ask('bob 2'))),
    ]);
    expect(replies.map((reply) => [reply.text, reply.finishReason])).toEqual(Array.from({ length: 4 }, () => ['All done here.', 'stop']));
    expect(scripted.requests.map((request) => request.messages[0]!.content)).toEqual(['ann 1', 'bob 1', 'ann 2', 'bob 2']);
    expect(startedWhileBusy).toEqual([0, 0, 0, 0]);
    expect(queue.snapshot()).toEqual({ running: 0, queued: 0, byUser: {} });
  });

  it('tells a reply that has to wait where it stands, and one that starts at once nothing', async () => {
    const scripted = new ScriptedChatModel(() => 'Hello.', { pieceDelayMs: 5 });
    const queue = new FairQueue({ concurrency: 1, env: noEnv });
    const model = new QueuedChatModel(scripted, queue);
    const told: Array<{ who: string; aheadOfYou: number; waitSeconds: number }> = [];
    const onQueued = (who: string) => (wait: { aheadOfYou: number; waitSeconds: number }) => told.push({ who, ...wait });
    await Promise.all([
      runAsCaller(ann, () => completeChat(model, ask('first'), { onQueued: onQueued('ann') })),
      runAsCaller(bob, () => completeChat(model, ask('second'), { onQueued: onQueued('bob') })),
      runAsCaller(bob, () => completeChat(model, ask('third'), { onQueued: onQueued('bob again') })),
    ]);
    // Nothing has finished yet, so the wait is reckoned from the default 15 s a generation.
    expect(told).toEqual([
      { who: 'bob', aheadOfYou: 0, waitSeconds: 15 },
      { who: 'bob again', aheadOfYou: 1, waitSeconds: 30 },
    ]);
    expect(waitNotice({ aheadOfYou: 3, waitSeconds: 40 })).toBe('Waiting for the model: 3 requests ahead of you (about 40 s).');
  });

  it('ends a reply cancelled while it waits as cancelled, and one past the limit with RATE_LIMITED', async () => {
    const scripted = new ScriptedChatModel(() => 'Hello.', { pieceDelayMs: 5 });
    const queue = new FairQueue({ concurrency: 1, perUserPerMinute: 2, env: noEnv });
    const model = new QueuedChatModel(scripted, queue);
    const first = runAsCaller(ann, () => completeChat(model, ask('first')));
    const waiting = new AbortController();
    const second = runAsCaller(bob, () => completeChat(model, ask('second'), { signal: waiting.signal }));
    await settled();
    expect(queue.snapshot().queued).toBe(1);
    waiting.abort();
    expect((await second).finishReason).toBe('cancelled');
    expect((await first).text).toBe('Hello.');
    expect(scripted.requests).toHaveLength(1);

    await runAsCaller(ann, () => completeChat(model, ask('third')));
    const refused = await rejection(runAsCaller(ann, () => completeChat(model, ask('fourth'))));
    expect(refused.code).toBe('RATE_LIMITED');
    // The person at the machine, and work outside any call, are not queued or limited.
    const before = queue.snapshot();
    expect((await runAsCaller(localOwner, () => completeChat(model, ask('local')))).text).toBe('Hello.');
    expect((await completeChat(model, ask('outside'))).text).toBe('Hello.');
    expect(queue.snapshot()).toEqual(before);
  });
});
