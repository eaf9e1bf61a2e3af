/**
 * The team server under load, on loopback, for a bounded time. An upstream Hearth (a second process) serves the
 * tiny GGUF on /v1; the team server under test runs in this process with that /v1 as its default LLM, N people
 * with tokens and one shared space of small documents. Three phases:
 *  1. load: C WebSocket clients asking search.query, every Kth request a chat.ask; latency by method, errors by
 *     code, this process's RSS and open file handles every 10 s (growth after the first 20% of the time);
 *  2. fairness: one person with 50 streamed /v1 chats at once, ten others with one each a second later — their
 *     time to first token against an idle server's, once with everyone signed in before and once with fresh tokens;
 *  3. added latency: a one-token /v1 chat straight to the upstream and through the team server.
 * Needs `npm run build:node` (the CLI and the LLM worker run from dist/). Prints figures; asserts nothing.
 *
 *   npm run bench:server -- [--clients 50] [--minutes 1] [--users 50] [--chat-every 50] [--chats-at-once 4]
 *                           [--generations 2] [--greedy 50] [--greedy-tokens 64] [--max-tokens 8] [--runs 20]
 */
import os from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median } from '../bench-model.js';
import { mib, ms, printTable, quantile } from './figures.js';
import { runLoad } from './load.js';
import { startTeamUnderTest, type Person, type TeamUnderTest } from './team-under-test.js';
import { startUpstream, type Upstream } from './upstream.js';
import { addedLatency, fairness, type FairnessOutcome } from './v1-phases.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '50' },
    minutes: { type: 'string', default: '1' },
    users: { type: 'string', default: '50' },
    'chat-every': { type: 'string', default: '50' },
    'chats-at-once': { type: 'string' },
    generations: { type: 'string', default: process.env.HEARTH_GENERATION_CONCURRENCY ?? '2' },
    greedy: { type: 'string', default: '50' },
    'max-tokens': { type: 'string', default: '8' },
    'greedy-tokens': { type: 'string', default: '64' },
    runs: { type: 'string', default: '20' },
  },
});

const clients = Number(values.clients);
const durationMs = Number(values.minutes) * 60_000;
const users = Math.min(Number(values.users), clients);
const chatEvery = Number(values['chat-every']);
const generations = Number(values.generations);
const chatsAtOnce = Number(values['chats-at-once'] ?? 2 * generations);
const maxTokens = Number(values['max-tokens']);
const greedyTokens = Number(values['greedy-tokens']);
// The team server's fair queue reads these when it is made (the upstream gets its own, see upstream.ts).
process.env.HEARTH_GENERATION_CONCURRENCY = String(generations);
const perUser = process.env.HEARTH_USER_CONCURRENCY ?? '2 (default)';
const perMinute = process.env.HEARTH_USER_RPM ?? '60 (default)';

