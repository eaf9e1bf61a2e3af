/**
 * How long people wait for the model when one of them floods it: a greedy user sends 50 requests, then ten
 * others send one each (at most 2 at once each), every generation 8 s long (a virtual clock, so the figures are the queue's, not the
 * machine's), with the one FairQueue against a single first-come-first-served line. Then what the queue itself
 * costs: turns handed out per second with many people waiting. Prints figures; asserts nothing.
 *
 *   npx tsx bench/fairness.ts
 */
import { FairQueue, type Release } from '../app/core/models/index.js';

const generationMs = 8_000;
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Outcome {
  /** Seconds from asking to starting, per person (the greedy user's last request for them). */
  waits: Map<string, number>;
  makespanSeconds: number;
}

async function simulate(concurrency: number, fair: boolean): Promise<Outcome> {
  let now = 0;
  // First come, first served is the fair queue with everyone as one principal.
  const queue = new FairQueue({ concurrency, perUserConcurrency: fair ? 2 : concurrency, perUserPerMinute: 10_000, env: {}, now: () => now });
  const running: { endsAt: number; release: Release }[] = [];
  const waits = new Map<string, number>();
  const ask = (who: string) => {
    const askedAt = now;
    void queue.acquire(fair ? who : 'everyone').then((release) => {
      waits.set(who, (now - askedAt) / 1000);
      running.push({ endsAt: now + generationMs, release });
    });
  };
  for (let i = 0; i < 50; i++) ask('greedy');
  for (let i = 0; i < 10; i++) ask(`user${i}`);
  await settled();
  while (running.length > 0) {
    running.sort((a, b) => a.endsAt - b.endsAt);
    const next = running.shift()!;
    now = next.endsAt;
    next.release();
    await settled();
  }
  return { waits, makespanSeconds: now / 1000 };
}

function describeWaits(outcome: Outcome): string {
  const others = [...outcome.waits].filter(([who]) => who !== 'greedy').map(([, s]) => s);
  const worst = Math.max(...others);
  const mean = others.reduce((a, b) => a + b, 0) / others.length;
  return `ten others wait ${mean.toFixed(0)} s on average, ${worst.toFixed(0)} s at worst; all done after ${outcome.makespanSeconds.toFixed(0)} s`;
}

async function overhead(people: number, requests: number): Promise<number> {
  const queue = new FairQueue({ concurrency: 1, perUserConcurrency: 1, perUserPerMinute: requests, env: {} });
  const releases: Release[] = [];
  for (let i = 0; i < requests; i++) void queue.acquire(`user${i % people}`).then((release) => releases.push(release));
  await settled();
  const started = performance.now();
  let granted = 0;
  while (releases.length > 0) {
    releases.shift()!();
    granted++;
    await Promise.resolve();
    await Promise.resolve();
  }
  return granted / ((performance.now() - started) / 1000);
}

for (const concurrency of [1, 4]) {
  console.log(`concurrency ${concurrency}, one greedy user with 50 requests, then ten users with one each, ${generationMs / 1000} s per generation:`);
  console.log(`  first come, first served: ${describeWaits(await simulate(concurrency, false))}`);
  console.log(`  fair queue:               ${describeWaits(await simulate(concurrency, true))}`);
}
for (const people of [10, 100]) {
  console.log(`turns handed out with ${people} people waiting: ${(await overhead(people, 5_000)).toFixed(0)} per second`);
}
