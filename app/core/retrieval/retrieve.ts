/**
 * Retrieval: the passages of a space that best match a query, each with its citation. The space filter
 * is applied here, in the index and again in SQL, never left to the caller.
 */
import type { RetrievalHit } from '../../../schemas/index.js';
import { toStoredChunk, type ChunkRow } from '../ingest/documents.js';
import type { Db } from '../storage/index.js';
import type { KeywordIndex } from './keyword-index.js';

const snippetLength = 240;

export function retrieve(db: Db, keywordIndex: KeywordIndex, request: { spaceId: string; query: string; limit: number }): RetrievalHit[] {
  const ids = keywordIndex.search(request.spaceId, request.query, request.limit);
  if (ids.length === 0) return [];
  const rows = db
    .prepare(
      `SELECT c.id, c.document_id, c.heading_path, c.start_offset, c.end_offset, c.text, d.name AS document_name
       FROM chunks c JOIN documents d ON d.id = c.document_id
       WHERE d.space_id = ? AND c.id IN (SELECT value FROM json_each(?))`,
    )
    .all(request.spaceId, JSON.stringify(ids)) as (ChunkRow & { document_name: string })[];
  const byId = new Map(rows.map((row) => [row.id, row]));
  const hits: RetrievalHit[] = [];
  ids.forEach((id, rank) => {
    const row = byId.get(id);
    if (!row) return;
    const chunk = toStoredChunk(row);
    hits.push({
      citation: {
        documentId: chunk.documentId,
        documentName: row.document_name,
        chunkId: String(chunk.id),
        headingPath: chunk.headingPath,
        start: chunk.start,
        end: chunk.end,
        snippet: chunk.text.length > snippetLength ? `${chunk.text.slice(0, snippetLength)}…` : chunk.text,
      },
      text: chunk.text,
      // FlexSearch ranks without scores; a reciprocal rank keeps the order and fuses cleanly later (RRF).
      score: 1 / (rank + 1),
    });
  });
  return hits;
}
