import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { looksLikeJwt, oidcOptionsFromEnv, OidcVerifier } from '../../../app/core/team/oidc.js';

const issuer = 'https://keycloak.team.example/realms/hearth';
const audience = 'hearth';
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

let dir: string;
let jwksFile: string;
let jwks: { keys: unknown[] };
let teamKey: CryptoKey;
let strangerKey: CryptoKey;
let publicPem: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'hearth-oidc-'));
  const team = await generateKeyPair('RS256', { extractable: true });
  const stranger = await generateKeyPair('RS256', { extractable: true });
  teamKey = team.privateKey;
  strangerKey = stranger.privateKey;
  publicPem = await exportSPKI(team.publicKey);
  jwks = { keys: [{ ...(await exportJWK(team.publicKey)), kid: 'team-key', alg: 'RS256', use: 'sig' }] };
  jwksFile = path.join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify(jwks));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function token(claims: JWTPayload = {}, { key = teamKey, kid = 'team-key', expiresAt = now() + 600 } = {}) {
  return new SignJWT({ iss: issuer, aud: audience, sub: 'user-42', preferred_username: 'ada', groups: ['staff', 'hearth-admin'], ...claims })
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .sign(key);
}

const verifier = (options: { groupsClaim?: string } = {}) => new OidcVerifier({ issuer, audience, jwksFile, ...options });

describe('OIDC sign-in with a JWKS file', () => {
  it('lets a good token in, with its name, groups and admin role', async () => {
    const identity = await verifier().verify(await token());
    expect(identity).toMatchObject({ subject: 'user-42', name: 'ada', groups: ['staff', 'hearth-admin'], admin: true });
    expect(identity.expiresAt.getTime()).toBeGreaterThan(Date.now());
  });

  it('names a member by name, then email, then subject, and is no admin outside the admin groups', async () => {
    const byEmail = await verifier().verify(await token({ preferred_username: undefined, email: 'ada@team.example', groups: ['staff'] }));
    expect(byEmail).toMatchObject({ name: 'ada@team.example', admin: false });
    const bySubject = await verifier().verify(await token({ preferred_username: undefined, groups: undefined }));
    expect(bySubject).toMatchObject({ name: 'user-42', groups: [], admin: false });
  });

  it("reads Keycloak's realm_access.roles when told to", async () => {
    const jwt = await token({ groups: undefined, realm_access: { roles: ['hearth-admin', 'offline_access'] } });
    const identity = await verifier({ groupsClaim: 'realm_access.roles' }).verify(jwt);
    expect(identity).toMatchObject({ groups: ['hearth-admin', 'offline_access'], admin: true });
  });

  it('refuses an expired token, saying so', async () => {
    const p = verifier().verify(await token({}, { expiresAt: now() - 120 }));
    await expect(p).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/expired/) });
  });

  it('refuses a token for another audience', async () => {
    const jwt = await token({ aud: 'grafana' });
    await expect(verifier().verify(jwt)).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/audience/) });
  });

  it('refuses a token from another issuer', async () => {
    const jwt = await token({ iss: 'https://evil.example' });
    await expect(verifier().verify(jwt)).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/issuer/) });
  });

  it('refuses a token signed by a key the issuer does not publish', async () => {
    const jwt = await token({}, { key: strangerKey, kid: 'stranger-key' });
    await expect(verifier().verify(jwt)).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/does not publish/) });
  });

  it('refuses a forged signature under the right key id', async () => {
    const jwt = await token({}, { key: strangerKey });
    await expect(verifier().verify(jwt)).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/signature/) });
  });

  it('refuses an unsigned token (alg none)', async () => {
    const jwt = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: issuer, aud: audience, sub: 'user-42', exp: now() + 600 })}.`;
    expect(looksLikeJwt(jwt)).toBe(true);
    await expect(verifier().verify(jwt)).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/algorithm/) });
  });

  it("refuses an HS256 token that uses the public key's bytes as its secret", async () => {
    const jwt = await new SignJWT({ groups: ['hearth-admin'] })
      .setProtectedHeader({ alg: 'HS256', kid: 'team-key' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject('mallory')
      .setExpirationTime(now() + 600)
      .sign(new TextEncoder().encode(publicPem));
    await expect(verifier().verify(jwt)).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/algorithm/) });
  });

  it('refuses malformed text without echoing it', async () => {
    for (const text of ['not-a-token', 'a.b.c', '']) {
      const p = verifier().verify(text);
      await expect(p).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    }
    const secretish = 'eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.c2ln';
    const error = await verifier().verify(secretish).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((error as Error).message).not.toContain('c2VjcmV0LXBheWxvYWQ');
  });

  it('stops when the signal is aborted', async () => {
    const jwt = await token();
    await expect(verifier().verify(jwt, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('refuses, at construction, a JWKS file that is not JSON, naming the file', () => {
    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, '<html>login page</html>');
    expect(() => new OidcVerifier({ issuer, audience, jwksFile: broken })).toThrow(expect.objectContaining({ code: 'BAD_REQUEST', message: expect.stringContaining(broken) }));
    expect(() => new OidcVerifier({ issuer, audience, jwksFile: path.join(dir, 'missing.json') })).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });

  it('needs exactly one source of keys', () => {
    expect(() => new OidcVerifier({ issuer, audience })).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(() => new OidcVerifier({ issuer, audience, jwksFile, jwksUrl: 'http://127.0.0.1:1/jwks' })).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });

  it('tells the startup log where keys come from', () => {
    expect(verifier().describe()).toBe(`OIDC sign-in: issuer ${issuer}, audience ${audience}, keys from file ${jwksFile}`);
  });
});

describe('OIDC sign-in with a JWKS URL', () => {
  it("lets a good token in, with keys fetched from the team's provider", async () => {
    let fetches = 0;
    const server = createServer((_request, response) => {
      fetches++;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const remote = new OidcVerifier({ issuer, audience, jwksUrl: `http://127.0.0.1:${port}/realms/hearth/certs` });
      expect(remote.describe()).toContain(`keys from http://127.0.0.1:${port}/realms/hearth/certs`);
      expect(await remote.verify(await token())).toMatchObject({ subject: 'user-42', admin: true });
      expect(await remote.verify(await token({ groups: [] }))).toMatchObject({ admin: false });
      expect(fetches).toBe(1); // the key set is cached
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    }
  });
});

