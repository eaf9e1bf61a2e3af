/** The current space's documents and the files being added to it, each with its ingest progress or error. */
import { create } from 'zustand';
import type { DocumentInfo, ErrorPayload, IngestStage } from '../../../../schemas/index.js';

/** `queued` before the core has started on the file, `failed` when it gave up (see `error`). */
export type UploadStage = 'queued' | IngestStage | 'failed';

export interface Upload {
  id: string;
  spaceId: string;
  name: string;
  stage: UploadStage;
  /** 0..1 over the whole file, as the core reports it. */
  fraction: number;
  /** Set once done: `unchanged` when the same bytes were already in the space. */
  outcome?: 'indexed' | 'unchanged';
  error?: ErrorPayload;
}

interface LibraryState {
  /** Documents of `documentsSpaceId` (the current space once loaded). */
  documents: DocumentInfo[];
  documentsSpaceId: string | null;
  loadingDocuments: boolean;
  uploads: Upload[];
}

export const useLibraryStore = create<LibraryState>(() => ({
  documents: [],
  documentsSpaceId: null,
  loadingDocuments: false,
  uploads: [],
}));
