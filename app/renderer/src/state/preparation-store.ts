/**
 * How far each space is in being prepared for search (its passages embedded for the active embedding model),
 * as the core last reported it. A space with no entry is ready, or has not been looked at yet.
 */
import { create } from 'zustand';
import type { ErrorPayload } from '../../../../schemas/index.js';

/** Why the space is being prepared: it was just opened, or the embedding model was switched. */
export type PreparationReason = 'opening' | 'new-embedder';

export type SpacePreparation = { reason: PreparationReason } & (
  /** The new embedding model is loading; the core has not said how many passages there are yet. */
  | { status: 'starting' }
  | { status: 'embedding'; done: number; total: number }
  | { status: 'failed'; error: ErrorPayload }
);

interface PreparationState {
  /** By space id. */
  bySpace: Record<string, SpacePreparation>;
}

export const usePreparationStore = create<PreparationState>(() => ({ bySpace: {} }));

/** Whether questions in the space wait for its preparation (it is running, not failed). */
export function isPreparing(preparation: SpacePreparation | undefined): boolean {
  return preparation !== undefined && preparation.status !== 'failed';
}
