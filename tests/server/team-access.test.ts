/**
 * The team server's access matrix: every method of the contract, called over a real WebSocket with a real token,
 * as nobody (no token, a wrong one, a revoked one: 401 at the upgrade), as a viewer of another space and as an
 * admin with no role in the space (403), and as the space's viewer, editor and owner — each let through exactly
 * where the method's declared access says. The walk goes over the method table, so a method added later is covered.
 * And retrieval never returns a passage from a space the caller cannot read.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import WebSocket from 'ws';
import type { Hearth } from '../../app/core/index.js';
import { parseLifetime } from '../../app/core/team/index.js';
import { startTeamServer, type TeamServer } from '../../app/server/team-server.js';
import { SpaceRole, methods, spaceRoleCovers, type Access, type MethodName } from '../../schemas/index.js';
import { sampleParams } from '../core/rpc/sample-params.js';
import { followJob, openTempHearth } from '../fixtures/hearth-runner.js';
import { arrangeKnownIds } from '../fixtures/known-ids.js';
import { UpgradeRefused, connectTeam, type TeamConnection } from '../fixtures/team-client.js';

let hearth: Hearth;
let server: TeamServer;
let cleanup: (() => Promise<void>) | undefined;
const tokens: Record<string, string> = {};
const connections: Record<string, TeamConnection> = {};
const people = ['owner', 'editor', 'viewer', 'outsider', 'admin'] as const;
type Person = (typeof people)[number];
let revokedToken: string;

async function tokenFor(name: string, options: { admin?: boolean } = {}): Promise<{ token: string; id: string }> {
  const user = hearth.team.accounts.findUser(name) ?? hearth.team.accounts.addUser({ name, ...options });
  const { token, info } = await hearth.team.tokens.create(user.id, { label: 'test', lifetimeMs: parseLifetime('1d') });
  return { token, id: info.id };
}

function grant(spaceId: string, name: string, role: SpaceRole): void {
  hearth.team.grants.grant(spaceId, { kind: 'user', id: hearth.team.accounts.requireUser(name).id }, role, 'test');
}

/** What the method's declared access says each person gets: through, or FORBIDDEN. */
function expected(access: Access, person: Person): 'through' | 'FORBIDDEN' {
  if ('server' in access) return access.server === 'member' || person === 'admin' ? 'through' : 'FORBIDDEN';
  const held: Record<Person, SpaceRole | undefined> = { owner: 'owner', editor: 'editor', viewer: 'viewer', outsider: undefined, admin: undefined };
  return spaceRoleCovers(held[person], access.space) ? 'through' : 'FORBIDDEN';
}

beforeAll(async () => {
  const opened = await openTempHearth('Elsewhere');
  hearth = opened.hearth;
  for (const person of people) tokens[person] = (await tokenFor(person, { admin: person === 'admin' })).token;
  const revoked = await tokenFor('viewer');
  hearth.team.tokens.revoke(revoked.id);
  revokedToken = revoked.token;
  // The outsider can read another space, just not the ones under test.
  grant(opened.spaceId, 'outsider', 'viewer');
  grant(opened.spaceId, 'owner', 'owner');
  server = await startTeamServer({ hearth, staticDir: path.join(opened.temp.dir, 'no-renderer'), failedSignInsPerMinute: 1000 });
  for (const person of people) connections[person] = await connectTeam(server.origin, tokens[person]);
  cleanup = async () => {
    for (const connection of Object.values(connections)) connection.close();
    await server.close();
    await hearth.dispose();
    await opened.temp.cleanup();
  };
});

afterAll(() => cleanup?.());

