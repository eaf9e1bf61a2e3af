/**
 * Reads documents in a pool of ingest worker threads: files are taken first come, first served by
 * whichever worker is free, so one huge PDF never holds up the rest for more than one worker. A large PDF
 * that finds three or more workers idle (`splitPdfWorkers`) and no file waiting is read by all of them at once, a slice of its
 * pages each. A worker that crashes fails only the file it was reading (with a message saying so); it is
 * restarted for the next file.
 */
import os from 'node:os';
import type { z } from 'zod';
import { HearthError } from '../../../schemas/index.js';
import { WorkerHost } from '../threads/index.js';
import { formatOfFile } from './formats.js';
import type { OcrOptions, ParsedDocument, ParseInput } from './types.js';
import { ParsedDocumentResult, PdfScanResult, ingestWorkerName } from './worker-contract.js';

export interface ParsePoolOptions {
  /** Worker threads; default one per core but one, and at least one. */
  size?: number;
  /** OCR settings for every worker; `false` turns OCR off. */
  ocr?: OcrOptions | false;
  /** The worker script; found next to the build output when not given. */
  script?: string;
  /** Node flags for the workers; by default the parent's (see WorkerHostOptions.execArgv). */
  workerExecArgv?: string[];
  /** After a cancel, a parse still running this long later (stuck in a parser) has its worker ended. */
  cancelGraceMs?: number;
  /** PDFs at least this large are read by every idle worker at once, a slice of pages each; default 1 MB (smaller ones read faster whole: each slice opens the file and parses its fonts again). */
  splitPdfBytes?: number;
  /**
   * The fewest idle workers worth slicing a PDF for; default 3. Each slice opens the file and parses its
   * fonts again, and the slices' lines travel to the worker that lays them out: on 2 workers that ate the
   * gain (bench/ingest.ts, docs/benchmarks.md).
   */
  splitPdfWorkers?: number;
}

export interface ParseOptions {
  signal?: AbortSignal;
  /** 0..1 over this file's parse. */
  onProgress?: (fraction: number) => void;
}

interface Job {
  input: ParseInput;
  options: ParseOptions;
  resolve(document: ParsedDocument): void;
  reject(error: unknown): void;
  /** Takes the job out of the queue when it is cancelled before a worker picks it up. */
  leaveQueue?: () => void;
}

export const defaultParsePoolSize = (): number => Math.max(1, os.availableParallelism() - 1);

export class ParsePool {
  private readonly hosts: WorkerHost[];
  private readonly idle: WorkerHost[];
  private readonly queue: Job[] = [];
  private readonly cancelGraceMs: number;
  private readonly splitPdfBytes: number;
  private readonly splitPdfWorkers: number;
  private sliced = 0;
  private dispatchScheduled = false;
  private disposed = false;

  constructor(options: ParsePoolOptions = {}) {
    const size = Math.max(1, Math.floor(options.size ?? defaultParsePoolSize()));
    this.cancelGraceMs = options.cancelGraceMs ?? 2000;
    this.splitPdfBytes = options.splitPdfBytes ?? 1024 * 1024;
    this.splitPdfWorkers = Math.max(2, options.splitPdfWorkers ?? 3);
    this.hosts = Array.from(
      { length: size },
      () =>
        new WorkerHost({
          name: ingestWorkerName,
          ...(options.script ? { script: options.script } : {}),
          workerData: options.ocr === undefined ? {} : { ocr: options.ocr },
          ...(options.workerExecArgv ? { execArgv: options.workerExecArgv } : {}),
        }),
    );
    this.idle = [...this.hosts];
  }

  get size(): number {
    return this.hosts.length;
  }

  /** PDFs read in slices so far (observability and tests). */
  get slicedReads(): number {
    return this.sliced;
  }

  /** Files waiting for a free worker. */
  get waiting(): number {
    return this.queue.length;
  }

