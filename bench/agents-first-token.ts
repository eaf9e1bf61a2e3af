/**
 * Time to first token of step N of a ReAct-style run, for bench/agents.ts: a graph think → act → think… on
 * Hearth's runtime with SQLite checkpoints, where `think` sends the whole, growing conversation (a system prompt
 * of tools and passages, then each thought and each tool's observation) to the tiny GGUF bench model, and `act`
 * adds an observation of a tool's size. Two models of one GGUF, with and without prefix reuse, runs interleaved.
 */
import os from 'node:os';
import { END, START, SqliteCheckpointer, StateGraph } from '../app/core/agents/graph/index.js';
import { LocalLlamaChatModel } from '../app/core/models/local-llama.js';
import { readGgufSummary } from '../app/core/models/gguf-info.js';
import { resolveLlmThreads } from '../app/core/models/threads.js';
import { completeChat, type ChatMessage } from '../app/core/models/types.js';
import { openDatabase } from '../app/core/storage/index.js';
import { benchModel, median, parseCount } from './bench-model.js';

interface ThinkFigures {
  promptTokens: number;
  cachedPromptTokens: number;
  timeToFirstTokenMs: number;
}

interface ReactState {
  messages: ChatMessage[];
  figures: ThinkFigures[];
}

const system = (rep: number): ChatMessage => ({
  role: 'system',
  content:
    `Run ${rep}. You are the planner. Tools: search(query), read_document(id, from, to), date_calc(op, date, amount, unit), tasks(action, title, due). ` +
    'Think, then call one tool as JSON, then read its observation.\n\n' +
    Array.from({ length: 8 }, (_, i) => `[${i + 1}] The contract says the supplier delivers within thirty business days of the order and the buyer pays within fourteen days.`).join('\n'),
});

const observation = (step: number): ChatMessage => ({
  role: 'user',
  content: `Observation ${step}: search returned 3 passages. [1] Delivery is due thirty business days after the order of 2026-12-01. [2] Payment within fourteen days of delivery. [3] Penalties apply after the due date.`,
});

function reactGraph(model: LocalLlamaChatModel, options: { steps: number; tokens: number }) {
  return new StateGraph<ReactState>({
    channels: {
      messages: { default: () => [], reducer: (current, update) => [...current, ...update] },
      figures: { default: () => [], reducer: (current, update) => [...current, ...update] },
    },
  })
    .addNode('think', async (state, ctx) => {
      const reply = await completeChat(model, { messages: state.messages, maxTokens: options.tokens, temperature: 0, seed: 1 }, { signal: ctx.signal });
      ctx.addTokens(reply.usage.promptTokens + reply.usage.completionTokens);
      const { promptTokens, cachedPromptTokens = 0, timeToFirstTokenMs } = reply.usage;
      return { messages: [{ role: 'assistant', content: reply.text }], figures: [{ promptTokens, cachedPromptTokens, timeToFirstTokenMs }] };
    })
    .addNode('act', (state) => ({ messages: [observation(state.figures.length)] }))
    .addEdge(START, 'think')
    .addConditionalEdges('think', (state) => (state.figures.length >= options.steps ? END : 'act'), ['act', END])
    .addEdge('act', 'think')
    .compile();
}

export async function firstTokenByStep(options: { params: string; steps: number; reps: number; tokens: number; threads: number | undefined; dir: string }): Promise<void> {
  const file = await benchModel(parseCount(options.params), 1);
  const source = { kind: 'local' as const, path: file, absolutePath: file, format: 'gguf' as const };
  const threads = resolveLlmThreads({ requested: options.threads, parameters: (await readGgufSummary(file)).parameters });
  const reuse = await LocalLlamaChatModel.load(source, { threads, sequences: 1 });
  const fresh = await LocalLlamaChatModel.load(source, { threads, sequences: 1, reusePrefix: false });
  const db = openDatabase(options.dir);
  const checkpointer = new SqliteCheckpointer(db);
  const figures = { reuse: [] as ThinkFigures[][], fresh: [] as ThinkFigures[][] };
  try {
    for (let rep = 0; rep <= options.reps; rep++) {
      const runs = [
        { name: 'reuse' as const, graph: reactGraph(reuse, options) },
        { name: 'fresh' as const, graph: reactGraph(fresh, options) },
      ];
      for (const run of rep % 2 ? runs.reverse() : runs) {
        const outcome = await run.graph.run({
          runId: `${run.name}-${rep}`,
          threadKey: `local:local:bench:react-${rep}`,
          input: { messages: [system(rep)] },
          checkpointer,
          signal: new AbortController().signal,
          limits: { maxSteps: options.steps * 2 + 2 },
        });
        if (outcome.status !== 'done') throw new Error(`the ReAct run stopped: ${JSON.stringify(outcome.request)}`);
        if (rep > 0) figures[run.name].push(outcome.state.figures);
      }
    }
  } finally {
    await reuse.dispose();
    await fresh.dispose();
    db.close();
  }
  console.log('');
  console.log(`3. Time to first token of think step N of a ReAct run (think → act → think…), ${os.availableParallelism()} cores, ${threads} thread${threads === 1 ? '' : 's'}`);
  console.log(`   model: ${file}; ${options.tokens}-token greedy thoughts; median of ${options.reps} reps (+1 warm-up)`);
  console.log('');
  console.log('step N | prompt tokens | cached (reuse) | first token, reuse ms | first token, no reuse ms | no reuse ÷ reuse');
  console.log('-------|---------------|----------------|-----------------------|--------------------------|-----------------');
  for (let step = 0; step < options.steps; step++) {
    const at = (reps: ThinkFigures[][], pick: (f: ThinkFigures) => number) => median(reps.map((rep) => pick(rep[step]!)));
    const withReuse = at(figures.reuse, (f) => f.timeToFirstTokenMs);
    const without = at(figures.fresh, (f) => f.timeToFirstTokenMs);
    console.log(
      `${String(step + 1).padStart(6)} | ${String(at(figures.reuse, (f) => f.promptTokens)).padStart(13)} | ${String(at(figures.reuse, (f) => f.cachedPromptTokens)).padStart(14)} | ` +
        `${withReuse.toFixed(1).padStart(21)} | ${without.toFixed(1).padStart(24)} | ${(without / withReuse).toFixed(2).padStart(15)}`,
    );
  }
}
