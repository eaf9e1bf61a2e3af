/**
 * Runs a model in a worker thread and calls into it: requests with ids, streamed events, cancellation,
 * and crash recovery. When the worker dies, every call in flight fails with `MODEL_CRASHED` and the next
 * call starts a fresh worker, so the main process (and the UI) survive a model that crashes.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { HearthError } from '../../../schemas/index.js';
import { packageRoot } from '../package-root.js';
import { WorkerMessage, type HostMessage } from './worker-protocol.js';

interface Pending {
  onEvent?: (event: unknown) => void;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

export interface WorkerHostOptions {
  /** The worker's name: `llm`, `embed`… (used to find its script and in messages). */
  name: string;
  /** The worker script; found next to the build output when not given. */
  script?: string;
  /**
   * Node flags for the worker; by default the parent's (so a preloaded module such as the tests' network
   * guard runs in workers too). Benchmarks run under tsx pass `[]`: its loader would slow every import.
   */
  execArgv?: string[];
  /** Passed to the worker as `workerData`. */
  workerData?: unknown;
  /** Called when the worker dies unexpectedly (after in-flight calls are failed). */
  onCrash?: (error: HearthError) => void;
  /** Sent once to every fresh worker before any other call (e.g. which model to load). */
  init?: { method: string; params: unknown };
}

/** Every worker thread a host has started and that has not exited yet, across all hosts: what a leak check reads. */
const liveWorkers = new Map<Worker, string>();

/** How many worker threads of each name have been started in this process. */
const startsByName = new Map<string, number>();

/** The worker threads still running (their names), for the tests' check that nothing is left behind. */
export function liveWorkerThreads(): string[] {
  return [...liveWorkers.values()];
}

/** How many worker threads named `name` (`llm`, `transformers`, `ingest`) this process has started: a model load each, for a model worker. */
export function workerThreadStarts(name: string): number {
  return startsByName.get(name) ?? 0;
}

export class WorkerHost {
  private worker: Worker | undefined;
  private starting: Promise<Worker> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;
  /** How many times the worker has been (re)started. */
  starts = 0;

  constructor(private readonly options: WorkerHostOptions) {}

  async call<R>(method: string, params: unknown, options: { signal?: AbortSignal; onEvent?: (event: unknown) => void } = {}): Promise<R> {
    const worker = await this.ensureWorker();
    return this.send<R>(worker, method, params, options);
  }

  /** Whether a worker thread is up now (a call on a host that is not running starts one). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Ends the worker thread (it is restarted by the next call); in-flight calls fail with MODEL_CRASHED. */
  async kill(): Promise<void> {
    const worker = this.worker;
    if (worker) await worker.terminate();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new HearthError('CANCELLED', `The ${this.options.name} worker was shut down.`));
    if (worker) await worker.terminate();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  private send<R>(worker: Worker, method: string, params: unknown, options: { signal?: AbortSignal; onEvent?: (event: unknown) => void }): Promise<R> {
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(new HearthError('CANCELLED', `${this.options.name}.${method} was cancelled.`));
        return;
      }
      const onAbort = () => worker.postMessage({ type: 'cancel', id } satisfies HostMessage);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => options.signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
        resolve: (result) => {
          done();
          resolve(result as R);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
      worker.postMessage({ type: 'call', id, method, params } satisfies HostMessage);
    });
  }

  private ensureWorker(): Promise<Worker> {
    if (this.disposed) return Promise.reject(new HearthError('CANCELLED', `The ${this.options.name} worker was shut down.`));
    // A worker still running its `init` is not ready: callers wait for the same start.
    if (this.starting) return this.starting;
    if (this.worker) return Promise.resolve(this.worker);
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async start(): Promise<Worker> {
    const script = this.options.script ?? resolveWorkerScript(this.options.name);
    const worker = new Worker(script, { workerData: this.options.workerData, ...(this.options.execArgv ? { execArgv: this.options.execArgv } : {}) });
    this.starts++;
    liveWorkers.set(worker, this.options.name);
    startsByName.set(this.options.name, workerThreadStarts(this.options.name) + 1);
    worker.once('exit', () => liveWorkers.delete(worker));
    worker.on('message', (raw: unknown) => this.receive(raw));
    worker.on('error', (error) => this.crashed(worker, error));
    worker.on('exit', (code) => this.crashed(worker, new Error(`exited with code ${code}`)));
    this.worker = worker;
    if (this.options.init) {
      try {
        await this.send(worker, this.options.init.method, this.options.init.params, {});
      } catch (error) {
        // A worker that could not initialise is of no use: end it, so the next call starts afresh.
        if (this.worker === worker) this.worker = undefined;
        await worker.terminate();
        throw error;
      }
    }
    return worker;
  }

  private crashed(worker: Worker, cause: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    if (this.disposed) return;
    const error = new HearthError('MODEL_CRASHED', `The ${this.options.name} worker stopped (${cause.message}); it will be restarted on the next request.`);
    this.failAll(error);
    this.options.onCrash?.(error);
  }

  private failAll(error: unknown): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const call of pending) call.reject(error);
  }

  private receive(raw: unknown): void {
    const parsed = WorkerMessage.safeParse(raw);
    if (!parsed.success) return; // our own worker; a malformed message is a bug, and its call will time out or crash
    const message = parsed.data;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.type === 'event') {
      pending.onEvent?.(message.event);
      return;
    }
    this.pending.delete(message.id);
    if (message.type === 'result') pending.resolve(message.result);
    else pending.reject(HearthError.fromPayload(message.error));
  }
}

/**
 * Where a worker's script is: in the compiled tree (`dist/app/workers/<name>/worker.js`), in the
 * Electron bundle (`out/main/workers/<name>.js`, beside or above the chunk holding this module), or — when the core runs from source, as in
 * tests — in the compiled tree under the package root.
 */
export function resolveWorkerScript(name: string): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.resolve(here, '../../workers', name, 'worker.js'),
    path.resolve(here, 'workers', `${name}.js`),
    path.resolve(here, '..', 'workers', `${name}.js`), // the bundler may place this module in out/main/chunks/
    path.join(packageRoot(), 'dist', 'app', 'workers', name, 'worker.js'),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new HearthError('INTERNAL', `The ${name} worker is not built (looked in ${candidates.join(', ')}). Run: npm run build:node`);
  return found;
}

