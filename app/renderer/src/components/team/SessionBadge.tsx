/** In a team server's header: who is signed in, and the way out. */
import { signOut } from '../../state/session-actions.js';
import { useTeamStore } from '../../state/team-store.js';

export function SessionBadge() {
  const user = useTeamStore((state) => state.user);
  const error = useTeamStore((state) => state.signOutError);
  if (!user) return null;
  return (
    <div className="session-badge" data-testid="session-badge">
      <span>
        Signed in as <strong>{user.name}</strong> · team server
      </span>
      <button type="button" className="button button--small button--quiet" data-testid="signout" onClick={() => void signOut()}>
        Sign out
      </button>
      {error && (
        <span className="session-badge__error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
