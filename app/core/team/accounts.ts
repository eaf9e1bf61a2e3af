/**
 * The people and groups of a team server, in SQLite. Accounts are made on the server's command line or, with
 * OIDC, on a person's first sign-in; a disabled account keeps its spaces and history but is let in nowhere.
 */
import { randomUUID } from 'node:crypto';
import { HearthError, type TeamUser } from '../../../schemas/index.js';
import type { Db } from '../storage/index.js';

const namePattern = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** A user or group name as the command line and sharing take it; throws BAD_REQUEST naming what is wrong. */
export function checkName(kind: 'user' | 'group', name: string): string {
  const trimmed = name.trim();
  if (!namePattern.test(trimmed)) {
    throw new HearthError(
      'BAD_REQUEST',
      `"${trimmed.slice(0, 80)}" is not a ${kind} name: use 1–64 letters, digits and . _ @ -, starting with a letter or digit.`,
      { name: trimmed.slice(0, 80) },
    );
  }
  return trimmed;
}

interface UserRow {
  id: string;
  name: string;
  display_name: string;
  server_role: 'member' | 'admin';
  source: 'local' | 'oidc';
  subject: string | null;
  disabled_at: string | null;
  created_at: string;
}

export interface Group {
  id: string;
  name: string;
}

export class Accounts {
  constructor(private readonly db: Db) {}

  /** Whether any account exists: a team server without one (and without OIDC) lets nobody in. */
  any(): boolean {
    return this.db.prepare('SELECT 1 FROM team_users LIMIT 1').get() !== undefined;
  }