describe('every method of the contract on the team server', () => {
  const names = Object.keys(methods) as MethodName[];

  it('refuses the WebSocket without a token, with a wrong one or a revoked one (401)', async () => {
    const wrong = `${tokens.viewer!.slice(0, -4)}AAAA`;
    for (const token of [undefined, wrong, revokedToken, 'not-a-token']) {
      await expect(connectTeam(server.origin, token)).rejects.toEqual(new UpgradeRefused(401));
    }
    // A token never travels in the URL: not even a right one is looked at there.
    const response = await fetch(`${server.origin}/healthz?token=${tokens.viewer}`);
    expect(response.status).toBe(400);
  });

  it.each(names)('lets %s through exactly where its access says, for each role', async (method) => {
    const known = await arrangeKnownIds(hearth);
    grant(known.spaceId, 'owner', 'owner');
    grant(known.spaceId, 'editor', 'editor');
    grant(known.spaceId, 'viewer', 'viewer');
    const params = sampleParams(methods[method].params, known) as Record<string, unknown>;
    // A team member adds files as bytes or uploads; a path on the server's disk is the local owner's alone (below).
    if (method === 'documents.ingest') params.source = { kind: 'bytes', name: 'pier.md', base64: Buffer.from('# Pier\n\nThe east pier.\n').toString('base64') };
    // Those refused go first: a refused call changes nothing, and a call let through may (a delete, an unshare).
    const order: Person[] = ['outsider', 'admin', 'viewer', 'editor', 'owner'];
    const seen: Record<string, string> = {};
    for (const person of order) {
      const outcome = await connections[person]!.outcome(method, params);
      seen[person] = outcome === 'FORBIDDEN' || outcome === 'UNAUTHORIZED' ? outcome : 'through';
    }
    expect(seen).toEqual(Object.fromEntries(order.map((person) => [person, expected(methods[method].access, person)])));
  });
});

