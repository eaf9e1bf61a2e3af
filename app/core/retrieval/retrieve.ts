/**
 * Retrieval: the passages that best match a query, each with its citation (document, heading, page, sheet
 * and cells, slide). The space filter is applied in the indexes and again in SQL, never left to the caller;
 * only documents whose ingest has finished (`ready`) are cited.
 */
import type { RetrievalHit } from '../../../schemas/index.js';
import { toStoredChunk, type ChunkRow } from '../library/index.js';
import type { Db } from '../storage/index.js';
import type { CallOptions } from '../models/index.js';
import { searchableSpaces } from './filters.js';
import { hybridSearch, type HybridSearchDeps, type HybridSearchRequest, type HybridTimings, type ModeRanks, type RetrievedChunk } from './hybrid.js';
import type { KeywordIndex } from './keyword-index.js';
import { citedLocation } from '../citations/index.js';

const snippetLength = 240;

/** Keyword search in one space (BM25), as cited passages. */
export function retrieve(db: Db, keywordIndex: KeywordIndex, request: { spaceId: string; query: string; limit: number }): RetrievalHit[] {
  const hits = keywordIndex.searchScored(request.spaceId, request.query, { limit: request.limit });
  return citePassages(db, [request.spaceId], hits).map(({ hit }) => hit);
}

export interface PassageHit extends RetrievalHit {
  spaceId: string;
  /** Where the passage stood in each mode's list (1-based), for the UI and debugging. */
  ranks: ModeRanks;
}

export interface PassageSearchResult {
  hits: PassageHit[];
  timings: HybridTimings;
}

/**
 * Hybrid retrieval (any mode) as cited passages. The reranker, when used, reads passage text from SQLite;
 * hits whose chunk was deleted meanwhile are dropped.
 */
export async function retrievePassages(
  db: Db,
  deps: Omit<HybridSearchDeps, 'passages'>,
  request: HybridSearchRequest,
  options: CallOptions = {},
): Promise<PassageSearchResult> {
  const spaces = searchableSpaces(request.allowedSpaces, request.filter);
  const passages = (chunks: readonly RetrievedChunk[]) => passageTexts(db, spaces, chunks);
  const { hits, timings } = await hybridSearch({ ...deps, passages }, request, options);
  const cited = citePassages(db, spaces, hits);
  return {
    hits: cited.map(({ hit, source }) => ({ ...hit, spaceId: source.spaceId, ranks: source.ranks })),
    timings,
  };
}

interface CitableRow extends ChunkRow {
  document_name: string;
  space_id: string;
}

/** Looks the hits up in SQLite (only in `spaces`) and makes citations, keeping the hits' order and scores. */
function citePassages<T extends { chunkId: number; score: number }>(db: Db, spaces: readonly string[], hits: readonly T[]): { hit: RetrievalHit; source: T }[] {
  if (hits.length === 0 || spaces.length === 0) return [];
  const rows = db
    .prepare(
      `SELECT c.id, c.document_id, c.heading_path, c.start_offset, c.end_offset, c.text, c.page_start, c.page_end, c.sheet, c.cells, c.slide,
              d.name AS document_name, d.space_id
       FROM chunks c JOIN documents d ON d.id = c.document_id
       WHERE d.status = 'ready' AND d.space_id IN (SELECT value FROM json_each(?)) AND c.id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(spaces), JSON.stringify(hits.map((hit) => hit.chunkId))) as CitableRow[];
  const byId = new Map(rows.map((row) => [row.id, row]));
  const cited: { hit: RetrievalHit; source: T }[] = [];
  for (const source of hits) {
    const row = byId.get(source.chunkId);
    if (!row) continue;
    const chunk = toStoredChunk(row);
    cited.push({
      source,
      hit: {
        citation: {
          documentId: chunk.documentId,
          documentName: row.document_name,
          chunkId: String(chunk.id),
          headingPath: chunk.headingPath,
          start: chunk.start,
          end: chunk.end,
          snippet: chunk.text.length > snippetLength ? `${chunk.text.slice(0, snippetLength)}…` : chunk.text,
          ...citedLocation(chunk.location),
        },
        text: chunk.text,
        score: source.score,
      },
    });
  }
  return cited;
}

function passageTexts(db: Db, spaces: readonly string[], chunks: readonly RetrievedChunk[]): Map<number, string> {
  const rows = db
    .prepare(
      `SELECT c.id, c.heading_path, c.text FROM chunks c JOIN documents d ON d.id = c.document_id
       WHERE d.status = 'ready' AND d.space_id IN (SELECT value FROM json_each(?)) AND c.id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(spaces), JSON.stringify(chunks.map((chunk) => chunk.chunkId))) as { id: number; heading_path: string; text: string }[];
  // The reranker reads what the indexes read: heading path, then text.
  return new Map(rows.map((row) => [row.id, [...(JSON.parse(row.heading_path) as string[]), row.text].join('\n')]));
}
