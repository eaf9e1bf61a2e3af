/**
 * What the agents' graph runtime costs per step, beside LangGraph.js on the same 10-node graph in the same run:
 *  1. per-step overhead of a run with a checkpoint after every step — Hearth's runtime with its SQLite and memory
 *     checkpointers, LangGraph.js with SqliteSaver (durability "sync", like ours, and its default "async") and
 *     MemorySaver — and the time inside the checkpointers (writes per step, the read at the start);
 *  2. event fan-out to N watchers: a run as a job whose every step is a progress event, journalled and published
 *     through the jobs Broker to N `jobs.watch` watchers, beside LangGraph's `stream` handed to N in-memory
 *     subscribers (no journal: a watcher that joins late sees nothing);
 *  3. time to first token of step N of a ReAct-style run (think → act → think…, the messages growing), with and
 *     without prefix reuse, on the tiny GGUF bench model (needs `npm run build:node` once, for the LLM worker).
 * Variants are interleaved run by run so drift on the machine falls on all. Prints figures only.
 *
 *   npm run bench:agents -- [--runs 200] [--bytes 400] [--watchers 1,10,100] [--fanout-runs 40]
 *                           [--params 25M] [--steps 8] [--reps 3] [--tokens 16] [--threads N] [--skip-llm]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { MemoryCheckpointer, SqliteCheckpointer, type Checkpointer } from '../app/core/agents/graph/index.js';
import { openDatabase } from '../app/core/storage/index.js';
import { median } from './bench-model.js';
import { CheckpointClock, hearthGraph, langGraph, nodeCount, timedCheckpointer, timedMemorySaver, timedSqliteSaver } from './agents-graphs.js';
import { fanOutHearth, fanOutLangGraph } from './agents-fanout.js';
import { firstTokenByStep } from './agents-first-token.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    bytes: { type: 'string', default: '400' },
    watchers: { type: 'string', default: '1,10,100' },
    'fanout-runs': { type: 'string', default: '40' },
    params: { type: 'string', default: '25M' },
    steps: { type: 'string', default: '8' },
    reps: { type: 'string', default: '3' },
    tokens: { type: 'string', default: '16' },
    threads: { type: 'string' },
    'skip-llm': { type: 'boolean', default: false },
  },
});

const runs = Number(values.runs);
const bytes = Number(values.bytes);
const threadKey = (run: number) => `local:local:bench:thread-${run}`;
const limits = { maxSteps: 100 };
const fmt = (value: number, digits = 1) => value.toFixed(digits).padStart(8);

interface Variant {
  name: string;
  clock: CheckpointClock;
  once(run: number): Promise<void>;
  perRunMs: number[];
  writes: number[];
  writeMs: number[];
  readMs: number[];
}

function variant(name: string, clock: CheckpointClock, once: (run: number) => Promise<void>): Variant {
  return { name, clock, once, perRunMs: [], writes: [], writeMs: [], readMs: [] };
}

async function overhead(dir: string): Promise<Map<string, Variant>> {
  const hearthDb = openDatabase(path.join(dir, 'hearth'));
  const langDb = openDatabase(path.join(dir, 'langgraph'));
  const ours = hearthGraph(bytes);
  const hearth = (checkpointer: Checkpointer) => async (run: number) => {
    const outcome = await ours.run({ runId: `run-${run}`, threadKey: threadKey(run), checkpointer, signal: new AbortController().signal, limits });
    if (outcome.status !== 'done' || outcome.state.count !== nodeCount) throw new Error('Hearth run did not finish');
  };
  const lang = (saver: BaseCheckpointSaver, durability: 'sync' | 'async') => {
    const graph = langGraph(bytes, saver);
    return async (run: number) => {
      const state = await graph.invoke({ messages: [], count: 0 }, { configurable: { thread_id: `${durability}-${run}` }, durability, recursionLimit: 100 });
      if (state.count !== nodeCount) throw new Error('LangGraph run did not finish');
    };
  };
  const clocks = Array.from({ length: 5 }, () => new CheckpointClock());
  const variants = [
    variant('Hearth runtime + SqliteCheckpointer', clocks[0]!, hearth(timedCheckpointer(new SqliteCheckpointer(hearthDb), clocks[0]!))),
    variant('Hearth runtime + MemoryCheckpointer', clocks[1]!, hearth(timedCheckpointer(new MemoryCheckpointer(), clocks[1]!))),
    variant('LangGraph.js + SqliteSaver, sync', clocks[2]!, lang(timedSqliteSaver(langDb, clocks[2]!), 'sync')),
    variant('LangGraph.js + SqliteSaver, async', clocks[3]!, lang(timedSqliteSaver(langDb, clocks[3]!), 'async')),
    variant('LangGraph.js + MemorySaver, sync', clocks[4]!, lang(timedMemorySaver(clocks[4]!), 'sync')),
  ];
  const warmUp = Math.min(20, runs);
  try {
    for (let run = -warmUp; run < runs; run++) {
      // Each variant first in turn, so none always runs on a cold or a hot machine.
      const shift = ((run % variants.length) + variants.length) % variants.length;
      for (const v of [...variants.slice(shift), ...variants.slice(0, shift)]) {
        v.clock.reset();
        const started = performance.now();
        await v.once(run + warmUp);
        const ms = performance.now() - started;
        if (run < 0) continue;
        v.perRunMs.push(ms);
        v.writes.push(v.clock.writes);
        v.writeMs.push(v.clock.writeMs);
        v.readMs.push(v.clock.readMs);
      }
    }
  } finally {
    hearthDb.close();
    langDb.close();
  }
  console.log('');
  console.log(`1. Per-step overhead: a ${nodeCount}-node chain, each node adding a ${bytes}-byte message; median of ${runs} runs (+${warmUp} warm-up), µs`);
  console.log('');
  console.log('runtime + checkpointer                 | per step | p90/step | in checkpointer/step | checkpoint writes/step | read at start');
  console.log('---------------------------------------|----------|----------|----------------------|------------------------|--------------');
  for (const v of variants) {
    const perStep = (median(v.perRunMs) / nodeCount) * 1000;
    const p90 = (quantile(v.perRunMs, 0.9) / nodeCount) * 1000;
    const inCheckpointer = ((median(v.writeMs) + median(v.readMs)) / nodeCount) * 1000;
    console.log(`${v.name.padEnd(38)} | ${fmt(perStep)} | ${fmt(p90)} | ${fmt(inCheckpointer).padStart(20)} | ${fmt(median(v.writes) / nodeCount, 2).padStart(22)} | ${fmt(median(v.readMs) * 1000).padStart(12)}`);
  }
  const byName = new Map(variants.map((v) => [v.name, v]));
  const step = (name: string) => median(byName.get(name)!.perRunMs);
  console.log('');
  console.log(`ratios per step: LangGraph+SqliteSaver(sync) ÷ Hearth+Sqlite = ${(step('LangGraph.js + SqliteSaver, sync') / step('Hearth runtime + SqliteCheckpointer')).toFixed(2)}, ` +
    `LangGraph+SqliteSaver(async) ÷ Hearth+Sqlite = ${(step('LangGraph.js + SqliteSaver, async') / step('Hearth runtime + SqliteCheckpointer')).toFixed(2)}, ` +
    `LangGraph+Memory ÷ Hearth+Memory = ${(step('LangGraph.js + MemorySaver, sync') / step('Hearth runtime + MemoryCheckpointer')).toFixed(2)}`);
  return byName;
}

async function fanOut(dir: string): Promise<void> {
  const counts = values.watchers.split(',').map(Number);
  const fanRuns = Number(values['fanout-runs']);
  console.log('');
  console.log(`2. Event fan-out: one event per step to N watchers; ${fanRuns} runs per N (+5 warm-up), both with SQLite checkpoints (sync)`);
  console.log('');
  console.log('watchers | Hearth job: per step µs | last watcher got the event µs | LangGraph stream: per step µs | last subscriber got it µs | per step, LangGraph ÷ Hearth');
  console.log('---------|-------------------------|-------------------------------|-------------------------------|---------------------------|-----------------------------');
  for (const n of counts) {
    const hearth = await fanOutHearth({ dir: path.join(dir, `fan-hearth-${n}`), watchers: n, runs: fanRuns, bytes });
    const lang = await fanOutLangGraph({ dir: path.join(dir, `fan-lang-${n}`), watchers: n, runs: fanRuns, bytes });
    const ratio = hearth.perStepUs > 0 ? (lang.perStepUs / hearth.perStepUs).toFixed(2) : '—';
    console.log(`${String(n).padStart(8)} | ${fmt(hearth.perStepUs).padStart(23)} | ${fmt(hearth.latencyUs).padStart(29)} | ${fmt(lang.perStepUs).padStart(29)} | ${fmt(lang.latencyUs).padStart(25)} | ${ratio.padStart(27)}`);
  }
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function main(): Promise<void> {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(`machine: ${cpu}, ${os.availableParallelism()} cores; Node ${process.versions.node}; load average ${os.loadavg()[0]!.toFixed(2)} at the start`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hearth-bench-agents-'));
  try {
    await overhead(dir);
    await fanOut(dir);
    if (!values['skip-llm']) {
      await firstTokenByStep({
        params: values.params,
        steps: Number(values.steps),
        reps: Number(values.reps),
        tokens: Number(values.tokens),
        threads: values.threads ? Number(values.threads) : undefined,
        dir: path.join(dir, 'first-token'),
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  console.log('');
  console.log(`load average ${os.loadavg()[0]!.toFixed(2)} at the end`);
}

await main();