  parse(input: ParseInput, options: ParseOptions = {}): Promise<ParsedDocument> {
    if (this.disposed) return Promise.reject(new HearthError('CANCELLED', 'The document reader was shut down.'));
    if (options.signal?.aborted) return Promise.reject(cancelled(input.name));
    return new Promise<ParsedDocument>((resolve, reject) => {
      const job: Job = { input, options, resolve, reject };
      const signal = options.signal;
      if (signal) {
        const onAbort = () => {
          const index = this.queue.indexOf(job);
          if (index < 0) return;
          this.queue.splice(index, 1);
          reject(cancelled(input.name));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        job.leaveQueue = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(job);
      this.scheduleDispatch();
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const job of this.queue.splice(0)) {
      job.leaveQueue?.();
      job.reject(new HearthError('CANCELLED', `Reading ${job.input.name} was cancelled: the document reader was shut down.`));
    }
    await Promise.all(this.hosts.map((host) => host.dispose()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /**
   * Dispatches once the files added in this same turn are all queued, so a batch (a drop of many files) is
   * read side by side instead of its first PDF taking every idle worker for its slices.
   */
  private scheduleDispatch(): void {
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    queueMicrotask(() => {
      this.dispatchScheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (!this.disposed && this.idle.length > 0 && this.queue.length > 0) {
      const job = this.queue.shift()!;
      job.leaveQueue?.();
      // Idle workers with no other file to read share a large PDF; otherwise one worker reads each file: the
      // one that finished last (idle is a stack), which has pdf.js and the rest loaded — a fresh worker takes
      // about a second to start.
      const hosts = this.queue.length === 0 && this.splittable(job.input) ? this.idle.splice(0) : [this.idle.pop()!];
      void this.run(hosts, job).finally(() => {
        if (this.disposed) return;
        this.idle.push(...hosts);
        this.dispatch();
      });
    }
  }

  private splittable(input: ParseInput): boolean {
    if (this.idle.length < this.splitPdfWorkers || input.bytes.length < this.splitPdfBytes) return false;
    try {
      return formatOfFile(input.name) === 'pdf';
    } catch {
      return false; // an unsupported name: the worker's parse answers it with the full explanation
    }
  }

  private async run(hosts: WorkerHost[], job: Job): Promise<void> {
    const { input, options } = job;
    const { signal } = options;
    let stuck: NodeJS.Timeout | undefined;
    // The worker stops between pages when told; a parser stuck inside one step is stopped by ending its thread.
    const onAbort = () => {
      stuck = setTimeout(() => void Promise.all(hosts.map((host) => host.kill())), this.cancelGraceMs);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      job.resolve(hosts.length > 1 ? await this.readInSlices(hosts, job) : await this.call(hosts[0]!, 'parse', this.fileParams(input), ParsedDocumentResult, job, options.onProgress));
    } catch (error) {
      job.reject(this.explain(error, job));
    } finally {
      clearTimeout(stuck);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** A PDF read by several workers: each scans a slice of its pages, then the first lays them out as one document. */
  private async readInSlices(hosts: WorkerHost[], job: Job): Promise<ParsedDocument> {
    const { input, options } = job;
    this.sliced++;
    const fractions = hosts.map(() => 0);
    // Scanning takes most of the bar; laying out, the rest (OCR, when pages need it, reports its own share).
    const scanShare = 0.9;
    let shown = 0;
    const show = (fraction: number) => {
      if (fraction <= shown) return;
      shown = fraction;
      options.onProgress?.(fraction);
    };
    const scans = await Promise.all(
      hosts.map((host, index) =>
        this.call(host, 'scanPdf', { ...this.fileParams(input), slice: { index, count: hosts.length } }, PdfScanResult, job, (fraction) => {
          fractions[index] = fraction;
          show((scanShare * fractions.reduce((sum, f) => sum + f, 0)) / hosts.length);
        }),
      ),
    );
    return this.call(hosts[0]!, 'composePdf', { ...this.fileParams(input), scans }, ParsedDocumentResult, job, (fraction) => show(Math.max(scanShare, fraction)));
  }

  private fileParams(input: ParseInput) {
    return { name: input.name, bytes: input.bytes, ...(input.password !== undefined ? { password: input.password } : {}) };
  }

  /** One call to a worker, its answer checked on arrival like every other boundary. */
  private async call<T>(host: WorkerHost, method: string, params: object, schema: z.ZodType<T>, job: Job, onProgress?: (fraction: number) => void): Promise<T> {
    const raw = await host.call<unknown>(method, params, {
      ...(job.options.signal ? { signal: job.options.signal } : {}),
      onEvent: (event) => {
        const fraction = (event as { fraction?: unknown }).fraction;
        if (typeof fraction === 'number') onProgress?.(fraction);
      },
    });
    const answer = schema.safeParse(raw);
    if (!answer.success) throw new HearthError('INTERNAL', `The ingest worker answered ${method} for ${job.input.name} with an unexpected shape: ${answer.error.message}`);
    return answer.data;
  }

  private explain(error: unknown, job: Job): unknown {
    if (!(error instanceof HearthError) || error.code !== 'MODEL_CRASHED') return error;
    if (job.options.signal?.aborted) return cancelled(job.input.name);
    return new HearthError(
      'INTERNAL',
      `Hearth's document reader stopped while reading ${job.input.name}, so this file was skipped; other files are not affected. ` +
        'If it happens again, the file may be damaged or too large to read.',
      { fileName: job.input.name, crashed: true, cause: error.message },
    );
  }
}

const cancelled = (name: string) => new HearthError('CANCELLED', `Reading ${name} was cancelled.`);