describe('where a socket may come from', () => {
  /** Opens /rpc with these headers; resolves 'open' or the refusal's status. */
  const upgrade = (headers: Record<string, string>) =>
    new Promise<number | 'open'>((resolve, reject) => {
      const ws = new WebSocket(`${server.origin.replace(/^http/, 'ws')}/rpc`, { headers });
      ws.once('open', () => {
        ws.close();
        resolve('open');
      });
      ws.once('unexpected-response', (_request, response) => {
        ws.terminate();
        resolve(response.statusCode ?? 0);
      });
      ws.once('error', reject);
    });

  /** Signs in as a browser does, and gives the session cookie back. */
  const sessionCookie = async (token: string) => {
    const response = await fetch(`${server.origin}/session`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: server.origin }, body: JSON.stringify({ token }) });
    expect(response.status).toBe(200);
    return response.headers.get('set-cookie')!.split(';')[0]!;
  };

  it('takes the sign-in cookie only from its own pages, and a bearer from anywhere that holds it', async () => {
    const cookie = await sessionCookie(tokens.viewer!);
    expect(await upgrade({ Cookie: cookie, Origin: server.origin })).toBe('open');
    // Another site's page: the browser would send the cookie on its own.
    expect(await upgrade({ Cookie: cookie, Origin: 'https://evil.example' })).toBe(403);
    // A page that adds credentials of another kind (ws://user:pass@… sends Basic) is not let in on the cookie.
    expect(await upgrade({ Cookie: cookie, Origin: 'https://evil.example', Authorization: 'Basic dXNlcjpwYXNz' })).toBe(401);
    // The desktop app's window (or a script) presents the token itself.
    expect(await upgrade({ Authorization: `Bearer ${tokens.viewer}`, Origin: 'hearth://app' })).toBe('open');
  });

  it('takes no cookie on /v1, and an upload on the cookie only from its own pages', async () => {
    const cookie = await sessionCookie(tokens.owner!);
    expect((await fetch(`${server.origin}/v1/models`, { headers: { Cookie: cookie } })).status).toBe(401);
    const spaceId = (await connections.owner!.call('spaces.create', { name: 'Cookie jar' }) as { id: string }).id;
    const upload = (origin: string) =>
      fetch(`${server.origin}/upload?spaceId=${spaceId}&name=note.md`, { method: 'POST', headers: { Cookie: cookie, Origin: origin }, body: '# Note\n\nHello.\n' });
    expect((await upload('https://evil.example')).status).toBe(403);
    expect((await upload(server.origin)).status).toBe(202);
  });

  it('takes an upload with a bearer from another origin (a local app connected to the team), by CORS without credentials', async () => {
    const spaceId = (await connections.owner!.call('spaces.create', { name: 'From afar' }) as { id: string }).id;
    const target = `${server.origin}/upload?spaceId=${spaceId}&name=far.md`;
    const preflight = await fetch(target, { method: 'OPTIONS', headers: { Origin: 'http://127.0.0.1:4321', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:4321');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const posted = await fetch(target, { method: 'POST', headers: { Origin: 'http://127.0.0.1:4321', Authorization: `Bearer ${tokens.owner}` }, body: '# Far\n\nAway.\n' });
    expect(posted.status).toBe(202);
    expect(posted.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:4321');
  });

  it('lets one person have only so many sockets open at once', async () => {
    const small = await startTeamServer({ hearth, staticDir: server.origin, maxSocketsPerPerson: 2 });
    try {
      const open = [await connectTeam(small.origin, tokens.editor), await connectTeam(small.origin, tokens.editor)];
      await expect(connectTeam(small.origin, tokens.editor)).rejects.toEqual(new UpgradeRefused(429));
      // Someone else is not held back by it, and closing one makes room again.
      (await connectTeam(small.origin, tokens.viewer)).close();
      open[0]!.close();
      await open[0]!.closed;
      await new Promise((resolve) => setTimeout(resolve, 50));
      (await connectTeam(small.origin, tokens.editor)).close();
      open[1]!.close();
    } finally {
      await small.close();
    }
  });

  it('stays up when a client resets its socket while its token is being checked', async () => {
    const { port } = new URL(server.origin);
    for (let i = 0; i < 5; i++) {
      const socket = net.connect(Number(port), '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write(
        `GET /rpc HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${Buffer.from('0123456789abcdef').toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
          `Authorization: Bearer ${tokens.viewer!.slice(0, -2)}zz\r\n\r\n`,
      );
      socket.resetAndDestroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await fetch(`${server.origin}/healthz`)).status).toBe(200);
  });
});

describe('files on the server', () => {
  it('cannot be named by a team member, even an owner: they upload instead', async () => {
    const known = await arrangeKnownIds(hearth);
    grant(known.spaceId, 'owner', 'owner');
    const refused = connections.owner!.call('documents.ingest', { spaceId: known.spaceId, source: { kind: 'path', path: '/etc/passwd' } });
    await expect(refused).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/upload the file instead/) });
  });
});

describe('a token revoked while its socket is open', () => {
  it('is refused at the next request, and the socket closes with 4401', async () => {
    const { token, id } = await tokenFor('editor');
    const connection = await connectTeam(server.origin, token, { via: 'subprotocol' });
    expect(await connection.outcome('spaces.list', {})).toBe('ok');
    hearth.team.tokens.revoke(id);
    expect(await connection.outcome('spaces.list', {})).toBe('UNAUTHORIZED');
    expect(await connection.closed).toBe(4401);
  });
});

describe('retrieval on a team server', () => {
  it('never returns a passage from a space the caller cannot read', async () => {
    const ours = (await connections.viewer!.call('spaces.list', {})) as Array<{ id: string }>;
    const open = hearth.spaces.create('Harbour A');
    const closed = hearth.spaces.create('Harbour B');
    grant(open.id, 'owner', 'owner');
    grant(closed.id, 'owner', 'owner');
    grant(open.id, 'viewer', 'viewer');
    for (const [space, text] of [
      [open, 'The ferry to the island leaves at noon from the east pier.'],
      [closed, 'The ferry to the island is cancelled; the secret pier is at the north gate.'],
    ] as const) {
      const file = path.join(hearth.dataDir, '..', `${space.id}.md`);
      await writeFile(file, `# Ferry\n\n${text}\n`);
      await followJob(hearth, await hearth.call('documents.ingest', { spaceId: space.id, source: { kind: 'path', path: file } }));
    }
    const viewer = connections.viewer!;
    expect(((await viewer.call('spaces.list', {})) as Array<{ id: string }>).length).toBe(ours.length + 1);
    const hits = (await viewer.call('search.query', { spaceId: open.id, query: 'ferry island pier' })) as Array<{ citation: { documentId: string }; text: string }>;
    expect(hits.length).toBeGreaterThan(0);
    const openDocuments = new Set(hearth.documents.list(open.id).map((document) => document.id));
    expect(hits.every((hit) => openDocuments.has(hit.citation.documentId))).toBe(true);
    expect(JSON.stringify(hits)).not.toContain('secret');
    expect(await viewer.outcome('search.query', { spaceId: closed.id, query: 'ferry' })).toBe('FORBIDDEN');
    const answer = (await viewer.call('chat.ask', { spaceId: open.id, question: 'Where is the secret pier?' })) as { citations: Array<{ documentId: string }>; content: string };
    expect(answer.citations.every((citation) => openDocuments.has(citation.documentId))).toBe(true);
    expect(answer.citations.length).toBeGreaterThan(0);
    expect(answer.content).not.toContain('north gate');
  });
});
