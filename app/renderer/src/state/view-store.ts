/** Which page the window shows: the documents and chat, the reports, the plan (tasks and calendar), or the model library. All stay mounted, so switching keeps their state. */
import { create } from 'zustand';

export type View = 'documents' | 'reports' | 'plan' | 'models';

interface ViewState {
  view: View;
}

export const useViewStore = create<ViewState>(() => ({ view: 'documents' }));
