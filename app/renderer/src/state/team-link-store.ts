/**
 * The link from this window to a team server the user connected to from here (not the server that served the page):
 * where it goes, who it signs in as, the team's spaces and the caller's role in each. The token is not here: only
 * the link's transport holds it, in memory, for its upgrades.
 */
import { create } from 'zustand';
import type { Space } from '../../../../schemas/index.js';
import type { LinkState } from '../client/reconnecting-ws-transport.js';
import type { SpaceRole } from './team-store.js';

/** `none`: no team connected; `connecting`: checking the address and token with team.me; `connected`. */
export type TeamLinkStatus = 'none' | 'connecting' | 'connected';

interface TeamLinkState {
  status: TeamLinkStatus;
  /** The server's address as typed, normalised (`https://box:8443`); its host labels the team's spaces. */
  origin: string | null;
  host: string | null;
  /** Who the token signs in as there. */
  userName: string | null;
  spaces: Space[];
  roles: Record<string, SpaceRole>;
  /** The team link as its transport reports it (a drop, each attempt to reconnect). */
  link: LinkState | null;
  /** Why the last attempt to connect failed, shown in the panel. */
  error: string | null;
}

export const noTeamLink = {
  status: 'none',
  origin: null,
  host: null,
  userName: null,
  spaces: [],
  roles: {},
  link: null,
  error: null,
} satisfies TeamLinkState;

export const useTeamLinkStore = create<TeamLinkState>(() => ({ ...noTeamLink }));

/** Whether `spaceId` is one of the connected team's spaces (so its work goes over the team link). */
export function isTeamSpace(state: Pick<TeamLinkState, 'status' | 'spaces'>, spaceId: string | null): boolean {
  return spaceId !== null && state.status === 'connected' && state.spaces.some((space) => space.id === spaceId);
}
