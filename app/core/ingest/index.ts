/** Ingest: turn dropped files into normalized text, chunks with provenance, and index entries. */
export { deleteDocument, ingestDocument, notInLibrary, recoverInFlight, reingestDocument, type IngestDeps } from './ingest-document.js';
export { ParsePool, type ParsePoolOptions } from './parse-pool.js';
export { Replacements } from './replacements.js';
export { Documents, searchableText, toStoredChunk, type ChunkRow, type DocumentStatus, type InFlightDocument, type LocatedChunk, type StoredChunk } from './documents.js';
export { chunkBudget, chunkMarkdown, defaultChunkTokens, defaultOverlapTokens, locateChunk, type Chunk, type ChunkBudget, type ChunkLocation, type ChunkOptions } from './chunk.js';
export { decodeTextFile, normalizeText } from './decode.js';
export { formatOfFile, parseDocument } from './parsers/index.js';
