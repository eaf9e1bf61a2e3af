/**
 * The documents table and its chunks: what was ingested into which space, and the passages cut from it.
 * A document's status is the ingest journal: `indexing` until every index holds its chunks, `ready`,
 * then `deleting` until every index has dropped them. Only `ready` documents are listed or searched.
 */
import { z } from 'zod';
import type { DocumentFormat, DocumentInfo } from '../../../schemas/index.js';
import { HearthError } from '../../../schemas/index.js';
import type { Db } from '../storage/index.js';

/** A passage cut from a document's normalized text: its heading path and exact character range. */
export interface Chunk {
  headingPath: string[];
  start: number;
  end: number;
  text: string;
}

/** Where a passage is in the original file: the pages, sheet and cells, or slide its text overlaps. */
export interface ChunkLocation {
  pageStart?: number;
  pageEnd?: number;
  sheet?: string;
  cells?: string;
  slide?: number;
}

export type DocumentStatus = 'indexing' | 'ready' | 'deleting';

interface DocumentRow {
  id: string;
  space_id: string;
  name: string;
  format: DocumentFormat;
  sha256: string;
  size_bytes: number;
  created_at: string;
  chunk_count: number;
  page_count: number | null;
  warnings: string;
  project: string | null;
}

const selectDocuments = `
  SELECT d.id, d.space_id, d.name, d.format, d.sha256, d.size_bytes, d.created_at, d.page_count, d.warnings, d.project,
         (SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id) AS chunk_count
  FROM documents d`;

const Warnings = z.array(z.string());

const toInfo = (row: DocumentRow): DocumentInfo => ({
  id: row.id,
  spaceId: row.space_id,
  name: row.name,
  format: row.format,
  sha256: row.sha256,
  sizeBytes: row.size_bytes,
  chunkCount: row.chunk_count,
  createdAt: row.created_at,
  ...(row.project !== null ? { project: row.project } : {}),
  ...(row.page_count !== null ? { pageCount: row.page_count } : {}),
  warnings: Warnings.catch([]).parse(JSON.parse(row.warnings)),
});

export interface NewDocument {
  id: string;
  spaceId: string;
  name: string;
  format: DocumentFormat;
  sha256: string;
  sizeBytes: number;
  text: string;
  pageCount?: number | undefined;
  warnings: string[];
  /** The file's path when it was added by path (the CLI, desktop drops): a changed file replaces its old version. */
  sourcePath?: string | null | undefined;
  project?: string | undefined;
  /** When the document was added (ISO 8601); a re-read keeps the original's. Default: now. */
  createdAt?: string | undefined;
}

export interface InFlightDocument {
  id: string;
  spaceId: string;
  status: DocumentStatus;
  sha256: string;
  sourcePath: string | null;
}

export interface LocatedChunk extends Chunk {
  location: ChunkLocation;
}

export interface StoredChunk extends LocatedChunk {
  id: number;
  documentId: string;
}

export class Documents {
  constructor(private readonly db: Db) {}

  list(spaceId: string): DocumentInfo[] {
    return (this.db.prepare(`${selectDocuments} WHERE d.space_id = ? AND d.status = 'ready' ORDER BY d.created_at, d.name`).all(spaceId) as DocumentRow[]).map(toInfo);
  }

  get(id: string): DocumentInfo {
    const row = this.findById(id);
    if (!row) throw new HearthError('NOT_FOUND', `There is no document with id ${id}.`, { documentId: id });
    return row;
  }

  /** The ready document with this id, if there is one. */
  findById(id: string): DocumentInfo | undefined {
    const row = this.db.prepare(`${selectDocuments} WHERE d.id = ? AND d.status = 'ready'`).get(id) as DocumentRow | undefined;
    return row ? toInfo(row) : undefined;
  }

  /** The ready document with these bytes in the space, if any. */
  findBySha(spaceId: string, sha256: string): DocumentInfo | undefined {
    const row = this.db.prepare(`${selectDocuments} WHERE d.space_id = ? AND d.sha256 = ? AND d.status = 'ready'`).get(spaceId, sha256) as DocumentRow | undefined;
    return row ? toInfo(row) : undefined;
  }

  /** Ready documents added from this path (older versions of a file being added again). */
  findBySourcePath(spaceId: string, sourcePath: string | null): DocumentInfo[] {
    if (sourcePath === null) return []; // documents stored before sources were recorded share no source
    return (this.db.prepare(`${selectDocuments} WHERE d.space_id = ? AND d.source_path = ? AND d.status = 'ready'`).all(spaceId, sourcePath) as DocumentRow[]).map(toInfo);
  }

  /** Where a ready document came from: its path, `upload:<name>` for an upload, or null when not recorded. */
  sourcePathOf(id: string): string | null {
    const row = this.db.prepare(`SELECT source_path FROM documents WHERE id = ? AND status = 'ready'`).get(id) as { source_path: string | null } | undefined;
    if (!row) throw new HearthError('NOT_FOUND', `There is no document with id ${id}.`, { documentId: id });
    return row.source_path;
  }

