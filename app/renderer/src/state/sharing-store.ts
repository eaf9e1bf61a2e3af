/** The Share dialog of a team server's space: who may open the space, and the share or removal under way. */
import { create } from 'zustand';
import type { Result } from '../../../../schemas/index.js';

export type SpaceMember = Result<'spaces.members'>[number];

interface SharingState {
  /** The space whose dialog is open, or null when it is closed. */
  spaceId: string | null;
  members: SpaceMember[];
  loading: boolean;
  /** A share or removal waiting for the server. */
  busy: boolean;
  /** The server's refusal of the last load, share or removal ("No user named bob."). */
  error: string | null;
}

export const useSharingStore = create<SharingState>(() => ({ spaceId: null, members: [], loading: false, busy: false, error: null }));
