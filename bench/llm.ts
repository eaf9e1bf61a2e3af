/**
 * Decode speed of the local LLM through Hearth's worker (LocalLlamaChatModel: a worker thread, text
 * sent across in batches) against node-llama-cpp called directly in this process and, with
 * `--llama-bench`, against llama.cpp's own llama-bench built from the same llama.cpp source, on
 * realistic-size GGUFs written by the tiny-llama fixture (and quantized copies of them) — plus the worker
 * sending every chunk as its own message, and a second direct run that shows the noise. Same prompt,
 * seed and context settings; every path at every thread count interleaved; medians. Ends with a summary
 * per model: the fastest thread count beside the one Hearth picks by default (app/core/models/threads.ts).
 * Prints figures only.
 *
 *   npm run bench:llm -- [--params 25M,300M,1B] [--types f16,q4_k_m] [--models my.gguf] [--tokens 128] [--reps 15]
 *                        [--threads 1,2] [--llama-bench] [--wait-for-quiet]
 *
 * `--threads` defaults to every count from 1 to the machine's cores (up to 4; past that, powers of two
 * and the top two). `--types` other than f16, and `--llama-bench`, build llama.cpp's tools once
 * (bench/llama-cpp-tools.ts). `--wait-for-quiet` holds each run until other programs leave the CPUs
 * alone for a second: on a shared 2-core machine, a second math thread is otherwise measuring them.
 */
import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { getLlama, LlamaChat, LlamaLogLevel, resolveChatWrapper, type ChatHistoryItem } from 'node-llama-cpp';
import { readGgufSummary } from '../app/core/models/gguf-info.js';
import { LocalLlamaChatModel } from '../app/core/models/local-llama.js';
import { defaultLlmThreads } from '../app/core/models/threads.js';
import type { ChatRequest } from '../app/core/models/types.js';
import { benchModel, median, parseCount } from './bench-model.js';
import { llamaCppRelease, llamaCppTool, quantize, runLlamaBench } from './llama-cpp-tools.js';
import { othersShare, readCpu, waitForQuiet } from './machine-load.js';

const { values } = parseArgs({
  options: {
    /** Model sizes, comma-separated: each is written (once) and benched in turn. Default 25M unless --models. */
    params: { type: 'string' },
    /** GGUF files of your own, comma-separated, benched after the written ones. */
    models: { type: 'string' },
    /** Weight types per size: f16 as written, others quantized from it by llama-quantize (q8_0, q4_k_m…). */
    types: { type: 'string', default: 'f16' },
    tokens: { type: 'string', default: '128' },
    reps: { type: 'string', default: '15' },
    threads: { type: 'string' },
    seed: { type: 'string', default: '1' },
    /** Also run llama.cpp's llama-bench on the same file and print Hearth ÷ llama-bench. */
    'llama-bench': { type: 'boolean', default: false },
    /** Before each run, wait (up to 2 min) for a second in which other programs used under 10% of the CPUs. */
    'wait-for-quiet': { type: 'boolean', default: false },
  },
});

const targetSizes = (values.params ?? (values.models ? '' : '25M')).split(',').filter(Boolean).map(parseCount);
const ownModels = values.models ? values.models.split(',').map((file) => path.resolve(file.trim())) : [];
const weightTypes = values.types.split(',').map((type) => type.trim().toLowerCase());
const maxTokens = Number(values.tokens);
const reps = Number(values.reps);
const seed = Number(values.seed);
const cores = os.availableParallelism();
const threadCounts = values.threads ? values.threads.split(',').map(Number) : defaultThreadCounts(cores);
const sequences = 4; // Hearth's default, on both paths
const prompt = 'Summarise the plan for the launch in a few sentences.';
const request: ChatRequest = { messages: [{ role: 'user', content: prompt }], maxTokens, temperature: 0, seed };

interface Run {
  tokens: number;
  /** Decode rate: see {@link tokensPerSecond}, or llama-bench's own figure. */
  tokensPerSecond: number;
  /** From the request to the end: prompt, decoding and (worker) the trip to the thread; none for llama-bench. */
  totalMs?: number;
  /** The share of the CPUs other programs used meanwhile (Linux only). */
  othersShare?: number;
}

type PathName = 'direct' | 'direct again' | 'worker' | 'worker unbatched' | 'llama-bench';

