/**
 * What KV-cache reuse saves a conversation: the same 5-turn conversation (a long system prompt of
 * passages, as answers and agents send every turn, then short questions) on two LocalLlamaChatModels of
 * one GGUF, one keeping each sequence's evaluated prompt between requests and one starting afresh every
 * time (`reusePrefix: false`), turns interleaved. Prints each turn's prompt and cached tokens and its time
 * to first token (the worker's figure: from the request to the first generated token) with and without
 * reuse, medians over the reps, and the ratio at the last turn. Prints figures only.
 *
 *   npm run bench:prefix -- [--params 25M] [--turns 5] [--reps 5] [--passages 24] [--tokens 24] [--threads N]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { LocalLlamaChatModel } from '../app/core/models/local-llama.js';
import { readGgufSummary } from '../app/core/models/gguf-info.js';
import { resolveLlmThreads } from '../app/core/models/threads.js';
import { completeChat, type ChatMessage } from '../app/core/models/types.js';
import { benchModel, median, parseCount } from './bench-model.js';

const { values } = parseArgs({
  options: {
    params: { type: 'string', default: '25M' },
    turns: { type: 'string', default: '5' },
    reps: { type: 'string', default: '5' },
    /** Passages in the system prompt: ~55 tokens each with the fixture's vocabulary. */
    passages: { type: 'string', default: '24' },
    /** Tokens per reply. */
    tokens: { type: 'string', default: '24' },
    threads: { type: 'string' },
    seed: { type: 'string', default: '1' },
  },
});

const turns = Number(values.turns);
const reps = Number(values.reps);
const replyTokens = Number(values.tokens);
const seed = Number(values.seed);

interface TurnFigures {
  promptTokens: number;
  cachedPromptTokens: number;
  timeToFirstTokenMs: number;
}

/** A conversation of `turns` questions about the passages; `rep` makes its very first tokens its own. */
function systemPrompt(rep: number): ChatMessage {
  const passages = Array.from(
    { length: Number(values.passages) },
    (_, i) => `[${i + 1}] The team said that the first part of the plan will take two days and that each user can see the data by the time the model is done.`,
  );
  return { role: 'system', content: `Conversation ${rep}. Answer from the numbered passages and cite them as [n].\n\n${passages.join('\n')}` };
}
const questions = ['What does the plan say first?', 'How long will that take?', 'Who can see the data?', 'When is the model done?', 'What did the team say?', 'Is there more?', 'Sum it up.'];

/** One conversation, a turn at a time, keeping its own history (each model writes its own replies). */
class Conversation {
  private readonly messages: ChatMessage[];

  constructor(
    private readonly model: LocalLlamaChatModel,
    rep: number,
  ) {
    this.messages = [systemPrompt(rep)];
  }

  async turn(turn: number): Promise<TurnFigures> {
    this.messages.push({ role: 'user', content: questions[turn % questions.length]! });
    const reply = await completeChat(this.model, { messages: this.messages, maxTokens: replyTokens, temperature: 0, seed });
    this.messages.push({ role: 'assistant', content: reply.text });
    const { promptTokens, cachedPromptTokens = 0, timeToFirstTokenMs } = reply.usage;
    return { promptTokens, cachedPromptTokens, timeToFirstTokenMs };
  }
}

async function main(): Promise<void> {
  const file = await benchModel(parseCount(values.params), seed);
  const source = { kind: 'local' as const, path: file, absolutePath: file, format: 'gguf' as const };
  const threads = resolveLlmThreads({ requested: values.threads ? Number(values.threads) : undefined, parameters: (await readGgufSummary(file)).parameters });
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(`machine: ${cpu}, ${os.availableParallelism()} cores; Node ${process.versions.node}; load average ${os.loadavg()[0]!.toFixed(2)} at the start`);
  console.log(`model: ${file}`);
  console.log(`${turns} turns × ${reps} reps (+1 warm-up), ${replyTokens}-token greedy replies, ${threads} thread${threads === 1 ? '' : 's'}, one sequence per model`);
  const reuse = await LocalLlamaChatModel.load(source, { threads, sequences: 1 });
  const fresh = await LocalLlamaChatModel.load(source, { threads, sequences: 1, reusePrefix: false });
  const figures = { reuse: [] as TurnFigures[][], fresh: [] as TurnFigures[][] };
  try {
    for (let rep = 0; rep <= reps; rep++) {
      const runs = [
        { conversation: new Conversation(reuse, rep), turns: [] as TurnFigures[] },
        { conversation: new Conversation(fresh, rep), turns: [] as TurnFigures[] },
      ];
      // Turn by turn, each conversation first in alternate reps, so drift on the machine falls on both.
      const order = rep % 2 ? [runs[1]!, runs[0]!] : runs;
      for (let turn = 0; turn < turns; turn++) {
        for (const run of order) run.turns.push(await run.conversation.turn(turn));
      }
      if (rep > 0) {
        figures.reuse.push(runs[0]!.turns);
        figures.fresh.push(runs[1]!.turns);
      }
    }
  } finally {
    await reuse.dispose();
    await fresh.dispose();
  }
  console.log('');
  console.log('turn | prompt tokens | cached (reuse) | first token, reuse ms | first token, no reuse ms | no reuse ÷ reuse');
  console.log('-----|---------------|----------------|-----------------------|--------------------------|-----------------');
  let lastRatio = 0;
  for (let turn = 0; turn < turns; turn++) {
    const at = (runs: TurnFigures[][], pick: (figures: TurnFigures) => number) => median(runs.map((rep) => pick(rep[turn]!)));
    const withReuse = at(figures.reuse, (f) => f.timeToFirstTokenMs);
    const without = at(figures.fresh, (f) => f.timeToFirstTokenMs);
    lastRatio = without / withReuse;
    console.log(
      `${String(turn + 1).padStart(4)} | ${String(at(figures.reuse, (f) => f.promptTokens)).padStart(13)} | ${String(at(figures.reuse, (f) => f.cachedPromptTokens)).padStart(14)} | ` +
        `${withReuse.toFixed(1).padStart(21)} | ${without.toFixed(1).padStart(24)} | ${lastRatio.toFixed(2).padStart(15)}`,
    );
  }
  console.log('');
  console.log(`turn ${turns}: the first token comes ${lastRatio.toFixed(1)}× sooner with prefix reuse (median of ${reps} reps)`);
  console.log(`load average ${os.loadavg()[0]!.toFixed(2)} at the end`);
}

await main();
