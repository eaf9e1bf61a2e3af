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
import { HearthError, type DocumentSource, type IngestProgress, type IngestResult } from '../../../schemas/index.js';
import type { Embedder } from '../models/index.js';
import type { KeywordIndex, VectorStore } from '../retrieval/index.js';
import type { Spaces } from '../spaces/index.js';
import { BlobStore, type Db } from '../storage/index.js';
import { chunkMarkdown, locateChunk } from './chunk.js';
import { searchableText, type Documents, type StoredChunk } from './documents.js';
import { formatOfFile, type ParsedDocument, type ParseInput } from './parsers/index.js';

export interface IngestDeps {
  db: Db;
  spaces: Spaces;
  documents: Documents;
  blobs: BlobStore;
  keywordIndex: KeywordIndex;
  maxFileBytes: number;
  /** The space's vector table and the embedder its vectors come from. */
  embedder: Embedder;
  vectorStore: VectorStore;
  /** Reads a file into Markdown with provenance (the ingest worker pool). */
  parse(input: ParseInput, options: { signal?: AbortSignal; onProgress?: (fraction: number) => void }): Promise<ParsedDocument>;
}

export async function* ingestDocument(
  deps: IngestDeps,
  request: { spaceId: string; source: DocumentSource; project?: string | undefined; password?: string | undefined },
  signal?: AbortSignal,
): AsyncGenerator<IngestProgress, IngestResult> {
  const { spaceId, source } = request;
  deps.spaces.get(spaceId); // NOT_FOUND before any work
  const name = source.kind === 'path' ? path.basename(source.path) : path.basename(source.name);
  formatOfFile(name); // an unsupported format fails before the file is read

  yield { stage: 'reading', fraction: 0 };
  const bytes = await readSource(source, name, deps.maxFileBytes);
  throwIfAborted(signal, name);

  const sha256 = BlobStore.sha256(bytes);
  const existing = deps.documents.findBySha(spaceId, sha256);
  if (existing) {
    yield { stage: 'done', fraction: 1 };
    return { document: existing, status: 'unchanged' };
  }
  await deps.blobs.put(bytes, sha256);

  yield { stage: 'parsing', fraction: 0.1 };
  const parsed = await deps.parse({ name, bytes, ...(request.password ? { password: request.password } : {}) }, signal ? { signal } : {});
  throwIfAborted(signal, name);

  yield { stage: 'chunking', fraction: 0.6 };
  const chunks = chunkMarkdown(parsed.markdown).map((chunk) => ({ ...chunk, location: locateChunk(chunk, parsed.regions) }));
  if (chunks.length === 0) throw new HearthError('FILE_EMPTY', `${name} has no text to index.${parsed.warnings.length ? ` ${parsed.warnings.join(' ')}` : ''}`);
  throwIfAborted(signal, name);

  yield { stage: 'embedding', fraction: 0.65 };
  const vectors: Float32Array[] = [];
  for (let start = 0; start < chunks.length; start += embedBatch) {
    vectors.push(...(await deps.embedder.embed(chunks.slice(start, start + embedBatch).map(searchableText), signal ? { signal } : {})));
    throwIfAborted(signal, name);
  }

  yield { stage: 'indexing', fraction: 0.8 };
  const documentId = randomUUID();
  // Where the file came from, so a changed version added again replaces it: its path, or for an upload
  // (web mode) its name within the space.
  const sourcePath = source.kind === 'path' ? path.resolve(source.path) : `upload:${name}`;
  let stored: StoredChunk[];
  try {
    stored = deps.db.transaction(() =>
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
        },
        chunks,
      ),
    )();
  } catch (error) {
    // Two drops of the same file at once: the second finds the first's row and reports it unchanged.
    const raced = deps.documents.findBySha(spaceId, sha256);
    if (raced) return { document: raced, status: 'unchanged' };
    throw error;
  }
  const createdAt = new Date().toISOString();
  const facts = { documentId, type: parsed.format, project: request.project, createdAt };
  deps.keywordIndex.add(spaceId, stored.map((chunk) => ({ id: chunk.id, text: searchableText(chunk), ...facts })));
  await deps.vectorStore.add(spaceId, stored.map((chunk, i) => ({ chunkId: chunk.id, vector: vectors[i]!, text: searchableText(chunk), ...facts })));
  // The older versions of this file, replaced by the new one in the same transaction that makes it ready.
  const replaced = deps.documents.findBySourcePath(spaceId, sourcePath);
  const generation = deps.db.transaction(() => {
    deps.documents.setStatus(documentId, 'ready');
    for (const old of replaced) deps.documents.setStatus(old.id, 'deleting');
    return deps.spaces.bumpGeneration(spaceId);
  })();
  // If this save is lost to a crash, the saved index is older than the database and is rebuilt on start.
  await deps.keywordIndex.save(spaceId, generation);
  await deps.vectorStore.markGeneration(spaceId, generation);
  for (const old of replaced) await deleteDocument(deps, old.id);

  yield { stage: 'done', fraction: 1 };
  return { document: deps.documents.get(documentId), status: 'indexed' };
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
 * becomes `ready`; a `deleting` one is removed. Either way the space's generation moves on, so its indexes
 * (derived from SQLite) are rebuilt on next use and every store agrees again.
 */
export function recoverInFlight(deps: Pick<IngestDeps, 'db' | 'spaces' | 'documents'>): { finished: number; removed: number } {
  let finished = 0;
  let removed = 0;
  deps.db.transaction(() => {
    const spaces = new Set<string>();
    for (const document of deps.documents.inFlight()) {
      spaces.add(document.spaceId);
      if (document.status === 'indexing') {
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

async function readSource(source: DocumentSource, name: string, maxBytes: number): Promise<Uint8Array> {
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
  try {
    const info = await stat(source.path);
    if (!info.isFile()) throw new HearthError('FILE_UNREADABLE', `${source.path} is not a file.`, { path: source.path });
    if (info.size > maxBytes) throw tooLarge(info.size);
    return await readFile(source.path);
  } catch (error) {
    if (error instanceof HearthError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message;
    throw new HearthError('FILE_UNREADABLE', `Cannot read ${source.path}: ${reason}.`, { path: source.path, errno: code });
  }
}

function throwIfAborted(signal: AbortSignal | undefined, name: string): void {
  if (signal?.aborted) throw new HearthError('CANCELLED', `Ingest of ${name} was cancelled.`);
}

/** Texts per embedding call during ingest. */
const embedBatch = 32;

const formatMegabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
