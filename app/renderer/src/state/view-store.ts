/** Which page the window shows: the documents and chat, the reports, or the model library. All stay mounted, so switching keeps their state. */
import { create } from 'zustand';

export type View = 'documents' | 'reports' | 'models';

interface ViewState {
  view: View;
}

export const useViewStore = create<ViewState>(() => ({ view: 'documents' }));
