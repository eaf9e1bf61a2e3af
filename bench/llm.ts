/**
 * Decode speed of the local LLM through Hearth's worker (LocalLlamaChatModel: a worker thread, text
 * sent across in batches) against node-llama-cpp called directly in this process, on a realistic-size
 * GGUF written by the tiny-llama fixture — plus the worker sending every chunk as its own message, and
 * a second direct run that shows the noise. Same prompt, seed and context settings; repetitions
 * interleaved; medians. Prints figures only.
 *
 *   npm run build:node && npx tsx bench/llm.ts [--params 25M] [--tokens 128] [--reps 15] [--threads 1,2]
 */
import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { getLlama, LlamaChat, LlamaLogLevel, resolveChatWrapper, type ChatHistoryItem } from 'node-llama-cpp';
import { LocalLlamaChatModel } from '../app/core/models/local-llama.js';
import type { ChatRequest } from '../app/core/models/types.js';
import { writeTinyLlama, type TinyLlamaOptions } from '../tests/fixtures/models/tiny-llama.js';

const { values } = parseArgs({
  options: {
    params: { type: 'string', default: '25M' },
    tokens: { type: 'string', default: '128' },
    reps: { type: 'string', default: '15' },
    threads: { type: 'string' },
    seed: { type: 'string', default: '1' },
  },
});

const targetParams = parseCount(values.params);
const maxTokens = Number(values.tokens);
const reps = Number(values.reps);
const seed = Number(values.seed);
const cores = os.availableParallelism();
const threadCounts = values.threads ? values.threads.split(',').map(Number) : [...new Set([1, 2, cores])];
const sequences = 4; // Hearth's default, on both paths
const prompt = 'Summarise the plan for the launch in a few sentences.';
const request: ChatRequest = { messages: [{ role: 'user', content: prompt }], maxTokens, temperature: 0, seed };

interface Run {
  tokens: number;
  /** From the first text to the end: decoding only. */
  decodeMs: number;
  /** From the request to the end: prompt, decoding and (worker) the trip to the thread. */
  totalMs: number;
}

const pathWidth = 35;

async function main(): Promise<void> {
  const { file, parameters, bytes } = await benchModel(targetParams, seed);
  console.log(`model: ${file}`);
  console.log(`       ${(parameters / 1e6).toFixed(1)}M parameters, f16, ${(bytes / 1e6).toFixed(0)} MB; ${cores} cores; ${maxTokens} tokens × ${reps} reps (+1 warm-up), greedy, seed ${seed}`);
  console.log('');
  console.log(`threads | ${'path'.padEnd(pathWidth)} | decode tok/s | vs direct (median of pairs) | total ms`);
  console.log(`--------|-${'-'.repeat(pathWidth)}-|--------------|-----------------------------|---------`);
  for (const threads of threadCounts) await benchThreads(file, threads);
}

async function benchThreads(file: string, threads: number): Promise<void> {
  // Configured as the worker configures itself (app/workers/llm/open-llama.ts, loaded-model.ts).
  const llama = await getLlama({ gpu: 'auto', build: 'never', skipDownload: true, maxThreads: threads, logLevel: LlamaLogLevel.error });
  const direct = await llama.loadModel({ modelPath: file, defaultContextFlashAttention: false });
  const chatWrapper = resolveChatWrapper(direct);
  const source = { kind: 'local' as const, path: file, absolutePath: file, format: 'gguf' as const };
  const worker = await LocalLlamaChatModel.load(source, { threads, sequences });
  const unbatched = await LocalLlamaChatModel.load(source, { threads, sequences, streamIntervalMs: 0 });
  const { contextSize } = await worker.info();
  const contexts = [
    await direct.createContext({ contextSize, sequences, threads, flashAttention: false }),
    // A second direct context: its ratio to the first shows how much of a difference is noise.
    await direct.createContext({ contextSize, sequences, threads, flashAttention: false }),
  ];
  const [chat, control] = contexts.map((context) => new LlamaChat({ contextSequence: context.getSequence(), chatWrapper }));
  const paths: { name: string; run: () => Promise<Run>; runs: Run[] }[] = [
    { name: 'direct (node-llama-cpp, in-process)', run: () => runDirect(chat!), runs: [] },
    { name: 'direct again (A/A: the noise)', run: () => runDirect(control!), runs: [] },
    { name: 'worker (LocalLlamaChatModel)', run: () => runWorker(worker), runs: [] },
    { name: 'worker, one message per chunk', run: () => runWorker(unbatched), runs: [] },
  ];
  try {
    for (let rep = 0; rep <= reps; rep++) {
      // Rotate who goes first, so no path always runs on a just-warmed (or just-throttled) CPU.
      for (let i = 0; i < paths.length; i++) {
        const path = paths[(rep + i) % paths.length]!;
        const run = await path.run();
        if (rep > 0) path.runs.push(run);
      }
    }
    const directRuns = paths[0]!.runs;
    for (const { name, runs } of paths) {
      // Each rep's runs were back to back, so the machine's drift (other tenants, clocks) mostly cancels out.
      const ratio = median(runs.map((run, i) => tokensPerSecond(run) / tokensPerSecond(directRuns[i]!)));
      console.log(
        `${String(threads).padStart(7)} | ${name.padEnd(pathWidth)} | ${median(runs.map(tokensPerSecond)).toFixed(1).padStart(12)} | ` +
          `${ratio.toFixed(3).padStart(27)} | ${median(runs.map((r) => r.totalMs)).toFixed(0).padStart(8)}`,
      );
    }
    const tokenCounts = new Set(paths.flatMap((p) => p.runs.map((r) => r.tokens)));
    if (tokenCounts.size > 1) console.log(`        (token counts differ between runs: ${[...tokenCounts].join(', ')})`);
  } finally {
    chat!.dispose();
    control!.dispose();
    for (const context of contexts) await context.dispose();
    await worker.dispose();
    await unbatched.dispose();
    await direct.dispose();
    await llama.dispose();
  }
}

