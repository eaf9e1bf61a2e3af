/**
 * The team a Hearth serves: its accounts, their tokens, who holds which role in which space, and the audit
 * trail — and, from those, the Caller every request is made as. A desktop Hearth has no accounts and only its
 * local owner; a team server lets in a person with a live API token or a JWT from the team's OIDC provider.
 */
import { createHash, randomBytes } from 'node:crypto';
import { HearthError, type JobOwner, type TeamUser } from '../../../schemas/index.js';
import { openDatabase, type Db } from '../storage/index.js';
import { Accounts, type Group } from './accounts.js';
import { AuditLog } from './audit.js';
import { Caller } from './caller.js';
import { SpaceGrants } from './grants.js';
import { ApiTokens, looksLikeApiToken } from './tokens.js';

/** Who a request's credentials say it is: checked again, cheaply, for every request of a connection. */
export interface Credential {
  userId: string;
  /** The API token it came with (absent for an OIDC sign-in). */
  tokenId?: string;
  /** When it stops letting its holder in (a JWT's `exp`); tokens are checked against their row instead. */
  expiresAt?: Date;
}

/** What verifies a bearer JWT (the OIDC verifier, or a test's). */
export interface JwtVerifier {
  verify(jwt: string, options?: { signal?: AbortSignal }): Promise<{ subject: string; name: string; groups: string[]; admin: boolean; expiresAt: Date }>;
  describe(): string;
}

export class Team {
  readonly accounts: Accounts;
  readonly tokens: ApiTokens;
  readonly grants: SpaceGrants;
  readonly audit: AuditLog;
  private oidc: JwtVerifier | undefined;

  constructor(private readonly db: Db) {
    this.accounts = new Accounts(db);
    this.tokens = new ApiTokens(db);
    this.grants = new SpaceGrants(db);
    this.audit = new AuditLog(db);
  }

  /**
   * The team of a data folder, without the rest of Hearth: what `hearth team` uses while the server runs (SQLite
   * takes the two processes' writes in turn; the server reads tokens and grants from the rows on every request).
   */
  static open(dataDir: string): Team & { close(): void } {
    const db = openDatabase(dataDir);
    return Object.assign(new Team(db), { close: () => db.close() });
  }

  /** Lets people in with JWTs from the team's OIDC provider, besides API tokens. */
  useOidc(verifier: JwtVerifier): void {
    this.oidc = verifier;
  }

  /** Whether anyone can sign in at all: an account exists, or OIDC is set up. */
  canSignIn(): boolean {
    return this.oidc !== undefined || this.accounts.any();
  }

  describeSignIn(): string {
    return [this.accounts.any() ? `${this.accounts.users().length} accounts with API tokens` : undefined, this.oidc?.describe()].filter(Boolean).join('; ') || 'nobody (no accounts, no OIDC)';
  }

  /**
   * Checks a bearer credential (an API token, or a JWT when OIDC is set up) and returns whom it stands for;
   * throws UNAUTHORIZED saying what was wrong. The slow part (scrypt, a JWKS fetch) happens here, once per
   * connection; {@link callerFor} re-checks it for each request.
   */
  async authenticate(bearer: string, options: { signal?: AbortSignal } = {}): Promise<Credential> {
    if (looksLikeApiToken(bearer)) {
      const { id: tokenId, userId } = await this.tokens.verify(bearer);
      this.requireActive(userId);
      return { userId, tokenId };
    }
    if (this.oidc) {
      const identity = await this.oidc.verify(bearer, options);
      const user = this.accounts.signInOidc(identity);
      this.requireActive(user.id);
      return { userId: user.id, expiresAt: identity.expiresAt };
    }
    throw new HearthError('UNAUTHORIZED', 'That is not a Hearth API token (they look like hth_…); ask your admin for one.');
  }

  /**
   * Opens a browser session for a credential just checked: a random secret for the cookie (`hts_…`), kept only
   * as its digest, lasting as long as the credential does and at most 30 days.
   */
  openSession(credential: Credential): { secret: string; expiresAt: Date } {
    const secret = `hts_${randomBytes(32).toString('base64url')}`;
    const tokenExpiry = credential.tokenId !== undefined ? new Date(this.tokens.check(credential.tokenId).expiresAt) : undefined;
    const limits = [Date.now() + sessionDays * 86_400_000, credential.expiresAt?.getTime(), tokenExpiry?.getTime()].filter((at): at is number => at !== undefined);
    const expiresAt = new Date(Math.min(...limits));
    this.db.prepare('DELETE FROM team_sessions WHERE expires_at < ?').run(new Date().toISOString());
    this.db
      .prepare('INSERT INTO team_sessions (secret_hash, user_id, token_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(digest(secret), credential.userId, credential.tokenId ?? null, new Date().toISOString(), expiresAt.toISOString());
    return { secret, expiresAt };
  }

  /** The credential a session cookie stands for; UNAUTHORIZED when it is unknown, signed out or expired. */
  resumeSession(secret: string): Credential {
    const row = /^hts_[A-Za-z0-9_-]{43}$/.test(secret)
      ? (this.db.prepare('SELECT user_id, token_id, expires_at FROM team_sessions WHERE secret_hash = ?').get(digest(secret)) as
          | { user_id: string; token_id: string | null; expires_at: string }
          | undefined)
      : undefined;
    if (!row || Date.parse(row.expires_at) <= Date.now()) throw new HearthError('UNAUTHORIZED', 'This browser is no longer signed in; sign in again.');
    return { userId: row.user_id, expiresAt: new Date(row.expires_at), ...(row.token_id !== null ? { tokenId: row.token_id } : {}) };
  }

  /** Signs a browser out: its session no longer lets anyone in. */
  closeSession(secret: string): void {
    this.db.prepare('DELETE FROM team_sessions WHERE secret_hash = ?').run(digest(secret));
  }

  /** The caller a credential stands for now (its rights as they are this moment); UNAUTHORIZED once it no longer lets in. */
  callerFor(credential: Credential): Caller {
    if (credential.tokenId !== undefined) this.tokens.check(credential.tokenId);
    if (credential.expiresAt !== undefined && credential.expiresAt.getTime() <= Date.now()) {
      throw new HearthError('UNAUTHORIZED', 'The sign-in has expired; sign in again.');
    }
    return this.callerOf(this.requireActive(credential.userId));
  }

  /** The caller a job's stored owner stands for, to resume it after a restart; undefined when that account is gone or disabled. */
  callerForOwner(owner: JobOwner): Caller | undefined {
    if (owner.kind !== 'user') return undefined;
    const member = this.accounts.member(owner.id);
    return member && !member.user.disabled ? this.callerOf(member) : undefined;
  }

  callerForUser(userId: string): Caller {
    const member = this.accounts.member(userId);
    if (!member) throw new HearthError('UNAUTHORIZED', 'That account no longer exists.');
    return this.callerOf(member);
  }

  private callerOf({ user, groups }: { user: TeamUser; groups: Group[] }): Caller {
    const spaces = this.grants.rolesOf(user.id, groups.map((group) => group.id));
    return new Caller({ id: user.id, kind: 'user', name: user.name, serverRole: user.serverRole, spaces });
  }

  private requireActive(userId: string): { user: TeamUser; groups: Group[] } {
    const member = this.accounts.member(userId);
    if (!member) throw new HearthError('UNAUTHORIZED', 'That account no longer exists; ask your admin.');
    if (member.user.disabled) throw new HearthError('UNAUTHORIZED', `The account "${member.user.name}" is disabled; ask your admin.`);
    return member;
  }
}

const sessionDays = 30;

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
