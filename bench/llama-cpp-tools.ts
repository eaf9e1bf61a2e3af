/**
 * llama.cpp's own tools — `llama-bench` to set Hearth's decode speed against the engine's, and
 * `llama-quantize` to make quantized copies of the bench's models — built from the very llama.cpp
 * source node-llama-cpp ships (`llama/gitRelease.bundle`), so both sides run the same code. Built once
 * into ~/.cache/hearth-bench/llama.cpp (CPU only; nothing is downloaded) and reused.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

export type LlamaCppTool = 'llama-bench' | 'llama-quantize';

const packageDir = packageRoot(createRequire(import.meta.url).resolve('node-llama-cpp'));
const bundle = path.join(packageDir, 'llama', 'gitRelease.bundle');
const sourceDir = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'hearth-bench', 'llama.cpp');
const buildDir = path.join(sourceDir, 'build');

/**
 * CPU only, tuned for this machine (node-llama-cpp's prebuilt binaries pick the matching CPU variant at
 * run time, so `-march=native` is the fair counterpart). OpenMP off because node-llama-cpp's binaries
 * are built without it: both sides then use ggml's own thread pool, whose waiting is what the thread
 * count is about. No HTTPS, server, UI or tests: nothing that would reach for the network.
 */
const cmakeOptions = [
  '-DCMAKE_BUILD_TYPE=Release',
  '-DGGML_NATIVE=ON',
  '-DGGML_OPENMP=OFF',
  '-DBUILD_SHARED_LIBS=OFF',
  '-DLLAMA_OPENSSL=OFF',
  '-DLLAMA_BUILD_TESTS=OFF',
  '-DLLAMA_BUILD_EXAMPLES=OFF',
  '-DLLAMA_BUILD_SERVER=OFF',
  '-DLLAMA_BUILD_APP=OFF',
  '-DLLAMA_BUILD_UI=OFF',
  '-DLLAMA_USE_PREBUILT_UI=OFF',
];

/** node-llama-cpp's folder, from its entry point (its `exports` do not include package.json). */
function packageRoot(entry: string): string {
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'llama', 'gitRelease.bundle'))) return dir;
  }
  throw new Error(`no llama/gitRelease.bundle above ${entry}: is node-llama-cpp installed whole?`);
}

/** The llama.cpp release node-llama-cpp was built from, e.g. `v0.4.0 (80fb11a)`. */
export async function llamaCppRelease(): Promise<string> {
  const info = JSON.parse(await readFile(path.join(packageDir, 'llama', 'llama.cpp.info.json'), 'utf8')) as { tag: string };
  return `${info.tag} (${(await bundleCommit()).slice(0, 7)})`;
}

/** The tool's binary, cloning and building it first if this machine has not yet. */
export async function llamaCppTool(tool: LlamaCppTool, log: (line: string) => void = console.log): Promise<string> {
  const binary = path.join(buildDir, 'bin', tool);
  await ensureSource(log);
  if (existsSync(binary)) return binary;
  const logFile = path.join(sourceDir, `build-${tool}.log`);
  log(`building ${tool} from node-llama-cpp's llama.cpp ${await llamaCppRelease()} into ${buildDir} (once; ~15 min on 2 cores; log: ${logFile})`);
  if (!existsSync(path.join(buildDir, 'CMakeCache.txt'))) await run('cmake', ['-S', sourceDir, '-B', buildDir, ...cmakeOptions], logFile);
  await run('cmake', ['--build', buildDir, '--target', tool, '--parallel', String(os.availableParallelism())], logFile);
  if (!existsSync(binary)) throw new Error(`the build finished but ${binary} is not there; see ${logFile}`);
  return binary;
}

/** A clone of the bundle at the bundle's commit; a clone of another commit (node-llama-cpp was updated) is replaced. */
async function ensureSource(log: (line: string) => void): Promise<void> {
  const wanted = await bundleCommit();
  if (existsSync(path.join(sourceDir, '.git'))) {
    const have = (await capture('git', ['-C', sourceDir, 'rev-parse', 'HEAD'])).trim();
    if (have === wanted) return;
    log(`${sourceDir} holds llama.cpp ${have.slice(0, 7)}, node-llama-cpp now ships ${wanted.slice(0, 7)}: cloning again`);
  }
  await rm(sourceDir, { recursive: true, force: true });
  await capture('git', ['-c', 'advice.detachedHead=false', 'clone', '--quiet', bundle, sourceDir]);
}

async function bundleCommit(): Promise<string> {
  const heads = await capture('git', ['bundle', 'list-heads', bundle]);
  const commit = /^([0-9a-f]{40}) HEAD$/m.exec(heads)?.[1] ?? /^([0-9a-f]{40}) /m.exec(heads)?.[1];
  if (!commit) throw new Error(`${bundle} lists no commit (git bundle list-heads said: ${heads.trim() || 'nothing'})`);
  return commit;
}

export interface LlamaBenchRun {
  model: string;
  threads: number;
  tokens: number;
  repetitions: number;
}

/**
 * llama-bench's text-generation test (`-p 0 -n tokens`): tokens/s of each repetition. Flash attention off
 * and no GPU layers, as Hearth loads models on this path (app/workers/llm/loaded-model.ts).
 */
export async function runLlamaBench(binary: string, { model, threads, tokens, repetitions }: LlamaBenchRun): Promise<number[]> {
  const args = ['-m', model, '-t', String(threads), '-n', String(tokens), '-p', '0', '-r', String(repetitions), '-fa', 'off', '-ngl', '0', '-o', 'json'];
  const output = await capture(binary, args);
  const tests = JSON.parse(output) as { n_gen: number; n_prompt: number; n_threads: number; samples_ts: number[] }[];
  const generation = tests.find((test) => test.n_gen === tokens && test.n_prompt === 0 && test.n_threads === threads);
  if (!generation) throw new Error(`llama-bench ${args.join(' ')} printed no text-generation result: ${output.slice(0, 500)}`);
  return generation.samples_ts;
}

/** A quantized copy of an f16 GGUF (`type` as llama-quantize names it, e.g. Q4_K_M, Q8_0). */
export async function quantize(binary: string, input: string, output: string, type: string): Promise<void> {
  await capture(binary, [input, output, type.toUpperCase(), String(os.availableParallelism())]);
}

/** Runs a command with its output to a log file (long builds), failing with the log's last lines. */
async function run(command: string, args: string[], logFile: string): Promise<void> {
  const out = createWriteStream(logFile, { flags: 'a' });
  await new Promise<void>((resolve, reject) => out.once('open', () => resolve()).once('error', reject));
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', out, out] });
    child.once('error', reject);
    child.once('close', resolve);
  });
  await new Promise<void>((resolve) => out.end(resolve));
  if (code !== 0) {
    const tail = (await readFile(logFile, 'utf8')).trimEnd().split('\n').slice(-20).join('\n');
    throw new Error(`${command} ${args.join(' ')} exited with ${code}; the end of ${logFile}:\n${tail}`);
  }
}

/** Runs a command and returns what it printed, failing with its error output. */
async function capture(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) return resolve(Buffer.concat(stdout).toString('utf8'));
      const message = Buffer.concat(stderr).toString('utf8').trimEnd().split('\n').slice(-20).join('\n');
      reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${message}`));
    });
  });
}
