/** Ingest: turn dropped files into normalized text, chunks with provenance, and index entries. */
export { ingestDocument, type IngestDeps } from './ingest-document.js';
export { Documents, searchableText, toStoredChunk, type StoredChunk, type ChunkRow } from './documents.js';
export { chunkMarkdown, type Chunk, type ChunkOptions } from './chunk.js';
export { decodeDocument, formatOf, normalizeText } from './decode.js';
