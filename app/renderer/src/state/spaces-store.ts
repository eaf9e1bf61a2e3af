/** The spaces the user has and the one they are working in. */
import { create } from 'zustand';
import type { Space } from '../../../../schemas/index.js';

interface SpacesState {
  spaces: Space[];
  currentSpaceId: string | null;
}

export const useSpacesStore = create<SpacesState>(() => ({ spaces: [], currentSpaceId: null }));
