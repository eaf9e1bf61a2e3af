/** The conversation on screen: its stored messages and the answer streaming in, if any. */
import { create } from 'zustand';
import type { Citation, ErrorPayload, Message } from '../../../../schemas/index.js';

/** An answer still arriving: citations sit at `index - 1`, as in a stored message's `citations`. */
export interface PendingAnswer {
  /** The question as typed, until the core confirms it as a stored message. */
  question: string | null;
  text: string;
  citations: Array<Citation | undefined>;
  /** What the answer says about how it was made (reranking off, and why). */
  notices: string[];
  error: ErrorPayload | null;
}

interface ChatState {
  /** null until the first answer of a new conversation says which one it is stored in. */
  conversationId: string | null;
  messages: Message[];
  loadingHistory: boolean;
  pending: PendingAnswer | null;
  /** Ask only the documents the library filter shows (when it narrows the list), not the whole space. */
  onlyFiltered: boolean;
}

export const useChatStore = create<ChatState>(() => ({
  conversationId: null,
  messages: [],
  loadingHistory: false,
  pending: null,
  onlyFiltered: false,
}));
