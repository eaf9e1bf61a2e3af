/**
 * A team server's accounts as the core keeps them: tokens shown once and checked against their hash, expiry and
 * revocation; spaces private to their creator until shared, by user or by group; a caller's rights re-read on
 * every request; the audit trail of who changed what.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Hearth } from '../../../app/core/index.js';
import { OidcVerifier, parseLifetime } from '../../../app/core/team/index.js';
import { failureOf, openTempHearth } from '../../fixtures/hearth-runner.js';

let hearth: Hearth;
let cleanup: () => Promise<void>;
let tempDir: string;

beforeEach(async () => {
  const opened = await openTempHearth('Local notes');
  hearth = opened.hearth;
  tempDir = opened.temp.dir;
  cleanup = async () => {
    await hearth.dispose();
    await opened.temp.cleanup();
  };
});
afterEach(() => cleanup());

async function signIn(name: string, options: { admin?: boolean } = {}) {
  const user = hearth.team.accounts.addUser({ name, ...options });
  const { token, info } = await hearth.team.tokens.create(user.id, { label: 'laptop', lifetimeMs: parseLifetime('30d') });
  const credential = await hearth.team.authenticate(token);
  return { user, token, tokenId: info.id, caller: () => hearth.team.callerFor(credential) };
}

describe('API tokens', () => {
  it('are shown once and kept only as a hash; a wrong, revoked or expired one is refused with UNAUTHORIZED', async () => {
    const ada = await signIn('ada');
    expect(ada.token).toMatch(/^hth_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const stored = JSON.stringify(hearth.team.tokens.list());
    expect(stored).not.toContain(ada.token.split('_')[2]);
    expect(ada.caller().name).toBe('ada');

    const wrong = `${ada.token.slice(0, -1)}${ada.token.endsWith('A') ? 'B' : 'A'}`;
    expect((await failureOf(hearth.team.authenticate(wrong))).code).toBe('UNAUTHORIZED');
    expect((await failureOf(hearth.team.authenticate('Bearer nonsense'))).code).toBe('UNAUTHORIZED');

    hearth.team.tokens.revoke(ada.tokenId);
    // An open connection's next request counts the revocation at once.
    expect(() => ada.caller()).toThrow(/revoked/);
    expect((await failureOf(hearth.team.authenticate(ada.token))).message).toMatch(/revoked/);

    const short = await hearth.team.tokens.create(ada.user.id, { label: 'short', lifetimeMs: 1 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await failureOf(hearth.team.authenticate(short.token))).message).toMatch(/expired/);
  });

  it('let many first requests with one token in at once, and refuse a wrong one among them', async () => {
    const ada = await signIn('ada');
    const wrong = `${ada.token.slice(0, -1)}${ada.token.endsWith('A') ? 'B' : 'A'}`;
    const outcomes = await Promise.allSettled([...Array.from({ length: 20 }, () => hearth.team.authenticate(ada.token)), hearth.team.authenticate(wrong)]);
    expect(outcomes.slice(0, 20).every((outcome) => outcome.status === 'fulfilled' && outcome.value.tokenId === ada.tokenId)).toBe(true);
    expect(outcomes[20]).toMatchObject({ status: 'rejected', reason: { code: 'UNAUTHORIZED' } });
  });

  it('stop letting in a disabled account, and let it in again when enabled', async () => {
    const bo = await signIn('bo');
    hearth.team.accounts.setDisabled('bo', true);
    expect(() => bo.caller()).toThrow(/disabled/);
    hearth.team.accounts.setDisabled('bo', false);
    expect(bo.caller().name).toBe('bo');
  });

  it('take lifetimes like 12h, 90d, 1y, and refuse others by name', () => {
    expect(parseLifetime('12h')).toBe(12 * 3_600_000);
    expect(parseLifetime('90d')).toBe(90 * 86_400_000);
    expect(() => parseLifetime('forever')).toThrow(/"forever" is not a token lifetime/);
    expect(() => parseLifetime('9y')).toThrow(/at most 5y/);
  });
});

describe('spaces on a team server', () => {
  it('are private to their creator until shared, with a user or a group, and the audit trail says who did it', async () => {
    const ada = await signIn('ada');
    const bo = await signIn('bo');
    const cy = await signIn('cy');
    const admin = await signIn('root', { admin: true });
    const space = await hearth.call('spaces.create', { name: 'Harbour contracts' }, { caller: ada.caller() });

    expect((await hearth.call('spaces.list', {}, { caller: bo.caller() })).map((s) => s.name)).toEqual([]);
    // An admin runs the server; it does not read people's spaces.
    expect((await hearth.call('spaces.list', {}, { caller: admin.caller() })).map((s) => s.name)).toEqual([]);
    expect((await failureOf(hearth.call('spaces.members', { spaceId: space.id }, { caller: bo.caller() }))).code).toBe('FORBIDDEN');

    await hearth.call('spaces.share', { spaceId: space.id, with: { kind: 'user', name: 'bo' }, role: 'viewer' }, { caller: ada.caller() });
    expect((await hearth.call('spaces.list', {}, { caller: bo.caller() })).map((s) => s.name)).toEqual(['Harbour contracts']);
    expect((await failureOf(hearth.call('spaces.share', { spaceId: space.id, with: { kind: 'user', name: 'cy' }, role: 'viewer' }, { caller: bo.caller() }))).code).toBe('FORBIDDEN');

    hearth.team.accounts.addGroup('legal');
    hearth.team.accounts.addMember('legal', 'cy');
    hearth.team.accounts.addMember('legal', 'bo');
    await hearth.call('spaces.share', { spaceId: space.id, with: { kind: 'group', name: 'legal' }, role: 'editor' }, { caller: ada.caller() });
    expect(cy.caller().roleIn(space.id)).toBe('editor');
    // The strongest of a person's own grant and their groups' counts.
    expect(bo.caller().roleIn(space.id)).toBe('editor');

    const members = await hearth.call('spaces.members', { spaceId: space.id }, { caller: cy.caller() });
    expect(members.map((m) => `${m.kind}:${m.name}:${m.role}`)).toEqual(['user:ada:owner', 'user:bo:viewer', 'group:legal:editor']);

    expect((await failureOf(hearth.call('spaces.unshare', { spaceId: space.id, with: { kind: 'user', name: 'ada' } }, { caller: ada.caller() }))).message).toMatch(
      /at least one person as its owner/,
    );
    await hearth.call('spaces.unshare', { spaceId: space.id, with: { kind: 'group', name: 'legal' } }, { caller: ada.caller() });
    expect(cy.caller().roleIn(space.id)).toBeUndefined();
    expect((await failureOf(hearth.call('spaces.share', { spaceId: space.id, with: { kind: 'user', name: 'nobody' }, role: 'viewer' }, { caller: ada.caller() }))).code).toBe(
      'NOT_FOUND',
    );

    const audit = await hearth.call('team.audit.list', {}, { caller: admin.caller() });
    expect(audit.map((entry) => `${entry.actor.name} ${entry.action} ${JSON.stringify(entry.detail ?? {})}`)).toEqual([
      'ada spaces.unshare {"with":"group:legal"}',
      'ada spaces.share {"with":"group:legal","role":"editor"}',
      'ada spaces.share {"with":"user:bo","role":"viewer"}',
      'ada spaces.create {"name":"Harbour contracts"}',
    ]);
    expect((await failureOf(hearth.call('team.audit.list', {}, { caller: ada.caller() }))).code).toBe('FORBIDDEN');
    // Space names are each person's own: bo may have a "Harbour contracts" too, and is told nothing of ada's.
    const bos = await hearth.call('spaces.create', { name: 'harbour CONTRACTS' }, { caller: bo.caller() });
    expect(bos.id).not.toBe(space.id);
    expect((await failureOf(hearth.call('spaces.create', { name: 'Harbour contracts' }, { caller: ada.caller() }))).message).toBe('You already have a space named "Harbour contracts".');
    expect(() => hearth.team.grants.findSpace('harbour contracts')).toThrow(/2 spaces are named "harbour contracts".*made by ada.*made by bo.*Give the id/);
    expect(hearth.team.grants.findSpace(space.id)?.name).toBe('Harbour contracts');
    // The box's own command line (hearth ingest --space …) never files into a member's private space by its name.
    expect(hearth.spaces.resolve('Harbour contracts')).toBeUndefined();
    expect(hearth.spaces.resolve(space.id)?.id).toBe(space.id);
    const me = await hearth.call('team.me', {}, { caller: bo.caller() });
    expect(me).toMatchObject({ name: 'bo', kind: 'user', team: true, spaces: [{ spaceId: space.id, role: 'viewer' }, { spaceId: bos.id, role: 'owner' }] });
  });
});

describe('OIDC sign-in', () => {
  it("makes an account on a person's first sign-in, and takes their groups and admin role from each token", async () => {
    const keys = await generateKeyPair('ES256', { extractable: true });
    const jwksFile = path.join(tempDir, 'jwks.json');
    await writeFile(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'ES256' }] }));
    const issuer = 'https://keycloak.team.example/realms/hearth';
    hearth.team.useOidc(new OidcVerifier({ issuer, audience: 'hearth', jwksFile }));
    const jwt = (groups: string[]) =>
      new SignJWT({ preferred_username: 'Ada Lovelace', groups })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(issuer)
        .setAudience('hearth')
        .setSubject('kc-0042')
        .setExpirationTime('5m')
        .sign(keys.privateKey);

    const first = hearth.team.callerFor(await hearth.team.authenticate(await jwt(['/legal/contracts', '/hearth-admin'])));
    expect(first).toMatchObject({ kind: 'user', name: 'Ada-Lovelace', serverRole: 'admin' });
    expect(hearth.team.accounts.findUser('Ada-Lovelace')).toMatchObject({ source: 'oidc', groups: ['hearth-admin', 'legal.contracts'] });

    // Leaving a group in Keycloak leaves it here at the next sign-in; the account is the same one.
    const again = hearth.team.callerFor(await hearth.team.authenticate(await jwt([])));
    expect(again.id).toBe(first.id);
    expect(again.serverRole).toBe('member');
    expect(hearth.team.accounts.user(first.id)!.groups).toEqual([]);
    expect(hearth.team.accounts.users()).toHaveLength(1);
  });
});
