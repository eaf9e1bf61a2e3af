/**
 * Ingests one file into a space: read, parse (in the ingest worker pool), chunk with provenance, store and
 * index, reporting progress as it goes. The original bytes go to the content-addressed store first, so
 * nothing the user dropped is lost. A document is `indexing` from the transaction that stores its chunks
 * until the indexes hold them, and only then `ready` (listed, searched). A file added again from the same
 * path with new contents replaces its old version once the new one is ready.
 */
import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { HearthError, type DocumentInfo, type DocumentSource, type IngestProgress, type IngestResult } from '../../../schemas/index.js';
import type { Embedder } from '../models/index.js';
import type { KeywordIndex, VectorStore } from '../retrieval/index.js';
import type { Spaces } from '../spaces/index.js';
import { BlobStore, type Db } from '../storage/index.js';
import { chunkBudget, chunkMarkdown, locateChunk } from './chunk.js';
import { searchableText, type Documents, type Replacements, type StoredChunk } from '../library/index.js';
import { formatOfFile, type ParsedDocument, type ParseInput } from '../parsers/index.js';

export interface IngestDeps {
  db: Db;
  spaces: Spaces;
  documents: Documents;
  /** Which document replaced which, so citations of a replaced reading still open. */
  replacements: Replacements;
  blobs: BlobStore;
  keywordIndex: KeywordIndex;
  maxFileBytes: number;
  /** The space's vector table and the embedder its vectors come from. */
  embedder: Embedder;
  /**
   * The space's embedder now, once the space is prepared for it: asked when the model changed while a
   * document was being embedded, so its vectors are made again by the model the table now belongs to.
   */
  currentEmbedder: () => Promise<Embedder>;
  vectorStore: VectorStore;
  /** Reads a file into Markdown with provenance (the ingest worker pool). */
  parse(input: ParseInput, options: { signal?: AbortSignal; onProgress?: (fraction: number) => void }): Promise<ParsedDocument>;
  /**
   * Told the new document's id once it and its chunks are in SQLite (`indexing`): from then on a restart finishes
   * or rolls it back (`recoverInFlight`) instead of reading the file again.
   */
  onStored?: (documentId: string) => void;
}

/** A file received for ingest: its bytes are in the blob store under `sha256`, and where it came from. */
export interface ReceivedFile {
  spaceId: string;
  name: string;
  sha256: string;
  sizeBytes: number;
  /** Where the file came from, so a changed version added again replaces it: its path, or `upload:<name>` for an upload (web mode). */
  sourcePath: string;
}

/**
 * The first step of adding a file, done before its job starts: the space must exist, the format be one Hearth
 * reads and the size within the limit (each fails at once, with nothing stored), and the bytes go into the blob
 * store — so the job that reads the file needs nothing the request held, and can run again after a restart.
 */
export async function receiveFile(
  deps: Pick<IngestDeps, 'spaces' | 'blobs' | 'maxFileBytes'>,
  request: { spaceId: string; source: ReceivedSource; /** The team member adding it: their file of a name replaces only their own. */ uploader?: string | undefined },
): Promise<ReceivedFile> {
  const { spaceId, source } = request;
  deps.spaces.get(spaceId); // NOT_FOUND before any work
  const name = source.kind === 'path' ? path.basename(source.path) : path.basename(source.name);
  formatOfFile(name); // an unsupported format fails before the file is read
  const bytes = await readSource(source, name, deps.maxFileBytes);
  const sha256 = await deps.blobs.put(bytes);
  const sourcePath = source.kind === 'path' ? path.resolve(source.path) : request.uploader ? `upload:${request.uploader}/${name}` : `upload:${name}`;
  return { spaceId, name, sha256, sizeBytes: bytes.length, sourcePath };
}

/**
 * A document's source as `receiveFile` reads it: an upload is resolved (by its uploader's `Uploads.take`) to the
 * file it was received into and the name it was uploaded under.
 */
export type ReceivedSource =
  | Exclude<DocumentSource, { kind: 'upload' }>
  | { kind: 'upload'; uploadId: string; path: string; name: string };

