/**
 * Reads documents in a pool of ingest worker threads: files are taken first come, first served by
 * whichever worker is free, so one huge PDF never holds up the rest for more than one worker. A
 * worker that crashes fails only the file it was reading (with a message saying so); it is restarted
 * for the next file.
 */
import os from 'node:os';
import { z } from 'zod';
import { DocumentFormat, HearthError } from '../../../schemas/index.js';
import { WorkerHost } from '../models/worker-host.js';
import type { OcrOptions, ParsedDocument, ParseInput } from './parsers/index.js';

export interface ParsePoolOptions {
  /** Worker threads; default one per core but one, and at least one. */
  size?: number;
  /** OCR settings for every worker; `false` turns OCR off. */
  ocr?: OcrOptions | false;
  /** The worker script; found next to the build output when not given. */
  script?: string;
  /** After a cancel, a parse still running this long later (stuck in a parser) has its worker ended. */
  cancelGraceMs?: number;
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

/** What a worker answers to `parse`: checked on arrival like every other boundary. */
const ParsedDocumentResult = z.object({
  format: DocumentFormat,
  markdown: z.string(),
  regions: z.array(
    z.object({
      start: z.number().int().nonnegative(),
      end: z.number().int().nonnegative(),
      page: z.number().int().positive().optional(),
      sheet: z.string().optional(),
      cells: z.string().optional(),
      slide: z.number().int().positive().optional(),
    }),
  ),
  pageCount: z.number().int().nonnegative().optional(),
  title: z.string().optional(),
  warnings: z.array(z.string()),
});

export const defaultParsePoolSize = (): number => Math.max(1, os.availableParallelism() - 1);

export class ParsePool {
  private readonly hosts: WorkerHost[];
  private readonly idle: WorkerHost[];
  private readonly queue: Job[] = [];
  private readonly cancelGraceMs: number;
  private disposed = false;

  constructor(options: ParsePoolOptions = {}) {
    const size = Math.max(1, Math.floor(options.size ?? defaultParsePoolSize()));
    this.cancelGraceMs = options.cancelGraceMs ?? 2000;
    this.hosts = Array.from(
      { length: size },
      () =>
        new WorkerHost({
          name: 'ingest',
          ...(options.script ? { script: options.script } : {}),
          workerData: options.ocr === undefined ? {} : { ocr: options.ocr },
        }),
    );
    this.idle = [...this.hosts];
  }

  get size(): number {
    return this.hosts.length;
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
      this.dispatch();
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

  private dispatch(): void {
    while (!this.disposed && this.idle.length > 0 && this.queue.length > 0) {
      const host = this.idle.shift()!;
      const job = this.queue.shift()!;
      job.leaveQueue?.();
      void this.run(host, job).finally(() => {
        if (this.disposed) return;
        this.idle.push(host);
        this.dispatch();
      });
    }
  }

  private async run(host: WorkerHost, job: Job): Promise<void> {
    const { input, options } = job;
    const { signal, onProgress } = options;
    let stuck: NodeJS.Timeout | undefined;
    // The worker stops between pages when told; a parser stuck inside one step is stopped by ending its thread.
    const onAbort = () => {
      stuck = setTimeout(() => void host.kill(), this.cancelGraceMs);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const params = { name: input.name, bytes: input.bytes, ...(input.password !== undefined ? { password: input.password } : {}) };
      const raw = await host.call<unknown>('parse', params, {
        ...(signal ? { signal } : {}),
        onEvent: (event) => {
          const fraction = (event as { fraction?: unknown }).fraction;
          if (typeof fraction === 'number') onProgress?.(fraction);
        },
      });
      const document = ParsedDocumentResult.safeParse(raw);
      if (!document.success) throw new HearthError('INTERNAL', `The ingest worker answered ${input.name} with an unexpected shape: ${document.error.message}`);
      job.resolve(document.data);
    } catch (error) {
      job.reject(this.explain(error, job));
    } finally {
      clearTimeout(stuck);
      signal?.removeEventListener('abort', onAbort);
    }
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
