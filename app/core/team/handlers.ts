/**
 * The team methods of the contract that are about accounts rather than a space: who the caller is, the
 * server's users, and the audit trail. (Sharing a space is the spaces capability's.) Typed from the contract
 * alone, so the team stays below the dispatcher that runs them.
 */
import type { Params, Result } from '../../../schemas/index.js';
import type { Caller } from './caller.js';
import type { Team } from './team.js';

type TeamMethod = 'team.me' | 'team.users.list' | 'team.audit.list';
type TeamHandlers = { [M in TeamMethod]: (params: Params<M>, ctx: { caller: Caller }) => Promise<Result<M>> };

export function teamHandlers(team: Team, options: { spaceIds: () => string[] }): TeamHandlers {
  return {
    'team.me': async (_params, { caller }) => ({
      id: caller.principal.id,
      kind: caller.principal.kind,
      name: caller.principal.name,
      serverRole: caller.serverRole,
      team: caller.principal.kind === 'user',
      spaces: options.spaceIds().flatMap((spaceId) => {
        const role = caller.roleIn(spaceId);
        return role ? [{ spaceId, role }] : [];
      }),
    }),
    'team.users.list': async () => team.accounts.users(),
    'team.audit.list': async (params) => team.audit.list(params),
  };
}