/** Reads and indexes a received file from the blob store (see {@link receiveFile}), streaming its progress. */
export async function* ingestDocument(
  deps: IngestDeps,
  request: ReceivedFile & { project?: string | undefined; password?: string | undefined },
  signal?: AbortSignal,
): AsyncGenerator<IngestProgress, IngestResult> {
  yield { stage: 'reading', fraction: 0 };
  const bytes = await readBlob(deps.blobs, request.sha256, request.name);
  throwIfAborted(signal, request.name);
  const { spaceId, name, sourcePath, project, password } = request;
  return yield* indexFile(deps, { spaceId, name, bytes, sourcePath, project, password }, signal);
}

/**
 * Reads a document again from its original in the blob store — after a parser improved, or OCR language data
 * was added — and replaces it once the new reading is indexed, keeping its name, project, source and date
 * added. Until then the old version stays ready and searchable; if the new reading fails, it is all there is.
 */
export async function* reingestDocument(
  deps: IngestDeps,
  request: { documentId: string; password?: string | undefined },
  signal?: AbortSignal,
): AsyncGenerator<IngestProgress, IngestResult> {
  const { documentId } = request;
  let document: DocumentInfo;
  let sourcePath: string | null;
  try {
    document = deps.documents.get(documentId);
    sourcePath = deps.documents.sourcePathOf(documentId);
  } catch (error) {
    throw error instanceof HearthError && error.code === 'NOT_FOUND' ? notInLibrary(documentId) : error;
  }
  formatOfFile(document.name); // a format Hearth no longer reads fails before any work

  yield { stage: 'reading', fraction: 0 };
  const bytes = await readStoredOriginal(deps.blobs, document);
  throwIfAborted(signal, document.name);
  return yield* indexFile(
    deps,
    {
      spaceId: document.spaceId,
      name: document.name,
      bytes,
      sourcePath,
      project: document.project,
      password: request.password,
      createdAt: document.createdAt,
      force: true,
      replaces: document.id,
    },
    signal,
  );
}

/** The answer to a re-read of a document that is not (or no longer) in the library. */
export function notInLibrary(documentId: string): HearthError {
  return new HearthError('NOT_FOUND', `Cannot re-read document ${documentId}: it is not in the library (it may have been deleted). Refresh the document list.`, { documentId });
}

interface IndexFileRequest {
  spaceId: string;
  name: string;
  bytes: Uint8Array;
  /** Older ready documents from the same source are replaced by this one; null when it has none recorded. */
  sourcePath: string | null;
  project?: string | undefined;
  password?: string | undefined;
  /** When the document was first added; default now. */
  createdAt?: string | undefined;
  /**
   * Read and index the bytes even when a ready document in the space already holds them (a re-read).
   * Without it, the same bytes again are answered `unchanged` at once.
   */
  force?: boolean | undefined;
  /** The document this one is a new reading of: replaced once this one is ready, and it must still be there then. */
  replaces?: string | undefined;
}