const pathTitles: Record<PathName, string> = {
  direct: 'direct (node-llama-cpp, in-process)',
  'direct again': 'direct again (A/A: the noise)',
  worker: 'worker (LocalLlamaChatModel)',
  'worker unbatched': 'worker, one message per chunk',
  'llama-bench': 'llama-bench (llama.cpp, same file)',
};

interface BenchPath {
  name: PathName;
  threads: number;
  run: () => Promise<Run>;
  runs: Run[];
}

interface MachineLoad {
  /** The 1-minute load average after each rep. */
  averages: number[];
  /** Runs that started although the machine never had a quiet second (`--wait-for-quiet`). */
  unquietStarts: number;
}

interface ModelResult {
  label: string;
  bytes: number;
  parameters: number;
  /** The median share (%) of the CPUs other programs used during a run. */
  othersShare: number | undefined;
  /** By thread count: worker decode tok/s (median), Hearth ÷ llama-bench, and its speed ÷ the worker's at 1 thread. */
  byThreads: Map<number, { worker: number; vsLlamaBench?: number; vsOneThread?: number }>;
}

const pathWidth = 35;

async function main(): Promise<void> {
  const llamaBench = values['llama-bench'] ? await llamaCppTool('llama-bench') : undefined;
  const quantizer = weightTypes.some((type) => type !== 'f16') ? await llamaCppTool('llama-quantize') : undefined;
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(
    `machine: ${cpu}, ${cores} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM; Node ${process.versions.node}; ` +
      `load average ${loadAverage()} at the start`,
  );
  if (llamaBench) console.log(`llama-bench: ${llamaBench}, llama.cpp ${await llamaCppRelease()} (node-llama-cpp's own source), CPU only`);
  console.log(`${maxTokens} tokens × ${reps} reps (+1 warm-up), greedy, seed ${seed}; threads ${threadCounts.join(', ')}, interleaved`);
  const results: ModelResult[] = [];
  for (const target of targetSizes) {
    const f16 = await benchModel(target, seed);
    for (const type of weightTypes) {
      const file = type === 'f16' ? f16 : await quantizedModel(f16, type, quantizer!);
      results.push(await benchFile(file, llamaBench));
    }
  }
  for (const file of ownModels) results.push(await benchFile(file, llamaBench));
  printSummary(results);
  console.log(`load average ${loadAverage()} at the end`);
}

/**
 * Every path at every thread count on one GGUF, all loaded at once so that each rep runs them all back
 * to back: load from other work on the machine then falls on every thread count alike, instead of on
 * whichever happened to run while it lasted.
 */
async function benchFile(file: string, llamaBench: string | undefined): Promise<ModelResult> {
  const { parameters, sizeBytes, quantization } = await readGgufSummary(file);
  const label = `${(parameters / 1e6).toFixed(1)}M ${quantization.replace(/^MOSTLY_/, '').toLowerCase()}`;
  console.log('');
  console.log(`model: ${file}`);
  console.log(`       ${label}, ${(sizeBytes / 1e6).toFixed(0)} MB`);
  const toDispose: (() => unknown)[] = [];
  const paths: BenchPath[] = [];
  try {
    // Configured as the worker configures itself (app/workers/llm/open-llama.ts, loaded-model.ts); each
    // context gets its own thread count, within the Llama's maximum.
    const llama = await getLlama({ gpu: 'auto', build: 'never', skipDownload: true, maxThreads: Math.max(...threadCounts), logLevel: LlamaLogLevel.error });
    toDispose.push(() => llama.dispose());
    const direct = await llama.loadModel({ modelPath: file, defaultContextFlashAttention: false });
    toDispose.push(() => direct.dispose());
    const chatWrapper = resolveChatWrapper(direct);
    const source = { kind: 'local' as const, path: file, absolutePath: file, format: 'gguf' as const };
    for (const threads of threadCounts) {
      const worker = await LocalLlamaChatModel.load(source, { threads, sequences });
      toDispose.push(() => worker.dispose());
      const unbatched = await LocalLlamaChatModel.load(source, { threads, sequences, streamIntervalMs: 0 });
      toDispose.push(() => unbatched.dispose());
      const { contextSize, device } = await worker.info();
      if (llamaBench && device !== 'cpu') console.log(`(Hearth runs on ${device} here, llama-bench on the CPU: the ratio compares the two devices)`);
      const chats: LlamaChat[] = [];
      // Two direct contexts: the second's ratio to the first shows how much of a difference is noise.
      for (let i = 0; i < 2; i++) {
        const context = await direct.createContext({ contextSize, sequences, threads, flashAttention: false });
        toDispose.push(() => context.dispose());
        const chat = new LlamaChat({ contextSequence: context.getSequence(), chatWrapper });
        toDispose.push(() => chat.dispose());
        chats.push(chat);
      }
      paths.push(
        { name: 'direct', threads, run: () => runDirect(chats[0]!), runs: [] },
        { name: 'direct again', threads, run: () => runDirect(chats[1]!), runs: [] },
        { name: 'worker', threads, run: () => runWorker(worker), runs: [] },
        { name: 'worker unbatched', threads, run: () => runWorker(unbatched), runs: [] },
      );
      if (llamaBench) paths.push({ name: 'llama-bench', threads, run: () => runEngine(llamaBench, file, threads), runs: [] });
    }
    const load: MachineLoad = { averages: [], unquietStarts: 0 };
    for (let rep = 0; rep <= reps; rep++) {
      // Rotate who goes first, so no path always runs on a just-warmed (or just-throttled) CPU.
      for (let i = 0; i < paths.length; i++) {
        const path = paths[(rep + i) % paths.length]!;
        if (values['wait-for-quiet'] && !(await waitForQuiet(0.1, 120_000))) load.unquietStarts++;
        const before = readCpu();
        const run = await path.run();
        run.othersShare = othersShare(before, readCpu());
        if (rep > 0) path.runs.push(run);
      }
      load.averages.push(os.loadavg()[0]!);
    }
    return printModel(label, { bytes: sizeBytes, parameters }, paths, load);
  } finally {
    for (const dispose of toDispose.reverse()) await dispose();
  }
}

