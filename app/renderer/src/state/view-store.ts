/** Which page the window shows: the documents and chat, or the model library. Both stay mounted, so switching keeps their state. */
import { create } from 'zustand';

export type View = 'documents' | 'models';

interface ViewState {
  view: View;
}

export const useViewStore = create<ViewState>(() => ({ view: 'documents' }));
