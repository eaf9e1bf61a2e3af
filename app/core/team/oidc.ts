/**
 * Sign-in through a team's own identity provider (Keycloak or any OpenID Connect issuer): checks a bearer
 * JWT against the provider's public keys and turns its claims into who is calling and whether they are an admin.
 */
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { HearthError } from '../../../schemas/index.js';

export interface OidcOptions {
  issuer: string;
  audience: string;
  /** A JWKS JSON file on disk, read once when the verifier is made. */
  jwksFile?: string;
  /** Or the provider's JWKS URL; keys are cached and refetched when an unknown key id shows up. */
  jwksUrl?: string;
  /** Where the groups are; a dotted path reaches into objects (Keycloak's `realm_access.roles`). Default `groups`. */
  groupsClaim?: string;
  /** Members of any of these groups are server admins. Default `['hearth-admin']`. */
  adminGroups?: string[];
  clockToleranceSeconds?: number;
}

export interface OidcIdentity {
  subject: string;
  name: string;
  groups: string[];
  admin: boolean;
  expiresAt: Date;
}

// Asymmetric algorithms only: with HS* allowed, a public key could be used as an HMAC secret to forge tokens.
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'];

export class OidcVerifier {
  readonly #options: Required<Omit<OidcOptions, 'jwksFile' | 'jwksUrl'>>;
  readonly #keys: JWTVerifyGetKey;
  readonly #keySource: string;

  constructor(options: OidcOptions) {
    if (!options.issuer) throw new HearthError('BAD_REQUEST', 'OIDC sign-in needs an issuer (the `iss` its tokens carry).');
    if (!options.audience) throw new HearthError('BAD_REQUEST', 'OIDC sign-in needs an audience (the client id its tokens are for).');
    if (Boolean(options.jwksFile) === Boolean(options.jwksUrl)) {
      throw new HearthError('BAD_REQUEST', 'OIDC sign-in needs exactly one source of signing keys: a JWKS file or a JWKS URL, not both and not neither.');
    }
    this.#options = {
      issuer: options.issuer,
      audience: options.audience,
      groupsClaim: options.groupsClaim || 'groups',
      adminGroups: options.adminGroups ?? ['hearth-admin'],
      clockToleranceSeconds: options.clockToleranceSeconds ?? 30,
    };
    if (options.jwksFile) {
      this.#keys = readJwksFile(options.jwksFile);
      this.#keySource = `keys from file ${options.jwksFile}`;
    } else {
      let url: URL;
      try {
        url = new URL(options.jwksUrl!);
      } catch {
        // The URL parser's own message adds nothing; say which setting is wrong instead.
        throw new HearthError('BAD_REQUEST', `The OIDC JWKS URL "${options.jwksUrl}" is not a valid URL.`);
      }
      this.#keys = createRemoteJWKSet(url, { cooldownDuration: 30_000, cacheMaxAge: 600_000, timeoutDuration: 5_000 });
      this.#keySource = `keys from ${url.href}`;
    }
  }

  describe(): string {
    return `OIDC sign-in: issuer ${this.#options.issuer}, audience ${this.#options.audience}, ${this.#keySource}`;
  }

  async verify(jwt: string, options: { signal?: AbortSignal } = {}): Promise<OidcIdentity> {
    const { signal } = options;
    throwIfCancelled(signal);
    const checking = jwtVerify(jwt.trim(), this.#keys, {
      issuer: this.#options.issuer,
      audience: this.#options.audience,
      algorithms: ALGORITHMS,
      requiredClaims: ['exp', 'sub'],
      clockTolerance: this.#options.clockToleranceSeconds,
    });
    let payload: JWTPayload;
    try {
      ({ payload } = await untilCancelled(checking, signal));
    } catch (error) {
      if (error instanceof HearthError) throw error;
      throw new HearthError('UNAUTHORIZED', this.#explain(error));
    }
    const groups = groupsFrom(claimAt(payload, this.#options.groupsClaim));
    const adminGroups = new Set(this.#options.adminGroups.map(withoutLeadingSlash));
    const name = [payload['preferred_username'], payload['name'], payload['email']].find((v) => typeof v === 'string' && v !== '');
    return {
      subject: payload.sub!,
      name: (name as string | undefined) ?? payload.sub!,
      groups,
      // Keycloak's group mapper sends full paths ("/hearth-admin") unless told not to; both spellings count.
      admin: groups.some((group) => adminGroups.has(withoutLeadingSlash(group))),
      expiresAt: new Date(payload.exp! * 1000),
    };
  }

  /** Plain words for why a token was refused; never the token itself. */
  #explain(error: unknown): string {
    const { issuer, audience } = this.#options;
    if (error instanceof errors.JWTExpired) return 'The sign-in token has expired; sign in again.';
    if (error instanceof errors.JWTClaimValidationFailed) {
      if (error.claim === 'aud') return `The sign-in token is for another audience (this server expects "${audience}"); sign in to Hearth's client.`;
      if (error.claim === 'iss') return `The sign-in token comes from another issuer (this server trusts "${issuer}").`;
      if (error.claim === 'nbf') return 'The sign-in token is not valid yet; check the clocks of this server and the identity provider.';
      if (error.reason === 'missing') return `The sign-in token has no "${error.claim}" claim, which this server requires.`;
      return `The sign-in token's "${error.claim}" claim is not valid.`;
    }
    if (error instanceof errors.JOSEAlgNotAllowed) return `The sign-in token is signed with an algorithm this server does not accept (allowed: ${ALGORITHMS.join(', ')}).`;
    if (error instanceof errors.JWKSNoMatchingKey) return `The sign-in token was signed by a key ${issuer} does not publish (unknown key id); sign in again.`;
    if (error instanceof errors.JWKSMultipleMatchingKeys) return 'The sign-in token names no key id and several of the identity provider\'s keys could match.';
    if (error instanceof errors.JWSSignatureVerificationFailed) return 'The sign-in token\'s signature is not valid; it was altered or not issued by the identity provider.';
    if (error instanceof errors.JWKSTimeout) return `The identity provider's keys (${this.#keySource}) did not arrive within 5 s; try again.`;
    if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'The sign-in token is not a well-formed JWT.';
    if (error instanceof errors.JOSENotSupported) return 'The sign-in token uses a key type or algorithm this server does not support.';
    const detail = error instanceof Error ? error.message : String(error);
    return `The sign-in token could not be checked (${detail}; ${this.#keySource}).`;
  }
}

/** Whether text is shaped like a JWT (three base64url parts, the first a JSON header with `alg`) rather than a Hearth token. */
export function looksLikeJwt(text: string): boolean {
  const parts = text.trim().split('.');
  if (parts.length !== 3 || !parts.every((part, i) => /^[A-Za-z0-9_-]*$/.test(part) && (i === 2 || part.length > 0))) return false;
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string';
  } catch {
    // Not JSON: not a JWT, which is the answer asked for.
    return false;
  }
}

