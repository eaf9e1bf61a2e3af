/** The conversation on screen: its stored messages (the answer streaming in is the agents store's live run). */
import { create } from 'zustand';
import type { Message } from '../../../../schemas/index.js';

interface ChatState {
  /** null until the first answer of a new conversation says which one it is stored in. */
  conversationId: string | null;
  messages: Message[];
  loadingHistory: boolean;
  /** Ask only the documents the library filter shows (when it narrows the list), not the whole space. */
  onlyFiltered: boolean;
}

export const useChatStore = create<ChatState>(() => ({
  conversationId: null,
  messages: [],
  loadingHistory: false,
  onlyFiltered: false,
}));
