/** The documents table and its chunks: what was ingested into which space, and the passages cut from it. */
import type { DocumentFormat, DocumentInfo } from '../../../schemas/index.js';
import { HearthError } from '../../../schemas/index.js';
import type { Db } from '../storage/index.js';
import type { Chunk } from './chunk.js';

interface DocumentRow {
  id: string;
  space_id: string;
  name: string;
  format: DocumentFormat;
  sha256: string;
  size_bytes: number;
  created_at: string;
  chunk_count: number;
}

const selectDocuments = `
  SELECT d.id, d.space_id, d.name, d.format, d.sha256, d.size_bytes, d.created_at,
         (SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id) AS chunk_count
  FROM documents d`;

const toInfo = (row: DocumentRow): DocumentInfo => ({
  id: row.id,
  spaceId: row.space_id,
  name: row.name,
  format: row.format,
  sha256: row.sha256,
  sizeBytes: row.size_bytes,
  chunkCount: row.chunk_count,
  createdAt: row.created_at,
});

export interface NewDocument {
  id: string;
  spaceId: string;
  name: string;
  format: DocumentFormat;
  sha256: string;
  sizeBytes: number;
  text: string;
}

export interface StoredChunk extends Chunk {
  id: number;
  documentId: string;
}

export class Documents {
  constructor(private readonly db: Db) {}

  list(spaceId: string): DocumentInfo[] {
    return (this.db.prepare(`${selectDocuments} WHERE d.space_id = ? ORDER BY d.created_at, d.name`).all(spaceId) as DocumentRow[]).map(toInfo);
  }

  get(id: string): DocumentInfo {
    const row = this.db.prepare(`${selectDocuments} WHERE d.id = ?`).get(id) as DocumentRow | undefined;
    if (!row) throw new HearthError('NOT_FOUND', `There is no document with id ${id}.`, { documentId: id });
    return toInfo(row);
  }

  findBySha(spaceId: string, sha256: string): DocumentInfo | undefined {
    const row = this.db.prepare(`${selectDocuments} WHERE d.space_id = ? AND d.sha256 = ?`).get(spaceId, sha256) as DocumentRow | undefined;
    return row ? toInfo(row) : undefined;
  }

  text(id: string): string {
    const row = this.db.prepare('SELECT normalized_text FROM documents WHERE id = ?').get(id) as { normalized_text: string } | undefined;
    if (!row) throw new HearthError('NOT_FOUND', `There is no document with id ${id}.`, { documentId: id });
    return row.normalized_text;
  }

  /** Inserts a document and its chunks; returns the chunks with their ids. Call inside a transaction. */
  insert(document: NewDocument, chunks: readonly Chunk[]): StoredChunk[] {
    this.db
      .prepare(
        `INSERT INTO documents (id, space_id, name, format, sha256, size_bytes, normalized_text, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(document.id, document.spaceId, document.name, document.format, document.sha256, document.sizeBytes, document.text, new Date().toISOString());
    const insertChunk = this.db.prepare(
      `INSERT INTO chunks (document_id, ordinal, heading_path, start_offset, end_offset, text) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    return chunks.map((chunk, ordinal) => {
      const { lastInsertRowid } = insertChunk.run(document.id, ordinal, JSON.stringify(chunk.headingPath), chunk.start, chunk.end, chunk.text);
      return { ...chunk, id: Number(lastInsertRowid), documentId: document.id };
    });
  }

  /** Every chunk of a space, for rebuilding its keyword index. */
  *chunksOfSpace(spaceId: string): Generator<StoredChunk> {
    const rows = this.db
      .prepare(
        `SELECT c.id, c.document_id, c.heading_path, c.start_offset, c.end_offset, c.text
         FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.space_id = ? ORDER BY c.id`,
      )
      .iterate(spaceId) as Iterable<ChunkRow>;
    for (const row of rows) yield toStoredChunk(row);
  }
}

export interface ChunkRow {
  id: number;
  document_id: string;
  heading_path: string;
  start_offset: number;
  end_offset: number;
  text: string;
}

export const toStoredChunk = (row: ChunkRow): StoredChunk => ({
  id: row.id,
  documentId: row.document_id,
  headingPath: JSON.parse(row.heading_path) as string[],
  start: row.start_offset,
  end: row.end_offset,
  text: row.text,
});

/** What the keyword index searches for a chunk: its heading path, then its text. */
export const searchableText = (chunk: Chunk): string => [...chunk.headingPath, chunk.text].join('\n');
