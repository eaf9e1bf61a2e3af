/** The current space's documents, the files being added to it, and how the list is filtered. */
import { create } from 'zustand';
import type { DocumentFormat, DocumentInfo, ErrorPayload, IngestStage } from '../../../../schemas/index.js';

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

/** A delete in flight, or why the last one failed; absent when the document is left alone. */
export type Deletion = { status: 'deleting' } | { status: 'failed'; error: ErrorPayload };

export interface DocumentFilter {
  /** Matched against document names, ignoring case. */
  text: string;
  format: DocumentFormat | 'all';
}

interface LibraryState {
  /** Documents of `documentsSpaceId` (the current space once loaded). */
  documents: DocumentInfo[];
  documentsSpaceId: string | null;
  loadingDocuments: boolean;
  uploads: Upload[];
  filter: DocumentFilter;
  /** By document id. */
  deletions: Record<string, Deletion>;
}

export const useLibraryStore = create<LibraryState>(() => ({
  documents: [],
  documentsSpaceId: null,
  loadingDocuments: false,
  uploads: [],
  filter: { text: '', format: 'all' },
  deletions: {},
}));

/** The documents the filter lets through, in list order; use with `useShallow`, as it builds a new array. */
export function selectVisibleDocuments(state: LibraryState): DocumentInfo[] {
  const { text, format } = state.filter;
  const needle = text.trim().toLowerCase();
  return state.documents.filter(
    (document) => (format === 'all' || document.format === format) && (needle === '' || document.name.toLowerCase().includes(needle)),
  );
}
