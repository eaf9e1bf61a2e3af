/**
 * How the window starts and signs in. The desktop app and web mode start at once; a team server (its GET /session
 * answers JSON with `team: true`) first needs a sign-in: POST /session trades an API token for an HttpOnly cookie
 * the WebSocket then rides on. Signing out (DELETE /session), or the server closing the link with 4401, brings
 * the sign-in screen back.
 */
import { HttpRefusal, SessionAnswer } from '../../../../schemas/index.js';
import { connectToHearth } from '../connection.js';
import { startHearth } from './actions.js';
import { connected } from './core-connection.js';
import { useLinkStore } from './link-store.js';
import { followTeam, stopFollowingTeam } from './team-actions.js';
import { useTeamStore, type SignedInUser } from './team-store.js';

/**
 * What GET /session says: not a team server (the desktop app, web mode), or a team server and who its cookie signs in;
 * when nobody, the server's `refusal` and its HTTP `status` (401: not signed in; 429: too many failed sign-ins).
 */
type SessionCheck = { team: false } | { team: true; user: SignedInUser | null; refusal?: string; status?: number };

/** Whether the app has been started in this page; signing in again after that reloads, so nothing of the last sign-in stays in memory. */
let started = false;

/** The renderer's first step: find out whether a sign-in is needed, then start the app or show the sign-in screen. */
export async function openHearth(): Promise<void> {
  const answer = window.hearth ? { team: false as const } : await askSession();
  if (!answer.team) {
    useTeamStore.setState({ team: false, session: 'none' });
    started = true;
    return startHearth(connectToHearth());
  }
  useTeamStore.setState({ team: true });
  if (answer.user) return startSignedIn(answer.user);
  // A first visit's 401 says only "sign in first", which the screen says anyway; anything else (429) is shown.
  const reason = answer.status !== 401 ? (answer.refusal ?? null) : null;
  useTeamStore.setState({ session: 'signed-out', user: null, signedOutReason: reason });
}

/** Sends the token to POST /session; on success the app starts, otherwise the server's reason is shown. */
export async function signIn(token: string): Promise<void> {
  useTeamStore.setState({ signingIn: true, signInError: null });
  let response: Response;
  let body: unknown;
  try {
    response = await fetch('/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ token: token.trim() }),
    });
    body = await jsonOf(response);
  } catch (error) {
    useTeamStore.setState({ signingIn: false, signInError: `Could not reach Hearth: ${error instanceof Error ? error.message : String(error)}` });
    return;
  }
  const user = signedInUserOf(body);
  if (!response.ok || !user) {
    useTeamStore.setState({ signingIn: false, signInError: errorMessageOf(body) ?? `Hearth refused the sign-in (HTTP ${response.status}).` });
    return;
  }
  if (started) {
    // The stores still hold what the last sign-in could see; a fresh page starts clean, with the new cookie.
    location.reload();
    return;
  }
  useTeamStore.setState({ signingIn: false });
  await startSignedIn(user);
}

/** DELETE /session (the cookie goes), then the link ends and the sign-in screen comes back. */
export async function signOut(): Promise<void> {
  try {
    const response = await fetch('/session', { method: 'DELETE', credentials: 'same-origin' });
    if (!response.ok) throw new Error(errorMessageOf(await jsonOf(response)) ?? `HTTP ${response.status}`);
  } catch (error) {
    // The cookie may still be there: stay signed in rather than pretend otherwise.
    useTeamStore.setState({ signOutError: `Could not sign out: ${error instanceof Error ? error.message : String(error)}` });
    return;
  }
  useTeamStore.setState({ session: 'signed-out', user: null, signedOutReason: null, signInError: null, signOutError: null, roles: {} });
  stopFollowingTeam();
  connected().endSession('You signed out.');
}

async function startSignedIn(user: SignedInUser): Promise<void> {
  useTeamStore.setState({ session: 'signed-in', user, signedOutReason: null, signInError: null });
  started = true;
  watchSignIn();
  await startHearth(connectToHearth({ team: true }));
  followTeam();
}

/**
 * Brings the sign-in screen back when the sign-in stops holding: the server closed the link with 4401, or, while the
 * link is down, GET /session says the cookie no longer signs in (a socket refused at its upgrade reads as a plain drop).
 */
function watchSignIn(): void {
  let asked = 0;
  useLinkStore.subscribe((link) => {
    if (useTeamStore.getState().session !== 'signed-in') return;
    if (link.status === 'open') asked = 0;
    if (link.status === 'signed-out') {
      stopFollowingTeam();
      useTeamStore.setState({ session: 'signed-out', user: null, roles: {}, signedOutReason: link.reason ?? 'The server signed this window out.' });
      return;
    }
    if (link.status !== 'reconnecting' || link.attempt === asked) return;
    asked = link.attempt;
    void askSession().then((answer) => {
      if (!answer.team || answer.user || useTeamStore.getState().session !== 'signed-in') return;
      connected().endSession(answer.refusal ?? 'Your sign-in no longer lets you in; sign in again.');
    });
  });
}

/** GET /session. A network failure (the server restarting) reads as "still signed in": the link's own banner says it is down. */
async function askSession(): Promise<SessionCheck> {
  let response: Response;
  let body: unknown;
  try {
    response = await fetch('/session', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    body = await jsonOf(response);
  } catch (error) {
    // Not reachable now: say nothing here, the app's connection (or its banner) will tell.
    console.warn(`[hearth] could not ask ${location.host} about its sign-in: ${error instanceof Error ? error.message : String(error)}`);
    const wasTeam = useTeamStore.getState().team;
    return wasTeam ? { team: true, user: useTeamStore.getState().user } : { team: false };
  }
  // Web mode answers /session with its index.html; only a team server answers JSON (team: true, or an error such as 429).
  if (typeof body !== 'object' || body === null || (body as { team?: unknown }).team === false) return { team: false };
  const user = signedInUserOf(body);
  if (user) return { team: true, user };
  const refusal = errorMessageOf(body);
  return { team: true, user, status: response.status, ...(refusal !== undefined ? { refusal } : {}) };
}

/** The body as JSON when the server sent JSON; undefined otherwise (web mode's index.html). */
async function jsonOf(response: Response): Promise<unknown> {
  if (!(response.headers.get('content-type') ?? '').includes('application/json')) return undefined;
  return response.json();
}

/** Who a /session answer signs in, read through its schema; null when nobody (or not such an answer). */
function signedInUserOf(body: unknown): SignedInUser | null {
  const answer = SessionAnswer.safeParse(body);
  return answer.success && answer.data.signedIn && answer.data.user ? answer.data.user : null;
}

/** The message of a server's refusal (`{ error: { code, message } }`), read through its schema. */
function errorMessageOf(body: unknown): string | undefined {
  const refusal = HttpRefusal.safeParse(body);
  return refusal.success ? refusal.data.error.message : undefined;
}
