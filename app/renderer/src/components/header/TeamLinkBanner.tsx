/**
 * While the link to a team server connected from this window is down, says so: the team's spaces wait for it, and
 * this computer's go on working (its own link has ConnectionBanner). Nothing when no team is connected.
 */
import { useTeamLinkStore } from '../../state/team-link-store.js';

export function TeamLinkBanner() {
  const status = useTeamLinkStore((state) => state.status);
  const host = useTeamLinkStore((state) => state.host);
  const link = useTeamLinkStore((state) => state.link);
  if (status !== 'connected' || !link || link.status === 'open' || (link.status === 'connecting' && link.attempt === 0)) return null;
  const why =
    link.status === 'signed-out'
      ? `it signed this window out${link.reason ? ` (${link.reason})` : ''}; disconnect and connect again with a new token`
      : link.status === 'closed'
        ? 'it was closed; disconnect and connect again'
        : `reconnecting (attempt ${link.attempt})`;
  return (
    <div className="problem-banner connection-banner" data-testid="team-link-banner" data-status={link.status} role="status">
      <span>
        Connection to the team server {host} lost — {why}. The spaces on this computer keep working.
      </span>
    </div>
  );
}