/** The pipeline after reading: dedupe, keep the original, parse, chunk, embed, store, index, replace. */
async function* indexFile(deps: IngestDeps, request: IndexFileRequest, signal?: AbortSignal): AsyncGenerator<IngestProgress, IngestResult> {
  const { spaceId, name, bytes, sourcePath } = request;
  const sha256 = BlobStore.sha256(bytes);
  const existing = request.force ? undefined : deps.documents.findBySha(spaceId, sha256);
  if (existing) {
    yield { stage: 'done', fraction: 1 };
    return { document: existing, status: 'unchanged' };
  }
  await deps.blobs.put(bytes, sha256);

  yield { stage: 'parsing', fraction: 0.1 };
  const parsed = await deps.parse({ name, bytes, ...(request.password ? { password: request.password } : {}) }, signal ? { signal } : {});
  throwIfAborted(signal, name);

  let embedder = deps.embedder;
  /**
   * Runs `use` with the embedder; if it fails because the embedding model was replaced meanwhile (a switch
   * closes the old local model), runs it again with the model now in use. Any other failure is the file's.
   */
  const withEmbedder = async <T>(use: (current: Embedder) => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await use(embedder);
      } catch (error) {
        if (signal?.aborted || attempt >= 3) throw error;
        const current = await deps.currentEmbedder();
        if (current.id === embedder.id) throw error;
        embedder = current;
      }
    }
  };

  yield { stage: 'chunking', fraction: 0.6 };
  const sized = await withEmbedder((current) =>
    chunkMarkdown(parsed.markdown, {
      ...chunkBudget(current),
      countTokens: (texts, options) => current.countTokens(texts, options),
      ...(signal ? { signal } : {}),
    }),
  );
  const chunks = sized.map((chunk) => ({ ...chunk, location: locateChunk(chunk, parsed.regions) }));
  if (chunks.length === 0) throw new HearthError('FILE_EMPTY', `${name} has no text to index.${parsed.warnings.length ? ` ${parsed.warnings.join(' ')}` : ''}`);
  throwIfAborted(signal, name);

  yield { stage: 'embedding', fraction: 0.65 };
  /** Embeds in batches, saying after each how much is done; with withEmbedder's retry when the model was replaced. */
  const embedInBatches = async function* (texts: string[]): AsyncGenerator<number, Float32Array[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        const vectors: Float32Array[] = [];
        for (let start = 0; start < texts.length; start += embedBatch) {
          vectors.push(...(await embedder.embed(texts.slice(start, start + embedBatch), signal ? { signal } : {})));
          throwIfAborted(signal, name);
          yield Math.min(start + embedBatch, texts.length) / texts.length;
        }
        return vectors;
      } catch (error) {
        if (signal?.aborted || attempt >= 3) throw error;
        const current = await deps.currentEmbedder();
        if (current.id === embedder.id) throw error;
        embedder = current;
      }
    }
  };
  const embedAll = async (texts: string[]) => {
    const batches = embedInBatches(texts);
    for (let step = await batches.next(); ; step = await batches.next()) if (step.done) return step.value;
  };
  let vectors: Float32Array[] = [];
  // A big file's embedding takes a while on a CPU: its progress moves in steps of at least 1% of the file.
  const embedding = embedInBatches(chunks.map(searchableText));
  for (let step = await embedding.next(), reported = 0.65; ; step = await embedding.next()) {
    if (step.done) {
      vectors = step.value;
      break;
    }
    const fraction = 0.65 + 0.15 * step.value;
    // The last batch is said by `indexing`, which comes next.
    if (step.value === 1 || fraction - reported < 0.01) continue;
    reported = fraction;
    yield { stage: 'embedding', fraction };
  }

  yield { stage: 'indexing', fraction: 0.8 };
  const documentId = randomUUID();
  const createdAt = request.createdAt ?? new Date().toISOString();
  // Two drops of the same bytes at once both get this far; the first to become ready wins (see `twin` below).
  const stored: StoredChunk[] = deps.db.transaction(() =>
    deps.documents.insert(
      {
        id: documentId,
        spaceId,
        name,
        format: parsed.format,
        sha256,
        sizeBytes: bytes.length,
        text: parsed.markdown,
        pageCount: parsed.pageCount,
        warnings: parsed.warnings,
        sourcePath,
        project: request.project,
        createdAt,
      },
      chunks,
    ),
  )();
  deps.onStored?.(documentId);

  let finished: { generation: number; replaced: DocumentInfo[] } | { twin: DocumentInfo };
  let writeVectors: () => Promise<void> = async () => undefined;
  try {
    const facts = { documentId, type: parsed.format, project: request.project, createdAt };
    deps.keywordIndex.add(spaceId, stored.map((chunk) => ({ id: chunk.id, text: searchableText(chunk), ...facts })));
    const texts = stored.map(searchableText);
    let rows = stored.map((chunk, i) => ({ chunkId: chunk.id, vector: vectors[i]!, text: texts[i]!, ...facts }));
    // The vectors go where the table's model is the one that made them; if the model changed meanwhile, the
    // chunks are embedded again by the model the table now belongs to (vectors of two models never mix).
    writeVectors = async () => {
      for (let attempt = 0; ; attempt++) {
        if (await deps.vectorStore.addFrom(embedder.id, spaceId, rows)) return;
        if (attempt >= 3) throw new HearthError('INTERNAL', `The embedding model kept changing while ${name} was being indexed; add it again.`);
        embedder = await deps.currentEmbedder();
        const again = await embedAll(texts);
        rows = rows.map((row, i) => ({ ...row, vector: again[i]! }));
      }
    };
    await writeVectors();
    // In the transaction that makes the new one ready: the older versions of this file (and, for a re-read,
    // the document read again) are replaced. Old ones leave `ready` first, as only one ready document may
    // hold given bytes in a space. Each replaced one is recorded as replaced by the new one, so answers that
    // cite it open the new reading.
    finished = deps.db.transaction(() => {
      const replaced = versionsReplacedBy(deps.documents, { spaceId, sourcePath, replaces: request.replaces, name });
      const twin = deps.documents.findBySha(spaceId, sha256);
      if (twin && !replaced.some((old) => old.id === twin.id)) return { twin }; // the same bytes became ready meanwhile
      for (const old of replaced) {
        deps.documents.setStatus(old.id, 'deleting');
        deps.replacements.record(old.id, documentId);
      }
      deps.documents.setStatus(documentId, 'ready');
      return { generation: deps.spaces.bumpGeneration(spaceId), replaced };
    })();
  } catch (error) {
    // The old version was never touched; take the half-indexed new one out of every store. The first failure
    // is the one to report: a clean-up that fails too leaves the new one `deleting`, and the next start
    // finishes removing it.
    await deleteDocument(deps, documentId).catch(() => undefined);
    throw error;
  }
  if ('twin' in finished) {
    await deleteDocument(deps, documentId);
    yield { stage: 'done', fraction: 1 };
    return { document: finished.twin, status: 'unchanged' };
  }
  // If this save is lost to a crash, the saved index is older than the database and is rebuilt on start.
  await deps.keywordIndex.save(spaceId, finished.generation);
  // A reset for a new model between the write above and here dropped this document's vectors: write them again.
  for (let attempt = 0; !(await deps.vectorStore.markGenerationFrom(embedder.id, spaceId, finished.generation)); attempt++) {
    if (attempt >= 3) {
      throw new HearthError('INTERNAL', `The embedding model kept changing while ${name} was being indexed. It is in the library and found by keyword; its vectors are completed on the next start.`);
    }
    await writeVectors();
  }
  for (const old of finished.replaced) await deleteDocument(deps, old.id);

  yield { stage: 'done', fraction: 1 };
  return { document: deps.documents.get(documentId), status: 'indexed' };
}