  addUser(input: { name: string; displayName?: string; admin?: boolean }): TeamUser {
    const name = checkName('user', input.name);
    if (this.findUser(name)) throw new HearthError('ALREADY_EXISTS', `There is already a user named "${name}".`, { name });
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO team_users (id, name, display_name, server_role, source, created_at) VALUES (?, ?, ?, ?, 'local', ?)`,
      )
      .run(id, name, input.displayName?.trim() || name, input.admin ? 'admin' : 'member', new Date().toISOString());
    return this.user(id)!;
  }

  /**
   * The account of an OIDC subject, made on its first sign-in (named after its preferred name, made unique),
   * its admin flag and its groups set from the token each time.
   */
  signInOidc(identity: { subject: string; name: string; groups: string[]; admin: boolean }): TeamUser {
    return this.db.transaction(() => {
      let row = this.db.prepare('SELECT * FROM team_users WHERE subject = ?').get(identity.subject) as UserRow | undefined;
      if (!row) {
        const base = identity.name.replace(/[^A-Za-z0-9._@-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 56) || 'user';
        let name = base;
        for (let n = 2; this.findUser(name); n++) name = `${base}-${n}`;
        const id = randomUUID();
        this.db
          .prepare(
            `INSERT INTO team_users (id, name, display_name, server_role, source, subject, created_at) VALUES (?, ?, ?, ?, 'oidc', ?, ?)`,
          )
          .run(id, name, identity.name, identity.admin ? 'admin' : 'member', identity.subject, new Date().toISOString());
        row = this.db.prepare('SELECT * FROM team_users WHERE id = ?').get(id) as UserRow;
      } else {
        this.db.prepare('UPDATE team_users SET server_role = ?, display_name = ? WHERE id = ?').run(identity.admin ? 'admin' : 'member', identity.name, row.id);
      }
      this.db.prepare(`DELETE FROM team_group_members WHERE user_id = ? AND source = 'oidc'`).run(row.id);
      for (const claimed of identity.groups) {
        // Keycloak sends full group paths (`/legal/contracts`) unless told not to: the path, dotted, is the name.
        const groupName = claimed.replace(/^\/+/, '').replace(/\//g, '.');
        if (!namePattern.test(groupName)) continue; // a claim value Hearth cannot name (spaces) is not a group here
        const group = this.findGroup(groupName) ?? this.addGroup(groupName);
        this.db.prepare(`INSERT OR IGNORE INTO team_group_members (group_id, user_id, source) VALUES (?, ?, 'oidc')`).run(group.id, row.id);
      }
      return this.user(row.id)!;
    })();
  }

  user(id: string): TeamUser | undefined {
    return this.member(id)?.user;
  }

  /** A user and their groups (ids too) in one read: what every request's caller is built from. */
  member(id: string): { user: TeamUser; groups: Group[] } | undefined {
    const row = this.db.prepare('SELECT * FROM team_users WHERE id = ?').get(id) as UserRow | undefined;
    if (!row) return undefined;
    const groups = this.groupsOf(row.id);
    return { user: this.toUser(row, groups), groups };
  }

  findUser(name: string): TeamUser | undefined {
    const row = this.db.prepare('SELECT * FROM team_users WHERE name = ? COLLATE NOCASE').get(name.trim()) as UserRow | undefined;
    return row ? this.toUser(row) : undefined;
  }

  /** The user named `name`, or NOT_FOUND saying so. */
  requireUser(name: string): TeamUser {
    const user = this.findUser(name);
    if (!user) throw new HearthError('NOT_FOUND', `There is no user named "${name}". See them with: hearth team user list`, { name });
    return user;
  }

  users(): TeamUser[] {
    return (this.db.prepare('SELECT * FROM team_users ORDER BY name').all() as UserRow[]).map((row) => this.toUser(row));
  }

  setDisabled(name: string, disabled: boolean): TeamUser {
    const user = this.requireUser(name);
    this.db.prepare('UPDATE team_users SET disabled_at = ? WHERE id = ?').run(disabled ? new Date().toISOString() : null, user.id);
    return this.user(user.id)!;
  }

  setAdmin(name: string, admin: boolean): TeamUser {
    const user = this.requireUser(name);
    this.db.prepare('UPDATE team_users SET server_role = ? WHERE id = ?').run(admin ? 'admin' : 'member', user.id);
    return this.user(user.id)!;
  }

  addGroup(name: string): Group {
    const checked = checkName('group', name);
    if (this.findGroup(checked)) throw new HearthError('ALREADY_EXISTS', `There is already a group named "${checked}".`, { name: checked });
    const id = randomUUID();
    this.db.prepare('INSERT INTO team_groups (id, name, created_at) VALUES (?, ?, ?)').run(id, checked, new Date().toISOString());
    return { id, name: checked };
  }

  findGroup(name: string): Group | undefined {
    return this.db.prepare('SELECT id, name FROM team_groups WHERE name = ? COLLATE NOCASE').get(name.trim()) as Group | undefined;
  }

  requireGroup(name: string): Group {
    const group = this.findGroup(name);
    if (!group) throw new HearthError('NOT_FOUND', `There is no group named "${name}". Make it with: hearth team group add ${name}`, { name });
    return group;
  }

  groups(): Array<Group & { members: string[] }> {
    const groups = this.db.prepare('SELECT id, name FROM team_groups ORDER BY name').all() as Group[];
    const members = this.db.prepare('SELECT u.name FROM team_group_members m JOIN team_users u ON u.id = m.user_id WHERE m.group_id = ? ORDER BY u.name');
    return groups.map((group) => ({ ...group, members: (members.all(group.id) as { name: string }[]).map((row) => row.name) }));
  }

  addMember(groupName: string, userName: string): void {
    const group = this.requireGroup(groupName);
    const user = this.requireUser(userName);
    this.db.prepare(`INSERT OR IGNORE INTO team_group_members (group_id, user_id, source) VALUES (?, ?, 'local')`).run(group.id, user.id);
  }

  removeMember(groupName: string, userName: string): void {
    const group = this.requireGroup(groupName);
    const user = this.requireUser(userName);
    this.db.prepare('DELETE FROM team_group_members WHERE group_id = ? AND user_id = ?').run(group.id, user.id);
  }

  groupsOf(userId: string): Group[] {
    return this.db
      .prepare('SELECT g.id, g.name FROM team_group_members m JOIN team_groups g ON g.id = m.group_id WHERE m.user_id = ? ORDER BY g.name')
      .all(userId) as Group[];
  }

  private toUser(row: UserRow, groups: Group[] = this.groupsOf(row.id)): TeamUser {
    return {
      id: row.id,
      name: row.name,
      displayName: row.display_name,
      serverRole: row.server_role,
      source: row.source,
      groups: groups.map((group) => group.name),
      disabled: row.disabled_at !== null,
      createdAt: row.created_at,
    };
  }
}
