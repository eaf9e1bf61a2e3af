/**
 * Adding documents to a space's library, reading them again and removing them, with every store kept in step:
 * the pipeline of ingest-document.ts bound to Hearth's stores, the space's prepared indexes and the pool of
 * ingest worker threads (started with the first file).
 */
import type { DocumentSource, IngestProgress, IngestResult } from '../../../schemas/index.js';
import type { Documents, Replacements } from '../library/index.js';
import { ParsePool, type ParseInput } from '../parsers/index.js';
import type { SpaceIndexes } from '../retrieval/index.js';
import type { Spaces } from '../spaces/index.js';
import type { BlobStore, Db } from '../storage/index.js';
import { deleteDocument, ingestDocument, notInLibrary, recoverInFlight, reingestDocument, type IngestDeps } from './ingest-document.js';

export interface IngestOptions {
  db: Db;
  spaces: Spaces;
  documents: Documents;
  replacements: Replacements;
  blobs: BlobStore;
  indexes: SpaceIndexes;
  maxFileBytes: number;
  /** Ingest worker threads; default one per core but one (see ParsePool). */
  parseWorkers?: number | undefined;
}

export class Ingest {
  /** Ingest worker threads, started with the first file. */
  private parsePool: ParsePool | undefined;

  constructor(private readonly options: IngestOptions) {}

  /** Adds a file to a space (see `ingestDocument`), streaming its progress. */
  add(
    spaceId: string,
    source: DocumentSource,
    signal?: AbortSignal,
    request: { password?: string | undefined; project?: string | undefined } = {},
  ): AsyncGenerator<IngestProgress, IngestResult> {
    const ingest = this;
    return (async function* () {
      const deps = await ingest.depsFor(spaceId);
      return yield* ingestDocument(deps, { spaceId, source, ...request }, signal);
    })();
  }

  /**
   * Reads a document again from its stored original and replaces it once the new reading is indexed (see
   * `reingestDocument`); progress and result are those of {@link add}.
   */
  reread(documentId: string, signal?: AbortSignal, request: { password?: string | undefined } = {}): AsyncGenerator<IngestProgress, IngestResult> {
    const ingest = this;
    return (async function* () {
      const document = ingest.options.documents.findById(documentId);
      if (!document) throw notInLibrary(documentId);
      const deps = await ingest.depsFor(document.spaceId);
      return yield* reingestDocument(deps, { documentId, ...request }, signal);
    })();
  }

  /** Removes a document from every store. */
  async remove(documentId: string): Promise<void> {
    const spaceId = this.options.documents.get(documentId).spaceId;
    await deleteDocument(await this.depsFor(spaceId), documentId);
  }

  /** Finishes or rolls back what a crash or kill left in flight (see `recoverInFlight`). */
  recover(): { finished: number; removed: number } {
    return recoverInFlight(this.options);
  }

  async dispose(): Promise<void> {
    await this.parsePool?.dispose();
  }

  private async depsFor(spaceId: string): Promise<IngestDeps> {
    const { indexes } = this.options;
    const open = await indexes.open(spaceId);
    return {
      ...this.options,
      keywordIndex: indexes.keywordIndex,
      ...open,
      currentEmbedder: () => indexes.currentEmbedder(spaceId),
      parse: (input: ParseInput, options: { signal?: AbortSignal }) =>
        (this.parsePool ??= new ParsePool(this.options.parseWorkers ? { size: this.options.parseWorkers } : {})).parse(input, options),
    };
  }
}
