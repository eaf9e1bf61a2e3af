/**
 * Beside the space picker on a team server: "Share" for the space's owners, "Shared with…" (read-only) for everyone
 * else who may open it. Either opens the dialog of who may open the space.
 */
import { openSharing } from '../../state/sharing-actions.js';
import { useSharingStore } from '../../state/sharing-store.js';
import { useSpacesStore } from '../../state/spaces-store.js';
import { useTeamStore } from '../../state/team-store.js';
import { ShareDialog } from './ShareDialog.js';

export function ShareButton() {
  const team = useTeamStore((state) => state.team);
  const spaceId = useSpacesStore((state) => state.currentSpaceId);
  const role = useTeamStore((state) => (spaceId === null ? undefined : state.roles[spaceId]));
  const openFor = useSharingStore((state) => state.spaceId);
  if (!team || spaceId === null || role === undefined) return null;
  const owner = role === 'owner';
  return (
    <div className="share">
      <button
        type="button"
        className="button button--quiet"
        data-testid={owner ? 'share-button' : 'members-button'}
        aria-expanded={openFor === spaceId}
        onClick={() => void openSharing(spaceId)}
      >
        {owner ? 'Share' : 'Shared with…'}
      </button>
      {openFor === spaceId && <ShareDialog spaceId={spaceId} canShare={owner} />}
    </div>
  );
}
