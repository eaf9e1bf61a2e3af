/** Who may open a space, with which role; for its owners, a form to share it and a Remove beside each member. */
import { useEffect, useState, type FormEvent } from 'react';
import { closeSharing, shareSpace, unshareSpace, type ShareRole } from '../../state/sharing-actions.js';
import { useSharingStore, type SpaceMember } from '../../state/sharing-store.js';
import { useTeamStore } from '../../state/team-store.js';

const roles: ShareRole[] = ['viewer', 'editor', 'owner'];

export function ShareDialog({ spaceId, canShare }: { spaceId: string; canShare: boolean }) {
  const members = useSharingStore((state) => state.members);
  const loading = useSharingStore((state) => state.loading);
  const error = useSharingStore((state) => state.error);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && closeSharing();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="share-dialog" role="dialog" aria-label={canShare ? 'Share this space' : 'Shared with'} data-testid="share-dialog">
      <div className="share-dialog__head">
        <h2>{canShare ? 'Share this space' : 'Shared with'}</h2>
        <button type="button" className="button button--small button--quiet" onClick={closeSharing}>
          Close
        </button>
      </div>
      {loading ? (
        <p className="muted">Reading who may open it…</p>
      ) : (
        <ul className="share-dialog__members" data-testid="share-members">
          {members.map((member) => (
            <MemberRow key={`${member.kind}:${member.id}`} member={member} spaceId={spaceId} canShare={canShare} />
          ))}
        </ul>
      )}
      {error && (
        <p className="share-dialog__error" role="alert" data-testid="share-error">
          {error}
        </p>
      )}
      {canShare && <ShareForm spaceId={spaceId} />}
    </div>
  );
}

function MemberRow({ member, spaceId, canShare }: { member: SpaceMember; spaceId: string; canShare: boolean }) {
  const busy = useSharingStore((state) => state.busy);
  const me = useTeamStore((state) => state.user?.id);
  return (
    <li className="share-dialog__member" data-testid="share-member" data-name={member.name}>
      <span className="share-dialog__name">
        {member.name}
        {member.kind === 'group' && <span className="muted"> (group)</span>}
        {member.kind === 'user' && member.id === me && <span className="muted"> (you)</span>}
      </span>
      <span className="share-dialog__role">{member.role}</span>
      {canShare && (
        <button
          type="button"
          className="button button--small button--quiet"
          disabled={busy}
          onClick={() => void unshareSpace(spaceId, { kind: member.kind, name: member.name })}
        >
          Remove
        </button>
      )}
    </li>
  );
}

function ShareForm({ spaceId }: { spaceId: string }) {
  const busy = useSharingStore((state) => state.busy);
  const [kind, setKind] = useState<'user' | 'group'>('user');
  const [name, setName] = useState('');
  const [role, setRole] = useState<ShareRole>('viewer');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    if (await shareSpace(spaceId, { kind, name: trimmed }, role)) setName('');
  };

  return (
    <form className="share-dialog__form" onSubmit={(event) => void submit(event)}>
      <label htmlFor="share-kind" className="visually-hidden">
        Share with a user or a group
      </label>
      <select id="share-kind" data-testid="share-kind" value={kind} onChange={(event) => setKind(event.target.value as 'user' | 'group')}>
        <option value="user">User</option>
        <option value="group">Group</option>
      </select>
      <label htmlFor="share-name" className="visually-hidden">
        Name
      </label>
      <input
        id="share-name"
        data-testid="share-name"
        placeholder={kind === 'user' ? 'User name' : 'Group name'}
        maxLength={100}
        value={name}
        onChange={(event) => setName(event.target.value)}
      />
      <label htmlFor="share-role" className="visually-hidden">
        Role
      </label>
      <select id="share-role" data-testid="share-role" value={role} onChange={(event) => setRole(event.target.value as ShareRole)}>
        {roles.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
      <button type="submit" className="button button--primary" data-testid="share-submit" disabled={busy || !name.trim()}>
        Share
      </button>
    </form>
  );
}
