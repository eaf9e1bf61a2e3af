/** The citation open in the side panel, and the texts of documents fetched to show citations in. */
import { create } from 'zustand';
import type { Citation, ErrorPayload } from '../../../../schemas/index.js';

export type DocumentText =
  | { status: 'loading' }
  | { status: 'ready'; text: string }
  | { status: 'failed'; error: ErrorPayload };

interface CitationState {
  open: { citation: Citation; index: number } | null;
  /** By document id; a document's normalized text never changes once ingested. */
  texts: Record<string, DocumentText>;
}

export const useCitationStore = create<CitationState>(() => ({ open: null, texts: {} }));