/** OIDC settings from HEARTH_OIDC_* variables; undefined when HEARTH_OIDC_ISSUER is unset (OIDC sign-in off). */
export function oidcOptionsFromEnv(env: NodeJS.ProcessEnv): OidcOptions | undefined {
  const read = (name: string) => env[name]?.trim() || undefined;
  const issuer = read('HEARTH_OIDC_ISSUER');
  if (!issuer) return undefined;
  const audience = read('HEARTH_OIDC_AUDIENCE');
  if (!audience) throw new HearthError('BAD_REQUEST', 'HEARTH_OIDC_ISSUER is set but HEARTH_OIDC_AUDIENCE is not: set it to the client id Hearth\'s tokens are issued for.');
  const jwksFile = read('HEARTH_OIDC_JWKS_FILE');
  const jwksUrl = read('HEARTH_OIDC_JWKS_URL');
  if (!jwksFile && !jwksUrl) throw new HearthError('BAD_REQUEST', 'HEARTH_OIDC_ISSUER is set but neither HEARTH_OIDC_JWKS_URL nor HEARTH_OIDC_JWKS_FILE is: set one so Hearth can check signatures.');
  if (jwksFile && jwksUrl) throw new HearthError('BAD_REQUEST', 'Both HEARTH_OIDC_JWKS_URL and HEARTH_OIDC_JWKS_FILE are set: keep only one.');
  const options: OidcOptions = { issuer, audience };
  if (jwksFile) options.jwksFile = jwksFile;
  if (jwksUrl) options.jwksUrl = jwksUrl;
  const groupsClaim = read('HEARTH_OIDC_GROUPS_CLAIM');
  if (groupsClaim) options.groupsClaim = groupsClaim;
  const adminGroups = read('HEARTH_OIDC_ADMIN_GROUPS');
  if (adminGroups) options.adminGroups = adminGroups.split(',').map((group) => group.trim()).filter(Boolean);
  return options;
}

function readJwksFile(file: string): JWTVerifyGetKey {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new HearthError('BAD_REQUEST', `The OIDC JWKS file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
  let jwks: unknown;
  try {
    jwks = JSON.parse(text);
  } catch (error) {
    throw new HearthError('BAD_REQUEST', `The OIDC JWKS file ${file} is not JSON (${(error as Error).message}).`);
  }
  try {
    return createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]);
  } catch (error) {
    throw new HearthError('BAD_REQUEST', `The OIDC JWKS file ${file} is not a key set: expected {"keys": [...]} (${(error as Error).message}).`);
  }
}

function claimAt(payload: JWTPayload, path: string): unknown {
  const direct = payload[path];
  if (direct !== undefined) return direct;
  let value: unknown = payload;
  for (const step of path.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[step] : undefined;
  return value;
}

function groupsFrom(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((group): group is string => typeof group === 'string') : [];
}

const withoutLeadingSlash = (group: string) => group.replace(/^\//, '');

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new HearthError('CANCELLED', 'Checking the sign-in token was cancelled.');
}

/** jose takes no signal, so stop waiting when it fires (a key fetch in flight ends by its own timeout). */
function untilCancelled<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new HearthError('CANCELLED', 'Checking the sign-in token was cancelled.'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
