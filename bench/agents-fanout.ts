/**
 * Event fan-out for bench/agents.ts: the same 10-node graph, its every step an event to N watchers. Hearth: the
 * run is a job (kind `agent`), each step a progress event journalled in SQLite and published through the jobs
 * Broker to N `jobs.watch` watchers. LangGraph.js: `stream` (updates) read once and handed to N in-memory
 * subscribers of a Broker (nothing journalled). Both checkpoint every step in SQLite, synchronously.
 */
import { z } from 'zod';
import { SqliteCheckpointer } from '../app/core/agents/graph/index.js';
import { Caller } from '../app/core/index.js';
import { Broker, Jobs, type JobKind } from '../app/core/jobs/index.js';
import { Spaces } from '../app/core/spaces/index.js';
import { openDatabase } from '../app/core/storage/index.js';
import { median } from './bench-model.js';
import { CheckpointClock, hearthGraph, langGraph, nodeCount, timedSqliteSaver } from './agents-graphs.js';

export interface FanOutFigures {
  /** From start to the last watcher seeing the end, per step. */
  perStepUs: number;
  /** From an event's publication to the last watcher receiving it, median over steps. */
  latencyUs: number;
}

const owner = new Caller({ id: 'bench', kind: 'user', name: 'Bench', serverRole: 'member', everySpace: 'owner' });
const warmUp = 5;

export async function fanOutHearth(options: { dir: string; watchers: number; runs: number; bytes: number }): Promise<FanOutFigures> {
  const db = openDatabase(options.dir);
  const spaceId = new Spaces(db).create('Bench').id;
  const jobs = new Jobs(db, { owners: (stored) => (stored.id === owner.id ? owner : undefined) });
  const checkpointer = new SqliteCheckpointer(db);
  const graph = hearthGraph(options.bytes);
  const published = new Map<string, number>();
  const kind: JobKind<{ run: number }, { step: number }, { count: number }> = {
    kind: 'agent',
    params: z.object({ run: z.number() }),
    progress: z.object({ step: z.number() }),
    result: z.object({ count: z.number() }),
    concurrency: 1,
    async run(job) {
      const outcome = await graph.run({
        runId: job.id,
        threadKey: `local:local:${spaceId}:bench-${job.params.run}`,
        checkpointer,
        signal: job.signal,
        limits: { maxSteps: 100 },
        onStep: (step) => {
          published.set(`${job.id}:${step.step}`, performance.now());
          job.progress({ step: step.step });
        },
      });
      return { count: outcome.state.count };
    },
  };
  jobs.register(kind as unknown as JobKind<unknown, unknown, unknown>);
  const perRun: number[] = [];
  const latencies: number[] = [];
  try {
    for (let run = -warmUp; run < options.runs; run++) {
      const started = performance.now();
      const job = jobs.start('agent', { spaceId, title: `bench ${run}`, subject: 'bench', params: { run: run + warmUp }, caller: owner });
      const received = new Map<number, number>();
      await Promise.all([
        jobs.outcome(job.id),
        ...Array.from({ length: options.watchers }, async () => {
          for await (const event of jobs.watch(job.id)) {
            if (event.type !== 'progress') continue;
            const step = (event.progress as unknown as { step: number }).step;
            received.set(step, Math.max(received.get(step) ?? 0, performance.now()));
          }
        }),
      ]);
      const ms = performance.now() - started;
      if (run < 0) continue;
      perRun.push(ms);
      for (const [step, at] of received) latencies.push(at - published.get(`${job.id}:${step}`)!);
    }
  } finally {
    await jobs.dispose();
    db.close();
  }
  return { perStepUs: (median(perRun) / nodeCount) * 1000, latencyUs: median(latencies) * 1000 };
}

export async function fanOutLangGraph(options: { dir: string; watchers: number; runs: number; bytes: number }): Promise<FanOutFigures> {
  const db = openDatabase(options.dir);
  const graph = langGraph(options.bytes, timedSqliteSaver(db, new CheckpointClock()));
  const broker = new Broker<{ step: number; end?: boolean }>();
  const perRun: number[] = [];
  const latencies: number[] = [];
  try {
    for (let run = -warmUp; run < options.runs; run++) {
      const started = performance.now();
      const topic = `run:${run}`;
      const published = new Map<number, number>();
      const received = new Map<number, number>();
      const subscriptions = Array.from({ length: options.watchers }, () => broker.subscribe(topic));
      const watching = Promise.all(
        subscriptions.map(async (subscription) => {
          for (;;) {
            const delivery = await subscription.next();
            if (!delivery || !('event' in delivery) || delivery.event.end) break;
            received.set(delivery.event.step, Math.max(received.get(delivery.event.step) ?? 0, performance.now()));
          }
          subscription.close();
        }),
      );
      let step = 0;
      for await (const _chunk of await graph.stream({ messages: [], count: 0 }, { configurable: { thread_id: `fan-${run}` }, streamMode: 'updates', durability: 'sync', recursionLimit: 100 })) {
        step++;
        published.set(step, performance.now());
        broker.publish(topic, { step });
      }
      broker.publish(topic, { step, end: true });
      await watching;
      const ms = performance.now() - started;
      if (run < 0) continue;
      perRun.push(ms);
      for (const [at, time] of received) latencies.push(time - published.get(at)!);
    }
  } finally {
    db.close();
  }
  return { perStepUs: (median(perRun) / nodeCount) * 1000, latencyUs: median(latencies) * 1000 };
}