async function main(): Promise<void> {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(`machine: ${cpu}, ${os.availableParallelism()} cores; Node ${process.versions.node}; load average ${os.loadavg()[0]!.toFixed(2)} at the start`);
  console.log(`team server: HEARTH_GENERATION_CONCURRENCY=${generations}, per person at once ${perUser}, per minute ${perMinute}; upstream: the same generations at once, per-person limits lifted`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hearth-bench-server-'));
  let upstream: Upstream | undefined;
  let team: TeamUnderTest | undefined;
  try {
    upstream = await startUpstream({ dir, generations });
    team = await startTeamUnderTest({ dir, upstreamOrigin: upstream.origin, upstreamToken: upstream.token });
    console.log(`upstream Hearth (pid ${upstream.pid}) at ${upstream.origin}; team server under test (this process, pid ${process.pid}) at ${team.server.origin}`);
    const people: Person[] = [];
    for (let i = 0; i < users; i++) people.push(await team.addPerson(`load-${i}`));
    await load(team, people);
    await fair(team);
    await added(team, upstream);
  } finally {
    await team?.dispose();
    await upstream?.stop();
    await rm(dir, { recursive: true, force: true });
  }
  console.log('');
  console.log(`load average ${os.loadavg()[0]!.toFixed(2)} at the end`);
}

async function load(team: TeamUnderTest, people: Person[]): Promise<void> {
  console.log('');
  console.log(`1. Load: ${clients} WebSocket clients as ${people.length} people for ${values.minutes} min; search.query, every ${chatEvery}th request a chat.ask (at most ${chatsAtOnce} at once)…`);
  const outcome = await runLoad({ origin: team.server.origin, spaceId: team.spaceId, people, queries: team.queries, clients, durationMs, chatEvery, chatsAtOnce });
  const measuredSeconds = (durationMs - outcome.warmUpMs) / 1000;
  console.log(
    `connected in ${ms(outcome.connectMs)} ms; ran ${(outcome.elapsedMs / 1000).toFixed(0)} s (the last chats finishing past ${(durationMs / 1000).toFixed(0)} s); ` +
      `figures for requests started after the ${(outcome.warmUpMs / 1000).toFixed(0)} s warm-up, per s over the ${measuredSeconds.toFixed(0)} s after it`,
  );
  console.log('');
  printTable(
    ['method', 'requests', 'per s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
    [...outcome.log.latencies].map(([method, list]) => [
      method,
      String(list.length),
      (list.length / measuredSeconds).toFixed(1),
      ms(quantile(list, 0.5)),
      ms(quantile(list, 0.95)),
      ms(quantile(list, 0.99)),
      ms(list.reduce((most, value) => Math.max(most, value), 0)), // not Math.max(...list): 600 000 arguments overflow the stack
    ]),
  );
  console.log('');
  const errors = [...outcome.errors.errors];
  console.log(`errors over the whole run (warm-up included): ${errors.length === 0 ? 'none' : errors.map(([key, count]) => `${key} × ${count}`).join(', ')}`);
  const afterWarmUp = outcome.samples.filter((s) => s.atMs >= outcome.warmUpMs);
  const first = afterWarmUp[0] ?? outcome.samples[0]!;
  const last = outcome.samples.at(-1)!;
  const fds = afterWarmUp.map((s) => s.fds);
  console.log('');
  console.log('memory and file handles of this process (it hosts the team server and the clients), sampled every 10 s:');
  console.log(`  samples (s: RSS MiB / V8 heap used MiB / fds): ${outcome.samples.map((s) => `${(s.atMs / 1000).toFixed(0)}: ${mib(s.rss)}/${mib(s.heapUsed)}/${s.fds}`).join(', ')}`);
  console.log(
    `  RSS at the start ${mib(outcome.samples[0]!.rss)} MiB, after warm-up ${mib(first.rss)} MiB, at the end ${mib(last.rss)} MiB; ` +
      `growth after warm-up ${(((last.rss - first.rss) / first.rss) * 100).toFixed(1)}% (goal ≤ 10%)`,
  );
  const rss = afterWarmUp.map((s) => s.rss);
  console.log(`  RSS after warm-up: min ${mib(Math.min(...rss))} MiB, max ${mib(Math.max(...rss))} MiB (V8 collects in waves: one sample against another swings)`);
  console.log(`  open file handles after warm-up: min ${Math.min(...fds)}, max ${Math.max(...fds)} (goal: flat)`);
}

async function fair(team: TeamUnderTest): Promise<void> {
  const greedyRequests = Number(values.greedy);
  console.log('');
  console.log(
    `2. Fairness: one person with ${greedyRequests} streamed /v1 chats at once (max_tokens ${greedyTokens}), ten others with one each 1 s later ` +
      `(max_tokens ${maxTokens}, the idle probe's request)…`,
  );
  // Signed in already (tokens used once before) measures the model's queue; fresh tokens add the first sign-in's scrypt.
  for (const [round, warmTokens] of [['a', true], ['b', false]] as const) {
    const idle = await team.addPerson(`idle-probe-${round}`);
    const greedy = await team.addPerson(`greedy-${round}`);
    const others: string[] = [];
    for (let i = 0; i < 10; i++) others.push((await team.addPerson(`patient-${round}-${i}`)).token);
    const outcome = await fairness({
      origin: team.server.origin,
      idle: idle.token,
      greedy: greedy.token,
      greedyId: greedy.id,
      others,
      greedyRequests,
      maxTokens,
      greedyTokens,
      idleRuns: 5,
      queue: () => team.hearth.models.generations.snapshot(),
      warmTokens,
    });
    console.log('');
    console.log(`2${round}. ${warmTokens ? 'everyone signed in before (each token used once: GET /v1/models)' : 'fresh tokens: the greedy one\'s and the ten\'s first requests'}`);
    console.log('');
    printFairness(outcome, greedyRequests);
  }
}

function printFairness(outcome: FairnessOutcome, greedyRequests: number): void {
  const idleMs = median(outcome.idleFirstTokenMs);
  const othersMedian = median(outcome.othersFirstTokenMs);
  const othersWorst = Math.max(...outcome.othersFirstTokenMs);
  printTable(
    ['time to first token', 'n', 'p50 ms', 'max ms', '÷ idle p50'],
    [
      ['idle server (one at a time)', String(outcome.idleFirstTokenMs.length), ms(idleMs), ms(Math.max(...outcome.idleFirstTokenMs)), '1.00'],
      ['the ten, beside the greedy one', String(outcome.othersFirstTokenMs.length), ms(othersMedian), ms(othersWorst), `${(othersMedian / idleMs).toFixed(2)} (worst ${(othersWorst / idleMs).toFixed(2)})`],
      ['the greedy one', String(outcome.greedyFirstTokenMs.length), ms(median(outcome.greedyFirstTokenMs)), ms(Math.max(...outcome.greedyFirstTokenMs)), (median(outcome.greedyFirstTokenMs) / idleMs).toFixed(2)],
    ],
  );
  console.log('');
  const turnMs = median(outcome.idleTotalMs);
  const othersEverWaited = outcome.queue.some((sample) => sample.othersQueued > 0);
  console.log(
    `an idle request's whole length ${ms(turnMs)} ms; ${generations} generations at once, of which one person may hold ${Math.min(2, Math.max(1, generations - 1))}; ` +
      (othersEverWaited
        ? "some of the ten waited in the team server's queue (samples below)"
        : "none of the ten was ever seen waiting in the team server's queue: what is left is the upstream's decoding beside the greedy one's turns") +
      `; first come, first served they would wait behind all ${greedyRequests}`,
  );
  console.log(`the greedy one's ${greedyRequests} done after ${(outcome.greedyDoneMs / 1000).toFixed(1)} s; goal for the ten: ≤ 2× idle`);
  console.log(
    `the team server's queue every 0.5 s (s: running/waiting, of them the ten's running/waiting): ` +
      outcome.queue
        .filter((_, i) => i % 5 === 0)
        .map((q) => `${(q.atMs / 1000).toFixed(1)}: ${q.running}/${q.queued} (${q.othersRunning}/${q.othersQueued})`)
        .join(', '),
  );
  const errors = [...outcome.errors];
  console.log(`errors: ${errors.length === 0 ? 'none' : errors.map(([key, count]) => `${key} × ${count}`).join(', ')}${outcome.withoutText ? `; ${outcome.withoutText} of the ten got no text` : ''}`);
}

async function added(team: TeamUnderTest, upstream: Upstream): Promise<void> {
  const runs = Number(values.runs);
  console.log('');
  console.log(`3. Added latency: a non-streamed /v1 chat, max_tokens 1, ${runs} times each, alternating…`);
  const person = await team.addPerson('latency');
  const outcome = await addedLatency({ upstreamOrigin: upstream.origin, upstreamToken: upstream.token, teamOrigin: team.server.origin, teamToken: person.token, runs });
  const added = outcome.throughTeamMs.map((through, i) => through - outcome.directMs[i]!);
  console.log('');
  printTable(
    ['path', 'p50 ms', 'p95 ms'],
    [
      ['straight to the upstream', ms(quantile(outcome.directMs, 0.5)), ms(quantile(outcome.directMs, 0.95))],
      ['through the team server', ms(quantile(outcome.throughTeamMs, 0.5)), ms(quantile(outcome.throughTeamMs, 0.95))],
      ['added per request (pairwise)', ms(quantile(added, 0.5)), ms(quantile(added, 0.95))],
    ],
  );
}

await main();
