/**
 * The team server as an admin runs it: `hearth team` makes accounts and tokens (shown once) while `hearth serve
 * --team` runs with TLS in another process; health and readiness answer without a sign-in, metrics only to an
 * admin; a browser's sign-in sets an HttpOnly cookie; a revoke from the command line closes a live socket; failed
 * sign-ins are limited per address; and the server will not start on a network address when nobody can sign in.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runHearth, startTeamServe } from '../fixtures/cli.js';
import { connectTeam, UpgradeRefused } from '../fixtures/team-client.js';
import { makeTempDir } from '../fixtures/temp-dir.js';

let temp: { dir: string; cleanup(): Promise<void> };
let dataArgs: string[];

beforeEach(async () => {
  temp = await makeTempDir();
  dataArgs = ['--data-dir', path.join(temp.dir, 'data')];
});
afterEach(() => temp.cleanup());

/** A throwaway certificate for 127.0.0.1, as an admin makes one for a first try. */
function selfSigned(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { cert, key };
}

function request(url: string, options: { ca: Buffer; method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: options.method ?? 'GET', headers: options.headers ?? {}, ca: options.ca }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    req.once('error', reject);
    req.end(options.body);
  });
}

describe('hearth serve --team and hearth team', () => {
  it('refuses to serve a network address while nobody can sign in, saying how to fix it', async () => {
    const run = await runHearth(['serve', '--team', '--host', '0.0.0.0', '--port', '0', ...dataArgs]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('will not serve a team on 0.0.0.0 while nobody can sign in');
    expect(run.stderr).toContain('hearth team user add NAME');
  });

  it('makes accounts and tokens while the server runs, and a revoke closes a live socket', async () => {
    expect((await runHearth(['team', 'user', 'add', 'ada', '--admin', ...dataArgs])).code).toBe(0);
    expect((await runHearth(['team', 'user', 'add', 'bo', ...dataArgs])).code).toBe(0);
    const made = await runHearth(['team', 'token', 'create', 'ada', '--label', 'laptop', '--expires', '30d', ...dataArgs]);
    expect(made.code).toBe(0);
    const adaToken = made.stdout.trim();
    expect(adaToken).toMatch(/^hth_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(made.stderr).toMatch(/shown once/);
    const wrong = await runHearth(['team', 'token', 'create', 'ada', '--expires', 'forever', ...dataArgs]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('"forever" is not a token lifetime');
    expect((await runHearth(['team', 'user', 'add', 'no such/name', ...dataArgs])).stderr).toContain('is not a user name');

    const tls = selfSigned(temp.dir);
    const ca = await readFile(tls.cert);
    const serving = await startTeamServe(['--tls-cert', tls.cert, '--tls-key', tls.key, ...dataArgs], { timeoutMs: 60_000 });
    try {
      expect(serving.origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(serving.output()).toContain('Sign-in: 2 accounts with API tokens');
      expect((await request(`${serving.origin}/healthz`, { ca })).status).toBe(200);
      expect(JSON.parse((await request(`${serving.origin}/readyz`, { ca })).body)).toMatchObject({ ready: true });
      expect((await request(`${serving.origin}/metrics`, { ca })).status).toBe(401);

      const boToken = (await runHearth(['team', 'token', 'create', 'bo', ...dataArgs])).stdout.trim();
      const forbidden = await request(`${serving.origin}/metrics`, { ca, headers: { Authorization: `Bearer ${boToken}` } });
      expect(forbidden.status).toBe(403);

      // A browser signs in once; the cookie it gets cannot be read by the page, and is sent back only to this server.
      const signIn = await request(`${serving.origin}/session`, { ca, method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: boToken }) });
      expect(signIn.status).toBe(200);
      const cookie = String(signIn.headers['set-cookie']);
      // The cookie holds a session standing for the token, never the token.
      expect(cookie).toMatch(/^hearth-session-\d+=hts_[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+; Secure$/);
      expect(cookie).not.toContain(boToken);
      const me = await request(`${serving.origin}/session`, { ca, headers: { Cookie: cookie.split(';')[0]! } });
      expect(JSON.parse(me.body)).toMatchObject({ team: true, signedIn: true, user: { name: 'bo', serverRole: 'member' } });
      // Signing out ends the session itself: a copy of the cookie no longer signs anyone in.
      expect((await request(`${serving.origin}/session`, { ca, method: 'DELETE', headers: { Cookie: cookie.split(';')[0]! } })).status).toBe(204);
      expect((await request(`${serving.origin}/session`, { ca, headers: { Cookie: cookie.split(';')[0]! } })).status).toBe(401);

      const bo = await connectTeam(serving.origin, boToken, { ca });
      expect(await bo.call('team.me', {})).toMatchObject({ name: 'bo', kind: 'user', team: true });
      await bo.call('spaces.create', { name: 'Bo only' });

      const metrics = await request(`${serving.origin}/metrics`, { ca, headers: { Authorization: `Bearer ${adaToken}` } });
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain('hearth_rpc_requests_total{method="spaces.create",code="ok"} 1');
      expect(metrics.body).toContain('hearth_ws_connections 1');

      const listed = await runHearth(['team', 'token', 'list', 'bo', ...dataArgs]);
      const tokenId = listed.stdout.trim().split('\t')[0]!;
      expect((await runHearth(['team', 'token', 'revoke', tokenId, ...dataArgs])).code).toBe(0);
      // From another process: the server reads the token's row on each request.
      expect(await bo.outcome('spaces.list', {})).toBe('UNAUTHORIZED');
      expect(await bo.closed).toBe(4401);

      const audit = await runHearth(['team', 'audit', '--limit', '20', ...dataArgs]);
      expect(audit.stdout).toMatch(/\tbo\tspaces\.create\t/);
      expect(audit.stdout).toMatch(/team\.token\.revoke/);
    } finally {
      await serving.stop();
    }
  }, 120_000);

  it('limits failed sign-ins per address, before a token is even checked', async () => {
    await runHearth(['team', 'user', 'add', 'ada', ...dataArgs]);
    const token = (await runHearth(['team', 'token', 'create', 'ada', ...dataArgs])).stdout.trim();
    const serving = await startTeamServe(dataArgs, { timeoutMs: 60_000 });
    try {
      expect(serving.output()).toContain('Plain HTTP: put it behind a TLS proxy');
      const attempt = (bearer: string) => fetch(`${serving.origin}/v1/models`, { headers: { Authorization: `Bearer ${bearer}` } });
      for (let i = 0; i < 10; i++) expect((await attempt(`${token.slice(0, -2)}${i}x`)).status).toBe(401);
      const limited = await attempt(token);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      await expect(connectTeam(serving.origin, token)).rejects.toEqual(new UpgradeRefused(429));
    } finally {
      await serving.stop();
    }
  }, 90_000);
});