async function runWorker(model: LocalLlamaChatModel): Promise<Run> {
  const start = performance.now();
  let first = 0;
  let tokens = 0;
  for await (const event of model.chat(request)) {
    if (event.type === 'text' && first === 0) first = performance.now();
    if (event.type === 'finish') tokens = event.usage.completionTokens;
  }
  const end = performance.now();
  return { tokens, decodeMs: end - first, totalMs: end - start };
}

async function runDirect(chat: LlamaChat): Promise<Run> {
  // What the worker does per request: a fresh sequence, the chat template, the same sampling options.
  const history: ChatHistoryItem[] = [{ type: 'user', text: prompt }, { type: 'model', response: [] }];
  const start = performance.now();
  let first = 0;
  let tokens = 0;
  await chat.sequence.clearHistory();
  await chat.generateResponse(history, {
    maxTokens,
    temperature: 0,
    seed,
    onTextChunk: () => {
      if (first === 0) first = performance.now();
    },
    onToken: (generated) => (tokens += generated.length),
  });
  const end = performance.now();
  return { tokens, decodeMs: end - first, totalMs: end - start };
}

/**
 * Decode rate: the first text holds the first token, the rest were decoded until the end. The worker
 * sends the first text at once and the last at the end, so joining what comes between does not
 * flatter this figure.
 */
function tokensPerSecond(run: Run): number {
  return ((run.tokens - 1) * 1000) / run.decodeMs;
}

/** A llama-shaped GGUF of about `target` parameters, written once and kept in the temp folder. */
async function benchModel(target: number, seed: number) {
  const embedding = target <= 60e6 ? 512 : target <= 150e6 ? 768 : target <= 400e6 ? 1024 : 2048;
  const heads = embedding / 64;
  const kvHeads = heads / 2;
  const feedForward = Math.ceil((embedding * 2.75) / 16) * 16;
  const perLayer = 2 * embedding * embedding + 2 * embedding * (embedding / 2) + 3 * embedding * feedForward;
  const layers = Math.max(1, Math.round((target - 2 * 700 * embedding) / perLayer));
  const options: TinyLlamaOptions = { layers, embedding, heads, kvHeads, feedForward, seed, type: 'f16' };
  const dir = path.join(os.tmpdir(), 'hearth-bench');
  const file = path.join(dir, `llama-${layers}x${embedding}-f16-seed${seed}.gguf`);
  await mkdir(dir, { recursive: true });
  const partial = `${file}.partial`;
  const written = existsSync(file) ? undefined : await writeTinyLlama(partial, options);
  if (written) await rename(partial, file);
  // Writing is deterministic, so a cached file's figures can be had by recounting without writing.
  const figures = written ?? (await describeCached(file));
  return { file, parameters: figures.parameters, bytes: figures.bytes };
}

async function describeCached(file: string): Promise<{ parameters: number; bytes: number }> {
  const { readGgufSummary } = await import('../app/core/models/gguf-info.js');
  const summary = await readGgufSummary(file);
  return { parameters: summary.parameters, bytes: summary.sizeBytes };
}

function parseCount(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([kKmMbB]?)$/.exec(text.trim());
  if (!match) throw new Error(`--params ${text}: expected a count like 25M or 1.5B`);
  const scale = { '': 1, k: 1e3, m: 1e6, b: 1e9 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'b'];
  return Number(match[1]) * scale;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

await main();
