/**
 * The document library: which documents each space holds (their status being the ingest journal), the passages
 * cut from them with their locations, and which reading replaced which. Ingest writes it; retrieval and
 * citations read it.
 */
export {
  Documents,
  searchableText,
  toStoredChunk,
  type Chunk,
  type ChunkLocation,
  type ChunkRow,
  type DocumentStatus,
  type InFlightDocument,
  type LocatedChunk,
  type NewDocument,
  type StoredChunk,
} from './documents.js';
export { Replacements } from './replacements.js';
