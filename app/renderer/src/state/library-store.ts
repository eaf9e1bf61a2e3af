/** The current space's documents, the files being added to it, documents being re-read, and how the list is filtered. */
import { create } from 'zustand';
import type { DocumentInfo, ErrorPayload, IngestStage, SearchFilter } from '../../../../schemas/index.js';
import { filterDocuments, isFiltering, noFilter, projectsOf, searchFilterOf, type DocumentFilter } from './library-filter.js';

export type { DocumentFilter } from './library-filter.js';

/**
 * `queued` before the core has started on the file, `uploading` while its bytes stream to a team server (the
 * fraction is the share sent), `failed` when it gave up (see `error`).
 */
export type UploadStage = 'queued' | 'uploading' | IngestStage | 'failed';

export interface Upload {
  id: string;
  spaceId: string;
  name: string;
  /** The project the file is added under, if the user gave one. */
  project?: string;
  stage: UploadStage;
  /** 0..1 over the whole file, as the core reports it (while `uploading`, the share of the bytes sent). */
  fraction: number;
  /** Set once done: `unchanged` when the same bytes were already in the space. */
  outcome?: 'indexed' | 'unchanged';
  error?: ErrorPayload;
  /** The core's job once it has the file: followed by this window, or found running when the window opened. */
  jobId?: string;
  /** The team server's name for the streamed file; one that needs a password is added again from it, not sent twice. */
  uploadId?: string;
}

/** A re-read of a document (`documents.reingest`): its progress, or why it failed; `done` is kept under the new id. */
export interface Reingest {
  stage: UploadStage;
  fraction: number;
  error?: ErrorPayload;
}

/** A delete in flight, or why the last one failed; absent when the document is left alone. */
export type Deletion = { status: 'deleting' } | { status: 'failed'; error: ErrorPayload };

interface LibraryState {
  /** Documents of `documentsSpaceId` (the current space once loaded). */
  documents: DocumentInfo[];
  documentsSpaceId: string | null;
  loadingDocuments: boolean;
  uploads: Upload[];
  /** The project files added next go under, as typed ('' for none). */
  uploadProject: string;
  filter: DocumentFilter;
  /** By document id. */
  deletions: Record<string, Deletion>;
  /** By document id. */
  reingests: Record<string, Reingest>;
}

export const useLibraryStore = create<LibraryState>(() => ({
  documents: [],
  documentsSpaceId: null,
  loadingDocuments: false,
  uploads: [],
  uploadProject: '',
  filter: noFilter,
  deletions: {},
  reingests: {},
}));

/** The documents the filter lets through, in list order; use with `useShallow`, as it builds a new array. */
export function selectVisibleDocuments(state: LibraryState): DocumentInfo[] {
  return filterDocuments(state.documents, state.filter);
}

/** The projects present in the space, sorted; use with `useShallow`. */
export function selectProjects(state: LibraryState): string[] {
  return projectsOf(state.documents);
}

/**
 * What a question may be narrowed to: `all` when the filter lets every document through; `filtered` with the
 * SearchFilter for exactly the documents shown; `inexpressible` when no SearchFilter says the same.
 */
export type AskScope =
  | { kind: 'all' }
  | { kind: 'filtered'; count: number; filter: SearchFilter }
  | { kind: 'inexpressible'; count: number };

export function askScopeOf(state: LibraryState): AskScope {
  if (!isFiltering(state.filter)) return { kind: 'all' };
  const visible = selectVisibleDocuments(state);
  if (visible.length === state.documents.length) return { kind: 'all' };
  const filter = searchFilterOf(state.filter, visible);
  return filter ? { kind: 'filtered', count: visible.length, filter } : { kind: 'inexpressible', count: visible.length };
}
