/** The spaces methods of the contract: the spaces a caller may see, new ones, and who else may open them. */
import { HearthError, type Grantee as NamedGrantee } from '../../../schemas/index.js';
import type { SomeHandlers } from '../rpc/index.js';
import type { Caller, Grantee, Team } from '../team/index.js';
import type { Spaces } from './spaces.js';

export function spacesHandlers(
  spaces: Spaces,
  team: Team,
): SomeHandlers<'spaces.list' | 'spaces.create' | 'spaces.members' | 'spaces.share' | 'spaces.unshare'> {
  const grantee = (named: NamedGrantee): Grantee & { name: string } => {
    if (named.kind === 'user') {
      const user = team.accounts.requireUser(named.name);
      return { kind: 'user', id: user.id, name: user.name };
    }
    const group = team.accounts.requireGroup(named.name);
    return { kind: 'group', id: group.id, name: group.name };
  };
  const audit = (caller: Caller, action: string, spaceId: string, detail: Record<string, unknown>) =>
    team.audit.record({ actor: caller.principal, action, spaceId, detail });
  return {
    'spaces.list': async (_params, { caller }) => spaces.list().filter((space) => caller.can('viewer', space.id)),
    'spaces.create': async ({ name }, { caller }) => {
      const member = caller.principal.kind === 'user';
      const space = spaces.create(name, member ? { createdBy: caller.principal.id } : {});
      if (member) {
        // A team member's space is theirs alone until they share it.
        team.grants.grant(space.id, { kind: 'user', id: caller.principal.id }, 'owner', caller.principal.id);
        audit(caller, 'spaces.create', space.id, { name: space.name });
      }
      return space;
    },
    'spaces.members': async ({ spaceId }) => team.grants.members(spaceId),
    'spaces.share': async ({ spaceId, with: named, role }, { caller }) => {
      const to = grantee(named);
      if (to.kind === 'user' && to.id === caller.principal.id && role !== 'owner') {
        throw new HearthError('BAD_REQUEST', 'You cannot lower your own role; have another owner do it.', { spaceId });
      }
      team.grants.grant(spaceId, to, role, caller.principal.id);
      audit(caller, 'spaces.share', spaceId, { with: `${to.kind}:${to.name}`, role });
      return team.grants.members(spaceId);
    },
    'spaces.unshare': async ({ spaceId, with: named }, { caller }) => {
      const from = grantee(named);
      team.grants.revoke(spaceId, from);
      audit(caller, 'spaces.unshare', spaceId, { with: `${from.kind}:${from.name}` });
      return team.grants.members(spaceId);
    },
  };
}
