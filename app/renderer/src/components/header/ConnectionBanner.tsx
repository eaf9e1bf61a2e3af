/**
 * While the link to Hearth is down (web mode: a server restarting, Wi-Fi dropping), says so, when the next attempt
 * is and how many there have been, with a button to try at once. The first connection has its own notice in the
 * header ("Connecting to Hearth…"), so this shows only once a connection was lost or could not be made.
 */
import { useEffect, useState } from 'react';
import { reconnectNow } from '../../state/link-actions.js';
import { useLinkStore, type LinkState } from '../../state/link-store.js';

export function ConnectionBanner() {
  const link = useLinkStore((state) => state);
  if (link.status === 'open' || (link.status === 'connecting' && link.attempt === 0)) return null;
  if (link.status === 'signed-out') return null; // the sign-in screen takes the window, with the reason
  if (link.status === 'closed') {
    return (
      <div className="problem-banner connection-banner" data-testid="connection-banner" data-status="closed" role="status">
        <span>The connection to Hearth was closed. Reload the page to connect again.</span>
      </div>
    );
  }
  return (
    <div className="problem-banner connection-banner" data-testid="connection-banner" data-status={link.status} role="status">
      <span>
        Connection to Hearth lost — <RetryWhen link={link} /> (attempt {link.attempt})…
      </span>
      {link.status === 'reconnecting' && (
        <button type="button" className="button button--small" data-testid="connection-retry" onClick={reconnectNow}>
          Retry now
        </button>
      )}
    </div>
  );
}

/** "reconnecting in 4 s", counting down each second, or "reconnecting now" while the attempt is under way. */
function RetryWhen({ link }: { link: LinkState }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (link.nextRetryAt === null) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [link.nextRetryAt]);
  if (link.status !== 'reconnecting' || link.nextRetryAt === null) return <>reconnecting now</>;
  const seconds = Math.max(0, Math.ceil((link.nextRetryAt - now) / 1000));
  return <>reconnecting in {seconds} s</>;
}
