/**
 * The same 10-node graph for bench/agents.ts in both runtimes: each node appends a message of the size an agent
 * step adds (a tool result, a thought) to a `messages` channel with a reducer and counts itself in `count`.
 * Checkpointers are wrapped so the time spent writing and reading checkpoints is measured the same way in both.
 */
import { MemorySaver, type BaseCheckpointSaver } from '@langchain/langgraph';
import { Annotation, END as LG_END, START as LG_START, StateGraph as LangStateGraph } from '@langchain/langgraph';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import { END, START, StateGraph, type Checkpoint, type Checkpointer } from '../app/core/agents/graph/index.js';
import type { Db } from '../app/core/storage/index.js';

export const nodeCount = 10;
const nodeNames = Array.from({ length: nodeCount }, (_, i) => `n${i + 1}`);

export interface BenchState {
  messages: string[];
  count: number;
}

/** What a node adds: `bytes` characters, different per node so nothing compresses by accident. */
export function messageOf(node: number, bytes: number): string {
  const words = `step ${node} looked at the contract and found the payment term of thirty business days `;
  return words.repeat(Math.ceil(bytes / words.length)).slice(0, bytes);
}

/** Time spent in a checkpointer, by what it was asked. */
export class CheckpointClock {
  writes = 0;
  writeMs = 0;
  reads = 0;
  readMs = 0;
  reset(): void {
    this.writes = this.writeMs = this.reads = this.readMs = 0;
  }
}

async function timed<T>(clock: CheckpointClock, kind: 'write' | 'read', work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    const ms = performance.now() - started;
    if (kind === 'write') (clock.writes++, (clock.writeMs += ms));
    else (clock.reads++, (clock.readMs += ms));
  }
}

/** Hearth's runtime: a checkpointer measured by `clock`. */
export function timedCheckpointer(inner: Checkpointer, clock: CheckpointClock): Checkpointer {
  return {
    put: (checkpoint: Checkpoint) => timed(clock, 'write', () => inner.put(checkpoint)),
    latest: (threadKey, runId) => timed(clock, 'read', () => inner.latest(threadKey, runId)),
    history: (threadKey, runId) => inner.history(threadKey, runId),
    runs: (threadKey) => inner.runs(threadKey),
    deleteRun: (threadKey, runId) => inner.deleteRun(threadKey, runId),
  };
}

export function hearthGraph(bytes: number) {
  const graph = new StateGraph<BenchState>({
    channels: {
      messages: { default: () => [], reducer: (current, update) => [...current, ...update] },
      count: { default: () => 0, reducer: (current, update) => current + update },
    },
  });
  nodeNames.forEach((name, i) => graph.addNode(name, () => ({ messages: [messageOf(i + 1, bytes)], count: 1 })));
  graph.addEdge(START, nodeNames[0]!);
  for (let i = 1; i < nodeCount; i++) graph.addEdge(nodeNames[i - 1]!, nodeNames[i]!);
  graph.addEdge(nodeNames[nodeCount - 1]!, END);
  return graph.compile();
}

const LangState = Annotation.Root({
  messages: Annotation<string[]>({ reducer: (current, update) => [...current, ...update], default: () => [] }),
  count: Annotation<number>({ reducer: (current, update) => current + update, default: () => 0 }),
});

/** LangGraph.js: the same nodes and edges, compiled with the checkpointer given. */
export function langGraph(bytes: number, checkpointer: BaseCheckpointSaver) {
  // LangGraph's builder types each added node name into the graph's type; a loop needs the loose form.
  const graph = new LangStateGraph(LangState) as unknown as {
    addNode(name: string, node: (state: typeof LangState.State) => Partial<typeof LangState.State>): void;
    addEdge(from: string, to: string): void;
    compile(options: { checkpointer: BaseCheckpointSaver }): {
      invoke(input: unknown, config: unknown): Promise<typeof LangState.State>;
      stream(input: unknown, config: unknown): Promise<AsyncIterable<unknown>>;
    };
  };
  nodeNames.forEach((name, i) => graph.addNode(name, () => ({ messages: [messageOf(i + 1, bytes)], count: 1 })));
  graph.addEdge(LG_START, nodeNames[0]!);
  for (let i = 1; i < nodeCount; i++) graph.addEdge(nodeNames[i - 1]!, nodeNames[i]!);
  graph.addEdge(nodeNames[nodeCount - 1]!, LG_END);
  return graph.compile({ checkpointer });
}

/** LangGraph's SQLite checkpointer on a Hearth database, measured by `clock` (its own tables, next to Hearth's). */
export function timedSqliteSaver(db: Db, clock: CheckpointClock): SqliteSaver {
  class TimedSqliteSaver extends SqliteSaver {
    override put(...args: Parameters<SqliteSaver['put']>) {
      return timed(clock, 'write', () => super.put(...args));
    }
    override putWrites(...args: Parameters<SqliteSaver['putWrites']>) {
      return timed(clock, 'write', () => super.putWrites(...args));
    }
    override getTuple(...args: Parameters<SqliteSaver['getTuple']>) {
      return timed(clock, 'read', () => super.getTuple(...args));
    }
  }
  return new TimedSqliteSaver(db);
}

export function timedMemorySaver(clock: CheckpointClock): MemorySaver {
  class TimedMemorySaver extends MemorySaver {
    override put(...args: Parameters<MemorySaver['put']>) {
      return timed(clock, 'write', () => super.put(...args));
    }
    override putWrites(...args: Parameters<MemorySaver['putWrites']>) {
      return timed(clock, 'write', () => super.putWrites(...args));
    }
    override getTuple(...args: Parameters<MemorySaver['getTuple']>) {
      return timed(clock, 'read', () => super.getTuple(...args));
    }
  }
  return new TimedMemorySaver();
}