/**
 * The table of one model, and what goes into the summary. Ratios are medians of pairs from the same rep,
 * whose runs were back to back, so the machine's drift (other tenants, clocks) mostly cancels out.
 */
function printModel(label: string, { bytes, parameters }: { bytes: number; parameters: number }, paths: BenchPath[], load: MachineLoad): ModelResult {
  const runsOf = (name: PathName, threads: number) => paths.find((p) => p.name === name && p.threads === threads)?.runs;
  const pairedRatio = (runs: Run[], base: Run[]) => median(runs.map((run, i) => run.tokensPerSecond / base[i]!.tokensPerSecond));
  console.log(`threads | ${'path'.padEnd(pathWidth)} | decode tok/s | fastest run | vs direct (median of pairs) | ÷ llama-bench | total ms`);
  console.log(`--------|-${'-'.repeat(pathWidth)}-|--------------|-------------|-----------------------------|---------------|---------`);
  const result: ModelResult = { label, bytes, parameters, othersShare: undefined, byThreads: new Map() };
  const workerAtOne = runsOf('worker', 1);
  for (const threads of threadCounts) {
    const directRuns = runsOf('direct', threads)!;
    const engineRuns = runsOf('llama-bench', threads);
    for (const { name, runs } of paths.filter((p) => p.threads === threads)) {
      const speeds = runs.map((r) => r.tokensPerSecond);
      const totals = runs.flatMap((run) => (run.totalMs === undefined ? [] : [run.totalMs]));
      console.log(
        `${String(threads).padStart(7)} | ${pathTitles[name].padEnd(pathWidth)} | ${median(speeds).toFixed(1).padStart(12)} | ` +
          `${Math.max(...speeds).toFixed(1).padStart(11)} | ${pairedRatio(runs, directRuns).toFixed(3).padStart(27)} | ` +
          `${(engineRuns ? pairedRatio(runs, engineRuns).toFixed(3) : '—').padStart(13)} | ${(totals.length ? median(totals).toFixed(0) : '—').padStart(8)}`,
      );
    }
    const workerRuns = runsOf('worker', threads)!;
    result.byThreads.set(threads, {
      worker: median(workerRuns.map((r) => r.tokensPerSecond)),
      ...(engineRuns ? { vsLlamaBench: pairedRatio(workerRuns, engineRuns) } : {}),
      ...(workerAtOne ? { vsOneThread: pairedRatio(workerRuns, workerAtOne) } : {}),
    });
  }
  const tokenCounts = new Set(paths.flatMap((p) => p.runs.map((r) => r.tokens)));
  if (tokenCounts.size > 1) console.log(`(token counts differ between runs: ${[...tokenCounts].join(', ')})`);
  const loads = load.averages;
  const shares = paths.flatMap((p) => p.runs.flatMap((r) => (r.othersShare === undefined ? [] : [r.othersShare * 100])));
  console.log(
    `(load average ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} over the reps` +
      (shares.length ? `; other programs used ${median(shares).toFixed(0)}% of the CPUs in the median run, ${Math.max(...shares).toFixed(0)}% at most` : '') +
      (values['wait-for-quiet'] ? `; ${load.unquietStarts} runs started without a quiet second after 2 min of waiting` : '') +
      ')',
  );
  result.othersShare = shares.length ? median(shares) : undefined;
  return result;
}

