/**
 * Traces opened in this window, by trace id: loading, read (the spans and totals as the core sent them), or why
 * they could not be read. Several can be open at once (one under each answer whose "Trace" was opened).
 */
import { create } from 'zustand';
import type { ErrorPayload, TraceInfo } from '../../../../schemas/index.js';

export type OpenTrace =
  | { status: 'loading' }
  | { status: 'ready'; trace: TraceInfo }
  | { status: 'failed'; error: ErrorPayload };

interface TracesState {
  traces: Record<string, OpenTrace>;
}

export const useTracesStore = create<TracesState>(() => ({ traces: {} }));
