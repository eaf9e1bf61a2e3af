/**
 * The team: who the caller is, who may open a space and how sharing changes it, the server's accounts, and the
 * audit trail of who changed what. Accounts and tokens are made on the server's command line (`hearth team`),
 * never over the wire: a stolen connection cannot mint itself a token.
 */
import { z } from 'zod';
import { Id } from '../domain.js';
import { ErrorPayload } from '../errors.js';
import { call, inSpace, onServer, CallerKind, ServerRole, SpaceRole } from './spec.js';

/** A person or group a space can be shared with, by name. */
export const Grantee = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), name: z.string().trim().min(1).max(100) }),
  z.object({ kind: z.literal('group'), name: z.string().trim().min(1).max(100) }),
]);
export type Grantee = z.infer<typeof Grantee>;

export const SpaceMember = z.object({
  kind: z.enum(['user', 'group']),
  id: Id,
  name: z.string(),
  role: SpaceRole,
  grantedAt: z.string(),
});
export type SpaceMember = z.infer<typeof SpaceMember>;

export const TeamUser = z.object({
  id: Id,
  name: z.string(),
  displayName: z.string(),
  serverRole: ServerRole.exclude(['none']),
  source: z.enum(['local', 'oidc']),
  groups: z.array(z.string()),
  disabled: z.boolean(),
  createdAt: z.string(),
});
export type TeamUser = z.infer<typeof TeamUser>;

export const Me = z.object({
  id: z.string(),
  kind: CallerKind,
  name: z.string(),
  serverRole: ServerRole,
  /** Whether this Hearth serves a team (accounts, sharing) or one person at this machine. */
  team: z.boolean(),
  /** The caller's role in each space it has one in (the local owner: every space, as owner). */
  spaces: z.array(z.object({ spaceId: Id, role: SpaceRole })),
});
export type Me = z.infer<typeof Me>;

export const AuditEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.object({ id: z.string(), name: z.string(), kind: z.string() }),
  /** A method (`spaces.share`, `documents.delete`) or a server event (`token.use`, `login.failed`). */
  action: z.string(),
  spaceId: z.string().optional(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/**
 * What a team server's `/session` answers (GET: who the cookie signs in; POST: the sign-in just made), and the
 * error body it refuses with. Plain HTTP, not the RPC contract: the browser asks before it has a socket.
 */
export const SessionAnswer = z.object({
  team: z.literal(true),
  signedIn: z.boolean(),
  user: z.object({ id: z.string(), name: z.string(), serverRole: ServerRole }).optional(),
});
export type SessionAnswer = z.infer<typeof SessionAnswer>;
export const HttpRefusal = z.object({ error: ErrorPayload });
export type HttpRefusal = z.infer<typeof HttpRefusal>;

export const teamMethods = {
  /** Who the caller is, as this Hearth sees them, and their role in each space. */
  'team.me': call(z.object({}), Me, onServer('member')),
  /** Who may open the space, and with which role (the space's owners and the people it was shared with). */
  'spaces.members': call(z.object({ spaceId: Id }), z.array(SpaceMember), inSpace('viewer')),
  /** Gives a user or group a role in the space (replacing the one it had); owners only. */
  'spaces.share': call(z.object({ spaceId: Id, with: Grantee, role: SpaceRole }), z.array(SpaceMember), inSpace('owner')),
  /** Takes a user's or group's role in the space away; a space always keeps one owning user. */
  'spaces.unshare': call(z.object({ spaceId: Id, with: Grantee }), z.array(SpaceMember), inSpace('owner')),
  /** The server's accounts; admins only. */
  'team.users.list': call(z.object({}), z.array(TeamUser), onServer('admin')),
  /** The audit trail, newest first; admins only. */
  'team.audit.list': call(
    z.object({ limit: z.number().int().min(1).max(1000).default(100), before: z.number().int().optional(), spaceId: Id.optional() }),
    z.array(AuditEntry),
    onServer('admin'),
  ),
} as const;
