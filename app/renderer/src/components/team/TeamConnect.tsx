/**
 * In the header of the desktop app and web mode: "Connect to a team server", a small panel that takes the server's
 * address and an API token, and once connected says where and as whom, with "Disconnect". A page a team server
 * served is already on its team, so it shows nothing there.
 */
import { useState, type FormEvent } from 'react';
import { connectTeam, disconnectTeam } from '../../state/team-link-actions.js';
import { useTeamLinkStore } from '../../state/team-link-store.js';
import { useTeamStore } from '../../state/team-store.js';

export function TeamConnect() {
  const servedByTeam = useTeamStore((state) => state.team);
  const status = useTeamLinkStore((state) => state.status);
  const host = useTeamLinkStore((state) => state.host);
  const [open, setOpen] = useState(false);
  if (servedByTeam) return null;
  return (
    <div className="share team-connect">
      <button
        type="button"
        className="button button--quiet"
        data-testid="team-connect"
        data-status={status}
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        {status === 'connected' ? `Team: ${host}` : 'Connect to a team server'}
      </button>
      {open && <TeamConnectPanel onClose={() => setOpen(false)} />}
    </div>
  );
}

function TeamConnectPanel({ onClose }: { onClose: () => void }) {
  const status = useTeamLinkStore((state) => state.status);
  return (
    <div
      className="share-dialog team-connect__panel"
      data-testid="team-connect-panel"
      role="dialog"
      aria-label="Team server"
      onKeyDown={(event) => event.key === 'Escape' && onClose()}
    >
      <div className="share-dialog__head">
        <h2>Team server</h2>
        <button type="button" className="button button--quiet button--small" onClick={onClose}>
          Close
        </button>
      </div>
      {status === 'connected' ? <Connected /> : <ConnectForm />}
    </div>
  );
}

function ConnectForm() {
  const status = useTeamLinkStore((state) => state.status);
  const error = useTeamLinkStore((state) => state.error);
  const [address, setAddress] = useState('');
  const [token, setToken] = useState('');
  const connecting = status === 'connecting';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await connectTeam(address, token);
    // The token now lives only in the link; the field does not keep a copy.
    if (useTeamLinkStore.getState().status === 'connected') setToken('');
  };

  return (
    <form className="team-connect__form" onSubmit={(event) => void submit(event)}>
      <label htmlFor="team-connect-url">Server address</label>
      <input
        id="team-connect-url"
        data-testid="team-connect-url"
        placeholder="https://box:8443"
        autoFocus
        value={address}
        onChange={(event) => setAddress(event.target.value)}
      />
      <label htmlFor="team-connect-token">API token</label>
      <input
        id="team-connect-token"
        data-testid="team-connect-token"
        type="password"
        autoComplete="off"
        value={token}
        onChange={(event) => setToken(event.target.value)}
      />
      {error && (
        <p className="share-dialog__error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="button" data-testid="team-connect-submit" disabled={connecting || !address.trim() || !token.trim()}>
        {connecting ? 'Connecting…' : 'Connect'}
      </button>
    </form>
  );
}

function Connected() {
  const host = useTeamLinkStore((state) => state.host);
  const userName = useTeamLinkStore((state) => state.userName);
  const spaceCount = useTeamLinkStore((state) => state.spaces.length);
  const linkStatus = useTeamLinkStore((state) => state.link?.status ?? 'open');
  return (
    <div className="team-connect__connected" data-testid="team-connected">
      <p>
        Connected to <strong>{host}</strong> as <strong>{userName}</strong> · {spaceCount} {spaceCount === 1 ? 'space' : 'spaces'}
        {linkStatus !== 'open' && <span className="muted"> · connection lost, reconnecting…</span>}
      </p>
      <button type="button" className="button button--quiet" data-testid="team-disconnect" onClick={() => void disconnectTeam()}>
        Disconnect
      </button>
    </div>
  );
}