/** The ready documents a new one replaces: older versions from its source, and the document it is a re-read of. */
function versionsReplacedBy(
  documents: Documents,
  file: { spaceId: string; sourcePath: string | null; replaces: string | undefined; name: string },
): DocumentInfo[] {
  const replaced = new Map(documents.findBySourcePath(file.spaceId, file.sourcePath).map((document) => [document.id, document]));
  if (file.replaces !== undefined && !replaced.has(file.replaces)) {
    const reread = documents.findById(file.replaces);
    if (!reread) {
      throw new HearthError('NOT_FOUND', `${file.name} was deleted while it was being re-read, so the new reading was dropped.`, { documentId: file.replaces });
    }
    replaced.set(reread.id, reread);
  }
  return [...replaced.values()];
}

/** Removes a document from every store: marked `deleting`, dropped from the indexes, then from SQLite. */
export async function deleteDocument(deps: Pick<IngestDeps, 'db' | 'spaces' | 'documents' | 'keywordIndex' | 'vectorStore'>, documentId: string): Promise<void> {
  const row = deps.db.prepare('SELECT space_id AS spaceId FROM documents WHERE id = ?').get(documentId) as { spaceId: string } | undefined;
  if (!row) throw new HearthError('NOT_FOUND', `There is no document with id ${documentId}.`, { documentId });
  deps.documents.setStatus(documentId, 'deleting');
  const chunkIds = deps.documents.chunkIdsOf(documentId);
  deps.keywordIndex.remove(row.spaceId, chunkIds);
  await deps.vectorStore.remove(row.spaceId, chunkIds);
  const generation = deps.db.transaction(() => {
    deps.documents.remove(documentId);
    return deps.spaces.bumpGeneration(row.spaceId);
  })();
  await deps.keywordIndex.save(row.spaceId, generation);
  await deps.vectorStore.markGeneration(row.spaceId, generation);
}