  text(id: string): string {
    const row = this.db.prepare(`SELECT normalized_text FROM documents WHERE id = ? AND status = 'ready'`).get(id) as { normalized_text: string } | undefined;
    if (!row) throw new HearthError('NOT_FOUND', `There is no document with id ${id}.`, { documentId: id });
    return row.normalized_text;
  }

  /** Inserts a document (status `indexing`) and its chunks; returns the chunks with their ids. Call inside a transaction. */
  insert(document: NewDocument, chunks: readonly LocatedChunk[]): StoredChunk[] {
    this.db
      .prepare(
        `INSERT INTO documents (id, space_id, name, format, sha256, size_bytes, normalized_text, created_at, status, project, page_count, warnings, source_path)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'indexing', ?, ?, ?, ?)`,
      )
      .run(
        document.id,
        document.spaceId,
        document.name,
        document.format,
        document.sha256,
        document.sizeBytes,
        document.text,
        document.createdAt ?? new Date().toISOString(),
        document.project ?? null,
        document.pageCount ?? null,
        JSON.stringify(document.warnings),
        document.sourcePath ?? null,
      );
    const insertChunk = this.db.prepare(
      `INSERT INTO chunks (document_id, ordinal, heading_path, start_offset, end_offset, text, page_start, page_end, sheet, cells, slide)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    return chunks.map((chunk, ordinal) => {
      const { pageStart, pageEnd, sheet, cells, slide } = chunk.location;
      const { lastInsertRowid } = insertChunk.run(
        document.id,
        ordinal,
        JSON.stringify(chunk.headingPath),
        chunk.start,
        chunk.end,
        chunk.text,
        pageStart ?? null,
        pageEnd ?? null,
        sheet ?? null,
        cells ?? null,
        slide ?? null,
      );
      return { ...chunk, id: Number(lastInsertRowid), documentId: document.id };
    });
  }

  setStatus(id: string, status: DocumentStatus): void {
    this.db.prepare('UPDATE documents SET status = ? WHERE id = ?').run(status, id);
  }

  /** Removes a document and its chunks from SQLite. Call inside a transaction. */
  remove(id: string): void {
    this.db.prepare('DELETE FROM documents WHERE id = ?').run(id);
  }

  /** A document's chunks in reading order. */
  chunksOf(documentId: string): StoredChunk[] {
    const rows = this.db
      .prepare(
        `SELECT id, document_id, heading_path, start_offset, end_offset, text, page_start, page_end, sheet, cells, slide
         FROM chunks WHERE document_id = ? ORDER BY ordinal`,
      )
      .all(documentId) as ChunkRow[];
    return rows.map(toStoredChunk);
  }

  chunkIdsOf(documentId: string): number[] {
    return (this.db.prepare('SELECT id FROM chunks WHERE document_id = ?').all(documentId) as { id: number }[]).map((row) => row.id);
  }

  /** Documents left mid-way by a crash or kill: `indexing` (chunks stored, indexes maybe not) and `deleting`. */
  inFlight(): InFlightDocument[] {
    return this.db
      .prepare(`SELECT id, space_id AS spaceId, status, sha256, source_path AS sourcePath FROM documents WHERE status != 'ready' ORDER BY rowid`)
      .all() as InFlightDocument[];
  }

  /** Every chunk of the space's ready documents, for rebuilding its indexes. */
  *chunksOfSpace(spaceId: string): Generator<StoredChunk & { format: DocumentFormat; project: string | null; createdAt: string }> {
    const rows = this.db
      .prepare(
        `SELECT c.id, c.document_id, c.heading_path, c.start_offset, c.end_offset, c.text, c.page_start, c.page_end, c.sheet, c.cells, c.slide,
                d.format, d.project, d.created_at
         FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.space_id = ? AND d.status = 'ready' ORDER BY c.id`,
      )
      .iterate(spaceId) as Iterable<ChunkRow & { format: DocumentFormat; project: string | null; created_at: string }>;
    for (const row of rows) yield { ...toStoredChunk(row), format: row.format, project: row.project, createdAt: row.created_at };
  }
}

export interface ChunkRow {
  id: number;
  document_id: string;
  heading_path: string;
  start_offset: number;
  end_offset: number;
  text: string;
  page_start?: number | null;
  page_end?: number | null;
  sheet?: string | null;
  cells?: string | null;
  slide?: number | null;
}

export const toStoredChunk = (row: ChunkRow): StoredChunk => ({
  id: row.id,
  documentId: row.document_id,
  headingPath: JSON.parse(row.heading_path) as string[],
  start: row.start_offset,
  end: row.end_offset,
  text: row.text,
  location: {
    ...(row.page_start != null ? { pageStart: row.page_start } : {}),
    ...(row.page_end != null ? { pageEnd: row.page_end } : {}),
    ...(row.sheet != null ? { sheet: row.sheet } : {}),
    ...(row.cells != null ? { cells: row.cells } : {}),
    ...(row.slide != null ? { slide: row.slide } : {}),
  },
});

/** What the keyword index searches for a chunk: its heading path, then its text. */
export const searchableText = (chunk: Chunk): string => [...chunk.headingPath, chunk.text].join('\n');
