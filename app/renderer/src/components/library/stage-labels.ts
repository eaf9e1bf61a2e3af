/** What each stage of reading a file is called in the library, in the user's words. */
import type { UploadStage } from '../../state/library-store.js';

export const STAGE_LABELS: Record<UploadStage, string> = {
  queued: 'Waiting',
  uploading: 'Uploading',
  reading: 'Reading',
  parsing: 'Parsing',
  chunking: 'Splitting into passages',
  embedding: 'Embedding',
  indexing: 'Indexing',
  done: 'Added',
  failed: 'Failed',
};
