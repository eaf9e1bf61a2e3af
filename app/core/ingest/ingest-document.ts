/**
 * Ingests one file into a space: read, decode, chunk, store and index, reporting progress as it goes.
 * A document is visible only once it is in SQLite and the keyword index together; the original bytes are
 * kept in the content-addressed store first, so nothing the user dropped is lost.
 */
import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  HearthError,
  type DocumentSource,
  type IngestProgress,
  type IngestResult,
} from '../../../schemas/index.js';
import type { KeywordIndex } from '../retrieval/keyword-index.js';
import type { Spaces } from '../spaces/index.js';
import { BlobStore, type Db } from '../storage/index.js';
import { chunkMarkdown } from './chunk.js';
import { decodeDocument, formatOf } from './decode.js';
import { searchableText, type Documents } from './documents.js';

export interface IngestDeps {
  db: Db;
  spaces: Spaces;
  documents: Documents;
  blobs: BlobStore;
  keywordIndex: KeywordIndex;
  maxFileBytes: number;
}

export async function* ingestDocument(
  deps: IngestDeps,
  request: { spaceId: string; source: DocumentSource },
  signal?: AbortSignal,
): AsyncGenerator<IngestProgress, IngestResult> {
  const { spaceId, source } = request;
  deps.spaces.get(spaceId); // NOT_FOUND before any work
  const name = source.kind === 'path' ? path.basename(source.path) : path.basename(source.name);
  formatOf(name); // an unsupported format fails before the file is read

  yield { stage: 'reading', fraction: 0 };
  const bytes = await readSource(source, name, deps.maxFileBytes);
  throwIfAborted(signal, name);

  const sha256 = BlobStore.sha256(bytes);
  const existing = deps.documents.findBySha(spaceId, sha256);
  if (existing) {
    yield { stage: 'done', fraction: 1 };
    return { document: existing, status: 'unchanged' };
  }

  yield { stage: 'parsing', fraction: 0.2 };
  const decoded = decodeDocument(name, bytes);
  await deps.blobs.put(bytes, sha256);
  throwIfAborted(signal, name);

  yield { stage: 'chunking', fraction: 0.4 };
  const chunks = chunkMarkdown(decoded.text);
  throwIfAborted(signal, name);

  yield { stage: 'indexing', fraction: 0.7 };
  const documentId = randomUUID();
  let stored;
  let generation;
  try {
    ({ stored, generation } = deps.db.transaction(() => ({
      stored: deps.documents.insert(
        { id: documentId, spaceId, name, format: decoded.format, sha256, sizeBytes: bytes.length, text: decoded.text },
        chunks,
      ),
      generation: deps.spaces.bumpGeneration(spaceId),
    }))());
  } catch (error) {
    // Two drops of the same file at once: the second finds the first's row and reports it unchanged.
    const raced = deps.documents.findBySha(spaceId, sha256);
    if (raced) return { document: raced, status: 'unchanged' };
    throw error;
  }
  deps.keywordIndex.add(spaceId, stored.map((chunk) => ({ id: chunk.id, text: searchableText(chunk) })));
  // If this save is lost to a crash, the saved index is older than the database and is rebuilt on start.
  await deps.keywordIndex.save(spaceId, generation);

  yield { stage: 'done', fraction: 1 };
  return { document: deps.documents.get(documentId), status: 'indexed' };
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

const formatMegabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
