/** Whether the window's current space is one the caller may only read (a viewer on a team server), for hiding write buttons. */
import { useSpacesStore } from '../../state/spaces-store.js';
import { readOnlyIn, useTeamStore } from '../../state/team-store.js';

export function useReadOnlySpace(): boolean {
  const spaceId = useSpacesStore((state) => state.currentSpaceId);
  return useTeamStore((state) => readOnlyIn(state, spaceId));
}
