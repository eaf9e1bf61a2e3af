/**
 * Adding documents to a space's library, reading them again and removing them, with every store kept in step.
 * Adding and re-reading are jobs (`ingest`, `reingest`): the request only checks the file and keeps its bytes;
 * the job reads and indexes it whether or not the window that asked is still open, and after a restart it is
 * finished from its journal (a document already stored is finished or rolled back by `recoverInFlight`, the
 * kind's recovery) or read again from the kept bytes. The pipeline itself is ingest-document.ts; this binds it to Hearth's stores,
 * the space's prepared indexes (whose embedder is leased for the run) and the pool of ingest worker threads.
 */
import { z } from 'zod';
import { HearthError, IngestProgress, IngestResult, ingestJob, reingestJob, type DocumentSource, type JobInfoOf } from '../../../schemas/index.js';
import { interruptedByClose, type JobKind, type JobRun, type Jobs, type Recovery } from '../jobs/index.js';
import { DisposableStore, toDisposable } from '../lifecycle.js';
import type { Documents, Replacements } from '../library/index.js';
import { ParsePool, formatOfFile, type ParseInput } from '../parsers/index.js';
import type { SpaceIndexes } from '../retrieval/index.js';
import type { Spaces } from '../spaces/index.js';
import type { BlobStore, Db } from '../storage/index.js';
import type { Caller } from '../team/index.js';
import { deleteDocument, ingestDocument, notInLibrary, receiveFile, recoverInFlight, reingestDocument, type IngestDeps, type ReceivedSource } from './ingest-document.js';
import type { Uploads } from './uploads.js';

export interface IngestOptions {
  db: Db;
  spaces: Spaces;
  documents: Documents;
  replacements: Replacements;
  blobs: BlobStore;
  indexes: SpaceIndexes;
  jobs: Jobs;
  /** Files streamed to the server first (an `upload` source), settled when their job ends. */
  uploads: Uploads;
  maxFileBytes: number;
  /** Ingest worker threads; default one per core but one (see ParsePool). */
  parseWorkers?: number | undefined;
}

const IngestParams = z.object({
  spaceId: z.string(),
  name: z.string(),
  sha256: z.string().length(64),
  sizeBytes: z.number().int().nonnegative(),
  sourcePath: z.string(),
  project: z.string().optional(),
  /** The upload the file came from, settled (counted or dropped) when the job ends — after a restart too. */
  uploadId: z.string().optional(),
});
type IngestParams = z.infer<typeof IngestParams>;

const ReingestParams = z.object({ documentId: z.string(), name: z.string() });
type ReingestParams = z.infer<typeof ReingestParams>;

/** Kept in memory with the job, never stored: lost with a restart. */
interface IngestSecret {
  password?: string | undefined;
}

export class Ingest {
  /** Ingest worker threads, started with the first file. */
  private parsePool: ParsePool | undefined;

  constructor(private readonly options: IngestOptions) {
    options.jobs.register(this.ingestKind());
    options.jobs.register(this.reingestKind());
  }

  /**
   * Checks a file, keeps its bytes and starts the job that reads and indexes it (see `receiveFile`). An upload
   * must be the caller's own (NOT_FOUND otherwise, as for one that is gone); one that cannot be added is dropped.
   */
  async add(caller: Caller, spaceId: string, source: DocumentSource, request: { password?: string | undefined; project?: string | undefined } = {}): Promise<JobInfoOf<'ingest'>> {
    let received: Awaited<ReturnType<typeof receiveFile>>;
    let uploadId: string | undefined;
    // In a shared space, one person's "notes.pdf" must not replace another's.
    const uploader = caller.principal.kind === 'user' ? caller.principal.id : undefined;
    if (source.kind === 'bytes' && uploader !== undefined) {
      // A team member's file in a frame counts towards their quota like one streamed to /upload: it becomes one.
      const bytes = Buffer.from(source.base64, 'base64');
      const body = (async function* () {
        yield bytes;
      })();
      const received = await this.options.uploads.receive(uploader, source.name, body, { maxBytes: this.options.maxFileBytes, quotaBytes: this.options.uploads.quotaBytes });
      return this.add(caller, spaceId, { kind: 'upload', uploadId: received.uploadId }, request);
    }
    if (source.kind === 'upload') {
      const upload = this.options.uploads.take(source.uploadId, caller.principal.id);
      uploadId = source.uploadId;
      const resolved: ReceivedSource = { kind: 'upload', uploadId, path: upload.path, name: upload.name };
      try {
        received = await receiveFile(this.options, { spaceId, source: resolved, uploader });
      } catch (error) {
        await this.options.uploads.settle(uploadId, {});
        throw error;
      }
    } else {
      received = await receiveFile(this.options, { spaceId, source, uploader });
    }
    const params: IngestParams = {
      ...received,
      ...(request.project !== undefined ? { project: request.project } : {}),
      ...(uploadId !== undefined ? { uploadId } : {}),
    };
    return this.options.jobs.start<'ingest', IngestParams, IngestSecret>('ingest', {
      spaceId,
      title: `Adding ${received.name}`,
      subject: received.name,
      params,
      caller,
      secret: { password: request.password },
    });
  }

  /**
   * Starts the job that reads a document again from its stored original and replaces it once the new reading is
   * indexed (see `reingestDocument`).
   */
  async reread(caller: Caller, documentId: string, request: { password?: string | undefined } = {}): Promise<JobInfoOf<'reingest'>> {
    const document = this.options.documents.findById(documentId);
    if (!document) throw notInLibrary(documentId);
    formatOfFile(document.name); // a format Hearth no longer reads fails before any job
    return this.options.jobs.start<'reingest', ReingestParams, IngestSecret>('reingest', {
      spaceId: document.spaceId,
      title: `Reading ${document.name} again`,
      subject: document.name,
      params: { documentId, name: document.name },
      caller,
      secret: { password: request.password },
    });
  }

