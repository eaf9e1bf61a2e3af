/** Ingest: turn dropped files into normalized text, chunks with provenance, and index entries. */
export { deleteDocument, ingestDocument, notInLibrary, recoverInFlight, reingestDocument, type IngestDeps } from './ingest-document.js';
export { chunkBudget, chunkMarkdown, defaultChunkTokens, defaultOverlapTokens, locateChunk, type ChunkBudget, type ChunkOptions } from './chunk.js';
export { Ingest, type IngestOptions } from './ingest.js';
export { documentsHandlers, type DocumentsHandlersDeps } from './handlers.js';
export { Uploads, uploadQuotaFromEnv, type ReceivedUpload, type UploadLimits, type UploadUsage } from './uploads.js';
