/** The team server's sign-in screen: an API token from the server's admin, traded for a session cookie. */
import { useState, type FormEvent } from 'react';
import { signIn } from '../../state/session-actions.js';
import { useTeamStore } from '../../state/team-store.js';

export function SignIn() {
  const signingIn = useTeamStore((state) => state.signingIn);
  const error = useTeamStore((state) => state.signInError);
  const reason = useTeamStore((state) => state.signedOutReason);
  const [token, setToken] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (token.trim()) void signIn(token);
  };

  return (
    <main className="sign-in" data-testid="signin">
      <form className="sign-in__card" onSubmit={submit}>
        <h1 className="brand">Hearth</h1>
        <h2 className="sign-in__title">Sign in to {location.host}</h2>
        {reason && (
          <p className="sign-in__reason" data-testid="signin-reason" role="status">
            {reason}
          </p>
        )}
        <label htmlFor="signin-token">API token</label>
        <input
          id="signin-token"
          data-testid="signin-token"
          type="password"
          autoComplete="current-password"
          autoFocus
          value={token}
          onChange={(event) => setToken(event.target.value)}
        />
        <p className="muted sign-in__hint">
          Your admin makes one with <code>hearth team token create</code>.
        </p>
        {error && (
          <p className="sign-in__error" data-testid="signin-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button button--primary" data-testid="signin-submit" disabled={signingIn || !token.trim()}>
          {signingIn ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