/**
 * Per model: worker decode tok/s at each thread count with Hearth ÷ llama-bench, its speed against one
 * thread, the fastest count, and what Hearth's default picks for a model of that size.
 */
function printSummary(results: ModelResult[]): void {
  console.log('');
  console.log('summary: worker decode tok/s (Hearth ÷ llama-bench; × the worker at 1 thread, median of pairs) by threads');
  const cell = (threads: number, result: ModelResult) => {
    const { worker, vsLlamaBench, vsOneThread } = result.byThreads.get(threads)!;
    const ratios = [vsLlamaBench === undefined ? undefined : `÷${vsLlamaBench.toFixed(2)}`, threads === 1 || vsOneThread === undefined ? undefined : `×${vsOneThread.toFixed(2)}`];
    const extra = ratios.filter(Boolean).join(' ');
    return `${worker.toFixed(1)}${extra ? ` (${extra})` : ''}`;
  };
  const width = 24;
  console.log(`${'model'.padEnd(14)} | ${'MB'.padStart(5)} | ${threadCounts.map((t) => `${t} thread${t > 1 ? 's' : ''}`.padStart(width)).join(' | ')} | fastest | default | others' CPU`);
  for (const result of results) {
    const fastest = [...result.byThreads].reduce((a, b) => (b[1].worker > a[1].worker ? b : a))[0];
    const chosen = defaultLlmThreads({ parameters: result.parameters, cores });
    console.log(
      `${result.label.padEnd(14)} | ${(result.bytes / 1e6).toFixed(0).padStart(5)} | ${threadCounts.map((t) => cell(t, result).padStart(width)).join(' | ')} | ` +
        `${String(fastest).padStart(7)} | ${String(chosen).padStart(7)} | ${(result.othersShare === undefined ? '—' : `${result.othersShare.toFixed(0)}%`).padStart(11)}`,
    );
  }
}

/**
 * Every count from 1 to the cores on a small machine; on a bigger one the powers of two and the top two,
 * since every count keeps its own models loaded (a 1B f16 context alone is ~0.7 GB).
 */
function defaultThreadCounts(cores: number): number[] {
  if (cores <= 4) return Array.from({ length: cores }, (_, i) => i + 1);
  const counts = new Set([cores - 1, cores]);
  for (let threads = 1; threads < cores; threads *= 2) counts.add(threads);
  return [...counts].sort((a, b) => a - b);
}

/** One llama-bench process per rep (its own warm-up included), so it interleaves with the other paths. */
async function runEngine(binary: string, file: string, threads: number): Promise<Run> {
  const [tokensPerSecond] = await runLlamaBench(binary, { model: file, threads, tokens: maxTokens, repetitions: 1 });
  return { tokens: maxTokens, tokensPerSecond: tokensPerSecond! };
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
  return { tokens, tokensPerSecond: tokensPerSecond(tokens, end - first), totalMs: end - start };
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
  return { tokens, tokensPerSecond: tokensPerSecond(tokens, end - first), totalMs: end - start };
}

/**
 * Decode rate: the first text holds the first token, the rest were decoded until the end. The worker
 * sends the first text at once and the last at the end, so joining what comes between does not
 * flatter this figure.
 */
function tokensPerSecond(tokens: number, decodeMs: number): number {
  return ((tokens - 1) * 1000) / decodeMs;
}

/** The f16 model quantized to `type` by llama.cpp's llama-quantize, written once beside it. */
async function quantizedModel(f16: string, type: string, quantizer: string): Promise<string> {
  const file = f16.replace('-f16-', `-${type}-`);
  if (!existsSync(file)) {
    console.log(`quantizing ${path.basename(f16)} to ${type} (once)…`);
    await quantize(quantizer, f16, `${file}.partial`, type);
    await rename(`${file}.partial`, file);
  }
  return file;
}

function loadAverage(): string {
  return os.loadavg()[0]!.toFixed(2);
}

await main();