/**
 * Finishes what a crash or kill left in flight: an `indexing` document has all its chunks in SQLite, so it
 * becomes `ready`, replacing the older versions of its file as ingest would have (recording that it replaced
 * them, so their citations open it); if another ready document already holds its bytes (a re-read of a document
 * without a recorded source, or a race), it is rolled back instead. A `deleting` one is removed. Either way the
 * space's generation moves on, so its indexes (derived from SQLite) are rebuilt on next use and every store
 * agrees again.
 */
export function recoverInFlight(deps: Pick<IngestDeps, 'db' | 'spaces' | 'documents' | 'replacements'>): { finished: number; removed: number } {
  let finished = 0;
  let removed = 0;
  deps.db.transaction(() => {
    const spaces = new Set<string>();
    for (const document of deps.documents.inFlight()) {
      spaces.add(document.spaceId);
      if (document.status === 'indexing') {
        const older = deps.documents.findBySourcePath(document.spaceId, document.sourcePath);
        const twin = deps.documents.findBySha(document.spaceId, document.sha256);
        if (twin && !older.some((old) => old.id === twin.id)) {
          deps.documents.remove(document.id);
          removed++;
          continue;
        }
        for (const old of older) {
          deps.replacements.record(old.id, document.id);
          deps.documents.remove(old.id);
        }
        removed += older.length;
        deps.documents.setStatus(document.id, 'ready');
        finished++;
      } else {
        deps.documents.remove(document.id);
        removed++;
      }
    }
    for (const spaceId of spaces) deps.spaces.bumpGeneration(spaceId);
  })();
  return { finished, removed };
}

/** The original bytes of a stored document, checked against the sha256 they are filed under. */
async function readStoredOriginal(blobs: BlobStore, document: DocumentInfo): Promise<Uint8Array> {
  return readBlob(blobs, document.sha256, document.name, { documentId: document.id });
}

/** Bytes from the blob store, checked against the sha256 they are filed under. */
async function readBlob(blobs: BlobStore, sha256: string, name: string, details: Record<string, unknown> = {}): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(blobs.pathOf(sha256));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new HearthError(
      'FILE_UNREADABLE',
      `The original of ${name} is missing from the data folder (${code === 'ENOENT' ? 'blobs/ has no copy' : (error as Error).message}), so it cannot be read. Add the file again.`,
      { ...details, sha256, errno: code },
    );
  }
  if (BlobStore.sha256(bytes) !== sha256) {
    throw new HearthError('FILE_CORRUPT', `The stored original of ${name} is damaged (its SHA-256 no longer matches), so it cannot be read. Add the file again.`, {
      ...details,
      sha256,
    });
  }
  return bytes;
}

async function readSource(source: ReceivedSource, name: string, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = (size: number) =>
    new HearthError(
      'FILE_TOO_LARGE',
      `${name} is ${formatMegabytes(size)}; Hearth takes files up to ${formatMegabytes(maxBytes)} (set HEARTH_MAX_FILE_MB to change it).`,
      { fileName: name, sizeBytes: size, maxBytes },
    );
  if (source.kind === 'bytes') {
    const approximateSize = Math.floor((source.base64.length * 3) / 4);
    if (approximateSize > maxBytes) throw tooLarge(approximateSize);
    return Buffer.from(source.base64, 'base64');
  }
  // An upload is read like a path, from the file it was received into; it is named by its upload's name.
  const shown = source.kind === 'upload' ? `the upload of ${name}` : source.path;
  const details = source.kind === 'upload' ? { uploadId: source.uploadId } : { path: source.path };
  try {
    const info = await stat(source.path);
    if (!info.isFile()) throw new HearthError('FILE_UNREADABLE', `${shown} is not a file.`, details);
    if (info.size > maxBytes) throw tooLarge(info.size);
    return await readFile(source.path);
  } catch (error) {
    if (error instanceof HearthError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message;
    throw new HearthError('FILE_UNREADABLE', `Cannot read ${shown}: ${reason}.`, { ...details, errno: code });
  }
}

function throwIfAborted(signal: AbortSignal | undefined, name: string): void {
  if (signal?.aborted) throw new HearthError('CANCELLED', `Ingest of ${name} was cancelled.`);
}

/** Texts per embedding call during ingest. */
const embedBatch = 32;

const formatMegabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
