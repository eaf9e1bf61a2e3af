/**
 * API tokens: `hth_<id>_<secret>`, shown once when made and kept only as a salted scrypt hash, with an expiry,
 * revocable. scrypt is slow on purpose, so a verified token is remembered for a short while by a digest of it;
 * whether it is revoked, expired or its account disabled is checked on every use, from the row.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto';
import { HearthError } from '../../../schemas/index.js';
import type { Db } from '../storage/index.js';

const tokenPattern = /^hth_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const scryptOptions: ScryptOptions = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const verifiedFor = 30_000;
const lastUsedEvery = 60_000;

export interface TokenInfo {
  id: string;
  userId: string;
  label: string;
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
  lastUsedAt?: string;
}

interface TokenRow {
  id: string;
  user_id: string;
  label: string;
  salt: Buffer;
  hash: Buffer;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

/** Whether `text` has the shape of a Hearth API token (it may still be wrong). */
export function looksLikeApiToken(text: string): boolean {
  return tokenPattern.test(text);
}

/** `90d`, `12h`, `1y` as milliseconds; throws BAD_REQUEST for anything else, or past five years. */
export function parseLifetime(text: string): number {
  const match = /^(\d{1,4})([hdwy])$/.exec(text.trim());
  const unit = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, y: 365 * 86_400_000 } as const;
  const ms = match ? Number(match[1]) * unit[match[2] as keyof typeof unit] : Number.NaN;
  if (!(ms > 0) || ms > 5 * unit.y) {
    throw new HearthError('BAD_REQUEST', `"${text}" is not a token lifetime: write a number and h, d, w or y (like 12h, 90d, 1y), at most 5y.`);
  }
  return ms;
}

export class ApiTokens {
  /** Digest of a token → when its hash last matched, so a busy client does not pay scrypt on every request. */
  private readonly verified = new Map<string, { tokenId: string; at: number }>();
  /** Digest of a token → the check under way, so fifty first requests at once with one token pay scrypt once. */
  private readonly checking = new Map<string, Promise<boolean>>();

  constructor(private readonly db: Db) {}

  /** Makes a token for a user; the returned `token` is the only time its secret exists outside the client. */
  async create(userId: string, options: { label: string; lifetimeMs: number }): Promise<{ token: string; info: TokenInfo }> {
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const salt = randomBytes(16);
    const hash = await scryptAsync(secret, salt);
    const now = new Date();
    const expires = new Date(now.getTime() + options.lifetimeMs);
    this.db
      .prepare('INSERT INTO api_tokens (id, user_id, label, salt, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(id, userId, options.label.trim() || 'token', salt, hash, now.toISOString(), expires.toISOString());
    return { token: `hth_${id}_${secret}`, info: this.info(id)! };
  }

  /**
   * The token when `token` is a live one (right secret, not revoked, not expired); throws UNAUTHORIZED
   * otherwise, saying which without echoing the token.
   */
  async verify(token: string): Promise<TokenInfo> {
    const match = tokenPattern.exec(token);
    if (!match) throw new HearthError('UNAUTHORIZED', 'That is not a Hearth API token (they look like hth_…); ask your admin for one.');
    const [, id, secret] = match as unknown as [string, string, string];
    const key = createHash('sha256').update(token).digest('base64url');
    const cached = this.verified.get(key);
    if (!cached || Date.now() - cached.at > verifiedFor) {
      let check = this.checking.get(key);
      if (!check) {
        check = this.matches(id, secret).finally(() => this.checking.delete(key));
        this.checking.set(key, check);
      }
      if (!(await check)) {
        this.verified.delete(key);
        throw new HearthError('UNAUTHORIZED', 'The API token is not valid; ask your admin for a new one.');
      }
      this.sweep();
      this.verified.set(key, { tokenId: id, at: Date.now() });
    }
    return this.check(id);
  }

  /** Whether `secret` is the one token `id` was made with. */
  private async matches(id: string, secret: string): Promise<boolean> {
    const row = this.row(id);
    const hash = await scryptAsync(secret, row?.salt ?? Buffer.alloc(16));
    // Compared even when there is no such token, so the time taken does not say which ids exist.
    return row !== undefined && timingSafeEqual(hash, row.hash);
  }

  /** Throws UNAUTHORIZED when the token is revoked or expired (asked again on every request of a connection). */
  check(id: string): TokenInfo {
    const row = this.row(id);
    if (!row) throw new HearthError('UNAUTHORIZED', 'The API token no longer exists; ask your admin for a new one.');
    if (row.revoked_at) throw new HearthError('UNAUTHORIZED', 'The API token was revoked; ask your admin for a new one.');
    if (Date.parse(row.expires_at) <= Date.now()) throw new HearthError('UNAUTHORIZED', `The API token expired on ${row.expires_at.slice(0, 10)}; ask your admin for a new one.`);
    const lastUsed = row.last_used_at ? Date.parse(row.last_used_at) : 0;
    if (Date.now() - lastUsed > lastUsedEvery) this.db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(new Date().toISOString(), id);
    return toInfo(row);
  }

  revoke(id: string): TokenInfo {
    const row = this.row(id);
    if (!row) throw new HearthError('NOT_FOUND', `There is no token with id ${id}. See them with: hearth team token list`, { tokenId: id });
    if (!row.revoked_at) this.db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ?').run(new Date().toISOString(), id);
    for (const [key, entry] of this.verified) if (entry.tokenId === id) this.verified.delete(key);
    return this.info(id)!;
  }

  info(id: string): TokenInfo | undefined {
    const row = this.row(id);
    return row ? toInfo(row) : undefined;
  }

  list(userId?: string): TokenInfo[] {
    const rows = (userId === undefined
      ? this.db.prepare('SELECT * FROM api_tokens ORDER BY created_at').all()
      : this.db.prepare('SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at').all(userId)) as TokenRow[];
    return rows.map(toInfo);
  }

  private row(id: string): TokenRow | undefined {
    return this.db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(id) as TokenRow | undefined;
  }

  /** Forgets verifications past their time, so the map stays the size of the tokens in use. */
  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.verified) if (now - entry.at > verifiedFor) this.verified.delete(key);
  }
}

function toInfo(row: TokenRow): TokenInfo {
  return {
    id: row.id,
    userId: row.user_id,
    label: row.label,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}),
    ...(row.last_used_at ? { lastUsedAt: row.last_used_at } : {}),
  };
}

function scryptAsync(secret: BinaryLike, salt: BinaryLike): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(secret, salt, 32, scryptOptions, (error, key) => (error ? reject(error) : resolve(key))));
}