  /** Removes a document from every store. */
  async remove(caller: Caller, documentId: string): Promise<void> {
    const spaceId = this.options.documents.get(documentId).spaceId;
    await this.withSpace(spaceId, caller, (deps) => deleteDocument(deps, documentId));
  }

  async dispose(): Promise<void> {
    await this.parsePool?.dispose();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  private ingestKind(): JobKind<IngestParams, IngestProgress, IngestResult, IngestSecret> {
    return {
      kind: ingestJob.kind,
      params: IngestParams,
      progress: IngestProgress,
      result: IngestResult,
      run: async (job) => {
        let result: IngestResult;
        try {
          result = await this.runPipeline(job, (deps) => ingestDocument(deps, { ...job.params, password: job.secret?.password }, job.signal));
        } catch (error) {
          // Closing is no end: the job resumes at the next start and settles its upload then. A file that needs
          // its password keeps its upload, so adding it again with the password needs no second upload.
          const needsPassword = error instanceof HearthError && (error.code === 'PASSWORD_REQUIRED' || error.code === 'PASSWORD_INCORRECT');
          if (!interruptedByClose(job.signal) && !needsPassword) await this.settleUpload(job.params, {});
          throw error;
        }
        await this.settleUpload(job.params, { documentId: result.status === 'indexed' ? result.document.id : undefined });
        return result;
      },
      // The documents a crash left `indexing` or `deleting` are finished or rolled back first (for re-reads too).
      beforeRecovery: () => void recoverInFlight(this.options),
      recover: async ({ params, steps }) => {
        const recovery = this.recovered(steps, () => this.options.documents.findBySha(params.spaceId, params.sha256));
        if ('done' in recovery) await this.settleUpload(params, { documentId: recovery.done.status === 'indexed' ? recovery.done.document.id : undefined });
        return recovery;
      },
    };
  }

  private reingestKind(): JobKind<ReingestParams, IngestProgress, IngestResult, IngestSecret> {
    return {
      kind: reingestJob.kind,
      params: ReingestParams,
      progress: IngestProgress,
      result: IngestResult,
      run: (job) => this.runPipeline(job, (deps) => reingestDocument(deps, { documentId: job.params.documentId, password: job.secret?.password }, job.signal)),
      recover: ({ steps }) => this.recovered(steps, () => undefined),
    };
  }

  /** Settles the upload an ingest job's file came from, if it came from one (see `Uploads.settle`). */
  private async settleUpload(params: IngestParams, outcome: { documentId?: string | undefined }): Promise<void> {
    if (params.uploadId !== undefined) await this.options.uploads.settle(params.uploadId, outcome);
  }

  /**
   * After a restart: a job whose document was stored has been finished (or rolled back, its bytes being ready
   * under another document) by `recoverInFlight`, so it is done; any other one reads its file again.
   */
  private recovered(steps: JobRun<unknown, unknown>['steps'], twin: () => IngestResult['document'] | undefined): Recovery<IngestResult> {
    const storedId = steps.findLast((step) => step.step === 'stored')?.detail;
    if (storedId !== undefined) {
      const document = this.options.documents.findById(storedId);
      if (document) return { done: { document, status: 'indexed' } };
      const existing = twin();
      if (existing) return { done: { document: existing, status: 'unchanged' } };
    }
    return { resume: true };
  }

  /** Runs the pipeline for a job in its space, journalling the document once stored and reporting its progress. */
  private async runPipeline<P extends { name: string }>(
    job: JobRun<P, IngestProgress, IngestSecret>,
    pipeline: (deps: IngestDeps) => AsyncGenerator<IngestProgress, IngestResult>,
  ): Promise<IngestResult> {
    try {
      return await this.withSpace(job.spaceId, job.caller, async (deps) => {
        const run = pipeline({ ...deps, onStored: (documentId) => job.step('stored', documentId) });
        for (let step = await run.next(); ; step = await run.next()) {
          if (step.done) return step.value;
          job.progress(step.value);
        }
      });
    } catch (error) {
      if (error instanceof HearthError && error.code === 'PASSWORD_REQUIRED' && job.attempt > 1 && job.secret === undefined) {
        throw new HearthError(
          'PASSWORD_REQUIRED',
          `Hearth stopped while it was reading ${job.params.name}, and passwords are never stored, so it could not go on: give its password again.`,
          error.details,
        );
      }
      throw error;
    }
  }

  /**
   * The pipeline's dependencies for a space, with its indexes open and its embedder leased until `work` ends. When
   * the embedding model changes mid-way, the embedder then in use is leased too (`currentEmbedder`).
   */
  private async withSpace<T>(spaceId: string, caller: Caller, work: (deps: IngestDeps) => Promise<T>): Promise<T> {
    const { indexes } = this.options;
    const leases = new DisposableStore();
    try {
      const space = await indexes.open(spaceId, caller);
      leases.add(toDisposable(() => space.release()));
      return await work({
        ...this.options,
        keywordIndex: indexes.keywordIndex,
        embedder: space.embedder,
        vectorStore: space.vectorStore,
        currentEmbedder: async () => {
          const current = await indexes.open(spaceId, caller);
          leases.add(toDisposable(() => current.release()));
          return current.embedder;
        },
        parse: (input: ParseInput, options: { signal?: AbortSignal }) => this.parser().parse(input, options),
      });
    } finally {
      await leases.dispose();
    }
  }

  private parser(): ParsePool {
    return (this.parsePool ??= new ParsePool(this.options.parseWorkers ? { size: this.options.parseWorkers } : {}));
  }
}
