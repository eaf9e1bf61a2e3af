/** Whether this window talks to a team server, who is signed in there, and the caller's role in each space (from team.me). */
import { create } from 'zustand';
import type { Result } from '../../../../schemas/index.js';

export type SpaceRole = Result<'team.me'>['spaces'][number]['role'];

/**
 * `checking`: asking the server whether it serves a team; `none`: no sign-in here (the desktop app, web mode);
 * `signed-out`: a team server, and the sign-in screen is up; `signed-in`: a team server, and the app runs as `user`.
 */
export type SessionStatus = 'checking' | 'none' | 'signed-out' | 'signed-in';

export interface SignedInUser {
  id: string;
  name: string;
  serverRole: string;
}

interface TeamState {
  /** Whether the server that served the page is a team server. */
  team: boolean;
  session: SessionStatus;
  user: SignedInUser | null;
  /** Why the window is on the sign-in screen when the server sent it there (a revoked token), not the user. */
  signedOutReason: string | null;
  signingIn: boolean;
  /** The server's answer to the last sign-in that failed ("The token is not valid."). */
  signInError: string | null;
  /** Why the last sign-out did not happen (the server could not be reached). */
  signOutError: string | null;
  /** The caller's role in each space it has one in. */
  roles: Record<string, SpaceRole>;
}

export const useTeamStore = create<TeamState>(() => ({
  team: false,
  session: 'checking',
  user: null,
  signedOutReason: null,
  signingIn: false,
  signInError: null,
  signOutError: null,
  roles: {},
}));

/**
 * Whether the caller may only read `spaceId`: a team server says they are its viewer. Everyone else may add to it
 * (the desktop app, web mode), as may a team member whose role is not known yet (the server still decides).
 */
export function readOnlyIn(state: Pick<TeamState, 'team' | 'roles'>, spaceId: string | null): boolean {
  return state.team && spaceId !== null && state.roles[spaceId] === 'viewer';
}
