/**
 * `hearth team …`: a team server's accounts from the box's command line — users, groups, API tokens (shown once),
 * sharing a space, the audit trail. It opens only the database, so it works while `hearth serve --team` runs;
 * the server reads tokens and grants from their rows on every request, so a revoke counts at once.
 */
import { SpaceRole } from '../../schemas/index.js';
import { Team, parseLifetime } from '../core/team/index.js';
import { ExitCode, UsageError } from './cli-usage.js';

export const teamUsage = `  team user add NAME [--admin] [--display-name "Full Name"]
  team user list | disable NAME | enable NAME | admin NAME | member NAME
  team group add NAME | list | join GROUP USER | leave GROUP USER
  team token create USER [--label L] [--expires 90d]
                                       Make an API token; it is printed once, keep it
  team token list [USER] | revoke ID
  team space share SPACE USER|GROUP viewer|editor|owner [--group]
  team space unshare SPACE USER|GROUP [--group] | members SPACE
  team audit [--limit N]               Who changed what, newest first
`;

export interface TeamCliOptions {
  admin: boolean;
  displayName: string | undefined;
  label: string | undefined;
  expires: string | undefined;
  group: boolean;
  limit: string | undefined;
  json: boolean;
}

export async function team(dataDir: string, args: string[], options: TeamCliOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const [noun, verb, ...rest] = args;
  const store = Team.open(dataDir);
  try {
    const print = (rows: unknown[], line: (row: never) => string) => {
      if (options.json) out.write(`${JSON.stringify(rows, null, 2)}\n`);
      else for (const row of rows) out.write(`${line(row as never)}\n`);
    };
    const need = (count: number, what: string) => {
      if (rest.length < count) throw new UsageError(`team ${noun} ${verb} needs ${what}`);
      return rest;
    };
    const system = { id: 'local', kind: 'local-owner', name: 'admin (command line)' };
    switch (`${noun} ${verb}`) {
      case 'user add': {
        const [name] = need(1, 'a user name');
        const user = store.accounts.addUser({ name: name!, ...(options.displayName ? { displayName: options.displayName } : {}), admin: options.admin });
        store.audit.record({ actor: system, action: 'team.user.add', detail: { user: user.name, serverRole: user.serverRole } });
        out.write(`Added ${user.name} (${user.serverRole}). Give them a token: hearth team token create ${user.name}\n`);
        return ExitCode.ok;
      }
      case 'user list':
      case 'user undefined':
        print(store.accounts.users(), (user: { name: string; serverRole: string; source: string; disabled: boolean; groups: string[] }) =>
          [user.name, user.serverRole, user.source, user.disabled ? 'disabled' : 'active', user.groups.join(',')].join('\t'),
        );
        return ExitCode.ok;
      case 'user disable':
      case 'user enable': {
        const [name] = need(1, 'a user name');
        const user = store.accounts.setDisabled(name!, verb === 'disable');
        store.audit.record({ actor: system, action: `team.user.${verb}`, detail: { user: user.name } });
        out.write(`${user.name} is ${user.disabled ? 'disabled: their tokens and sign-ins no longer let them in' : 'enabled'}.\n`);
        return ExitCode.ok;
      }
      case 'user admin':
      case 'user member': {
        const [name] = need(1, 'a user name');
        const user = store.accounts.setAdmin(name!, verb === 'admin');
        store.audit.record({ actor: system, action: 'team.user.role', detail: { user: user.name, serverRole: user.serverRole } });
        out.write(`${user.name} is now a server ${user.serverRole}.\n`);
        return ExitCode.ok;
      }
      case 'group add': {
        const [name] = need(1, 'a group name');
        const group = store.accounts.addGroup(name!);
        store.audit.record({ actor: system, action: 'team.group.add', detail: { group: group.name } });
        out.write(`Added group ${group.name}. Add people: hearth team group join ${group.name} USER\n`);
        return ExitCode.ok;
      }
      case 'group list':
      case 'group undefined':
        print(store.accounts.groups(), (group: { name: string; members: string[] }) => `${group.name}\t${group.members.join(',')}`);
        return ExitCode.ok;
      case 'group join':
      case 'group leave': {
        const [group, user] = need(2, 'a group and a user');
        if (verb === 'join') store.accounts.addMember(group!, user!);
        else store.accounts.removeMember(group!, user!);
        store.audit.record({ actor: system, action: `team.group.${verb}`, detail: { group, user } });
        out.write(`${user} ${verb === 'join' ? 'is in' : 'has left'} ${group}.\n`);
        return ExitCode.ok;
      }
      case 'token create': {
        const [name] = need(1, 'the user the token is for');
        const user = store.accounts.requireUser(name!);
        const { token, info } = await store.tokens.create(user.id, { label: options.label ?? 'token', lifetimeMs: parseLifetime(options.expires ?? '90d') });
        store.audit.record({ actor: system, action: 'team.token.create', detail: { user: user.name, tokenId: info.id, expiresAt: info.expiresAt } });
        // The only place the secret is ever shown; it is kept as a hash.
        out.write(`${token}\n`);
        err.write(`Token ${info.id} for ${user.name}, expires ${info.expiresAt.slice(0, 10)}. It is shown once: give it to ${user.name} now.\n`);
        return ExitCode.ok;
      }
      case 'token list':
      case 'token undefined': {
        const user = rest[0] === undefined ? undefined : store.accounts.requireUser(rest[0]);
        const names = new Map(store.accounts.users().map((u) => [u.id, u.name]));
        print(store.tokens.list(user?.id), (token: { id: string; userId: string; label: string; expiresAt: string; revokedAt?: string; lastUsedAt?: string }) =>
          [token.id, names.get(token.userId) ?? token.userId, token.label, token.revokedAt ? 'revoked' : `expires ${token.expiresAt.slice(0, 10)}`, token.lastUsedAt ? `used ${token.lastUsedAt}` : 'never used'].join('\t'),
        );
        return ExitCode.ok;
      }
      case 'token revoke': {
        const [id] = need(1, 'a token id (see: hearth team token list)');
        const info = store.tokens.revoke(id!);
        store.audit.record({ actor: system, action: 'team.token.revoke', detail: { tokenId: info.id } });
        out.write(`Token ${info.id} is revoked; connections using it are closed within seconds.\n`);
        return ExitCode.ok;
      }
      case 'space share':
      case 'space unshare': {
        const [spaceName, who, roleText] = need(verb === 'share' ? 3 : 2, verb === 'share' ? 'a space, a user or group, and a role' : 'a space and a user or group');
        const space = store.grants.findSpace(spaceName!);
        if (!space) throw new UsageError(`there is no space "${spaceName}"`);
        const grantee = options.group ? { kind: 'group' as const, ...store.accounts.requireGroup(who!) } : { kind: 'user' as const, ...store.accounts.requireUser(who!) };
        if (verb === 'share') {
          const role = SpaceRole.safeParse(roleText);
          if (!role.success) throw new UsageError(`the role is viewer, editor or owner, not "${roleText}"`);
          store.grants.grant(space.id, { kind: grantee.kind, id: grantee.id }, role.data, system.id);
          store.audit.record({ actor: system, action: 'spaces.share', spaceId: space.id, detail: { with: `${grantee.kind}:${grantee.name}`, role: role.data } });
          out.write(`${grantee.name} is ${role.data === 'owner' ? 'an owner' : `a ${role.data}`} of ${space.name}.\n`);
        } else {
          store.grants.revoke(space.id, { kind: grantee.kind, id: grantee.id });
          store.audit.record({ actor: system, action: 'spaces.unshare', spaceId: space.id, detail: { with: `${grantee.kind}:${grantee.name}` } });
          out.write(`${grantee.name} no longer has a role in ${space.name}.\n`);
        }
        return ExitCode.ok;
      }
      case 'space members': {
        const [spaceName] = need(1, 'a space');
        const space = store.grants.findSpace(spaceName!);
        if (!space) throw new UsageError(`there is no space "${spaceName}"`);
        print(store.grants.members(space.id), (member: { kind: string; name: string; role: string }) => `${member.kind}\t${member.name}\t${member.role}`);
        return ExitCode.ok;
      }
      default: {
        if (noun === 'audit') {
          const limit = options.limit === undefined ? 50 : Number(options.limit);
          if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`--limit takes 1–1000, not "${options.limit}"`);
          print(store.audit.list({ limit }), (entry: { at: string; actor: { name: string }; action: string; spaceId?: string; detail?: object }) =>
            [entry.at, entry.actor.name, entry.action, entry.spaceId ?? '-', entry.detail ? JSON.stringify(entry.detail) : ''].join('\t'),
          );
          return ExitCode.ok;
        }
        throw new UsageError(`unknown team command "${[noun, verb].filter(Boolean).join(' ')}"`);
      }
    }
  } finally {
    store.close();
  }
}
