/** The citation open in the side panel, how it is shown, and what was fetched to show citations in. */
import { create } from 'zustand';
import type { Citation, ErrorPayload, LocatedCitation } from '../../../../schemas/index.js';

export type DocumentText =
  | { status: 'loading' }
  | { status: 'ready'; text: string }
  | { status: 'failed'; error: ErrorPayload };

/** A document's original file, fetched to draw PDF pages. */
export type DocumentOriginal =
  | { status: 'loading' }
  | { status: 'ready'; bytes: Uint8Array }
  | { status: 'failed'; error: ErrorPayload };

/**
 * Where the open citation's passage is now, as the core answered: its document may have been read again (or a
 * changed file added again) since the answer, and the passage moved into the new reading or gone from it.
 */
export type CitationPlacement =
  | { status: 'locating' }
  | { status: 'ready'; located: LocatedCitation }
  | { status: 'failed'; error: ErrorPayload };

/** `text`: the normalized text with the passage marked; `page`: the cited PDF page as drawn. */
export type CitationView = 'text' | 'page';

interface CitationState {
  /** `citation` as the answer holds it; `placement` says where to show it now. */
  open: { citation: Citation; index: number; placement: CitationPlacement } | null;
  view: CitationView;
  /** By document id; a document's normalized text never changes once ingested. */
  texts: Record<string, DocumentText>;
  /** By document id; fetched once, the first time a page of the document is shown. */
  originals: Record<string, DocumentOriginal>;
}

export const useCitationStore = create<CitationState>(() => ({ open: null, view: 'text', texts: {}, originals: {} }));