describe('OIDC settings from the environment', () => {
  const base = { HEARTH_OIDC_ISSUER: issuer, HEARTH_OIDC_AUDIENCE: audience };

  it('is off when no issuer is set', () => {
    expect(oidcOptionsFromEnv({})).toBeUndefined();
  });

  it('reads every setting', () => {
    const options = oidcOptionsFromEnv({
      ...base,
      HEARTH_OIDC_JWKS_URL: 'https://keycloak.team.example/realms/hearth/protocol/openid-connect/certs',
      HEARTH_OIDC_GROUPS_CLAIM: 'realm_access.roles',
      HEARTH_OIDC_ADMIN_GROUPS: 'hearth-admin, it-ops ,',
    });
    expect(options).toEqual({
      issuer,
      audience,
      jwksUrl: 'https://keycloak.team.example/realms/hearth/protocol/openid-connect/certs',
      groupsClaim: 'realm_access.roles',
      adminGroups: ['hearth-admin', 'it-ops'],
    });
    expect(oidcOptionsFromEnv({ ...base, HEARTH_OIDC_JWKS_FILE: '/etc/hearth/jwks.json' })).toEqual({ issuer, audience, jwksFile: '/etc/hearth/jwks.json' });
  });

  it('names the missing variable when the issuer is set', () => {
    expect(() => oidcOptionsFromEnv({ HEARTH_OIDC_ISSUER: issuer, HEARTH_OIDC_JWKS_FILE: '/x' })).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST', message: expect.stringContaining('HEARTH_OIDC_AUDIENCE') }),
    );
    expect(() => oidcOptionsFromEnv(base)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST', message: expect.stringContaining('HEARTH_OIDC_JWKS_URL') }));
  });
});

describe('looksLikeJwt', () => {
  it('tells a JWT from other tokens', async () => {
    expect(looksLikeJwt(await token())).toBe(true);
    expect(looksLikeJwt('hearth_pat_0123456789abcdef')).toBe(false);
    expect(looksLikeJwt('a.b.c')).toBe(false);
    expect(looksLikeJwt(`${b64({ typ: 'JWT' })}.${b64({})}.sig`)).toBe(false);
  });
});
