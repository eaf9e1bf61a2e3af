/**
 * How a method of the contract is written down: its params and result (and, for a stream, its events) as zod
 * schemas, and who may call it — a server role, or a role in the space the call is about, and which param
 * names that space (directly, or through a document, conversation or job in it). The dispatcher checks the
 * access once, for every method, before the handler runs.
 */
import { z } from 'zod';

/** A caller's role in a space, weakest first: a viewer reads, an editor adds and changes, an owner shares and deletes. */
export const SpaceRole = z.enum(['viewer', 'editor', 'owner']);
export type SpaceRole = z.infer<typeof SpaceRole>;

/** A caller's standing on the Hearth itself, weakest first: none, a member (may sign in), an admin (models, accounts). */
export const ServerRole = z.enum(['none', 'member', 'admin']);
export type ServerRole = z.infer<typeof ServerRole>;

/** Who is calling: the person at the desktop, a team member, an agent acting in a space, or a background job. */
export const CallerKind = z.enum(['local-owner', 'user', 'agent', 'job']);
export type CallerKind = z.infer<typeof CallerKind>;

/** Where the space a call is about is found: a param path holding the id of a space, document, conversation or job. */
export type ScopeRef =
  | { space: string }
  | { document: string }
  | { conversation: string }
  | { job: string }
  | { report: string }
  | { artifact: string }
  | { trace: string }
  | { task: string };

export type Access = { server: Exclude<ServerRole, 'none'> } | { space: SpaceRole; from: ScopeRef };

export interface CallSpec<P extends z.ZodType, R extends z.ZodType> {
  kind: 'call';
  params: P;
  result: R;
  access: Access;
}
export interface StreamSpec<P extends z.ZodType, E extends z.ZodType, R extends z.ZodType> {
  kind: 'stream';
  params: P;
  event: E;
  result: R;
  access: Access;
}
export type MethodSpec = CallSpec<z.ZodType, z.ZodType> | StreamSpec<z.ZodType, z.ZodType, z.ZodType>;

export const call = <P extends z.ZodType, R extends z.ZodType>(params: P, result: R, access: Access): CallSpec<P, R> => ({
  kind: 'call',
  params,
  result,
  access,
});

export const stream = <P extends z.ZodType, E extends z.ZodType, R extends z.ZodType>(
  params: P,
  event: E,
  result: R,
  access: Access,
): StreamSpec<P, E, R> => ({ kind: 'stream', params, event, result, access });

/** Access helpers, so a method reads `inSpace('editor', { document: 'documentId' })`. */
export const onServer = (role: Exclude<ServerRole, 'none'>): Access => ({ server: role });
export const inSpace = (role: SpaceRole, from: ScopeRef = { space: 'spaceId' }): Access => ({ space: role, from });

/** Whether `held` is at least `needed`. */
export function spaceRoleCovers(held: SpaceRole | undefined, needed: SpaceRole): boolean {
  return held !== undefined && SpaceRole.options.indexOf(held) >= SpaceRole.options.indexOf(needed);
}

export function serverRoleCovers(held: ServerRole, needed: ServerRole): boolean {
  return ServerRole.options.indexOf(held) >= ServerRole.options.indexOf(needed);
}
