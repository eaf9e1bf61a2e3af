/**
 * Who holds which role in a space: users and groups. A person's role in a space is the strongest of their own
 * grant and their groups' grants; a space made by a team member starts with its creator as owner and is seen by
 * nobody else until shared.
 */
import { HearthError, SpaceRole, spaceRoleCovers, type SpaceMember } from '../../../schemas/index.js';
import type { Db } from '../storage/index.js';

export interface Grantee {
  kind: 'user' | 'group';
  id: string;
}

interface GrantRow {
  space_id: string;
  grantee_kind: 'user' | 'group';
  grantee_id: string;
  role: SpaceRole;
  granted_at: string;
  name: string | null;
}

export class SpaceGrants {
  constructor(private readonly db: Db) {}

  /** Gives (or changes) a grantee's role in a space. Refuses to leave a space that had an owning user without one. */
  grant(spaceId: string, grantee: Grantee, role: SpaceRole, grantedBy: string): void {
    this.db.transaction(() => {
      const owners = this.owningUsers(spaceId);
      this.db
        .prepare(
          `INSERT INTO space_grants (space_id, grantee_kind, grantee_id, role, granted_by, granted_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (space_id, grantee_kind, grantee_id) DO UPDATE SET role = excluded.role, granted_by = excluded.granted_by, granted_at = excluded.granted_at`,
        )
        .run(spaceId, grantee.kind, grantee.id, role, grantedBy, new Date().toISOString());
      this.keepAnOwner(spaceId, owners);
    })();
  }

  /** Takes a grantee's role in the space away (nothing when it had none). */
  revoke(spaceId: string, grantee: Grantee): void {
    this.db.transaction(() => {
      const owners = this.owningUsers(spaceId);
      this.db.prepare('DELETE FROM space_grants WHERE space_id = ? AND grantee_kind = ? AND grantee_id = ?').run(spaceId, grantee.kind, grantee.id);
      this.keepAnOwner(spaceId, owners);
    })();
  }

  /**
   * A space by id, or by name as an admin types it on the command line; two people's spaces of one name are told
   * apart by id (BAD_REQUEST listing them).
   */
  findSpace(nameOrId: string): { id: string; name: string } | undefined {
    const text = nameOrId.trim();
    const byId = this.db.prepare('SELECT id, name FROM spaces WHERE id = ?').get(text) as { id: string; name: string } | undefined;
    if (byId) return byId;
    const named = this.db
      .prepare(`SELECT s.id, s.name, COALESCE(u.name, 'the command line') AS creator FROM spaces s LEFT JOIN team_users u ON u.id = s.created_by WHERE s.name = ? COLLATE NOCASE`)
      .all(text) as Array<{ id: string; name: string; creator: string }>;
    if (named.length > 1) {
      throw new HearthError('BAD_REQUEST', `${named.length} spaces are named "${text}": ${named.map((space) => `${space.id} (made by ${space.creator})`).join(', ')}. Give the id.`);
    }
    return named[0] ? { id: named[0].id, name: named[0].name } : undefined;
  }

  members(spaceId: string): SpaceMember[] {
    const rows = this.db
      .prepare(
        `SELECT g.*, COALESCE(u.name, tg.name) AS name FROM space_grants g
         LEFT JOIN team_users u ON g.grantee_kind = 'user' AND u.id = g.grantee_id
         LEFT JOIN team_groups tg ON g.grantee_kind = 'group' AND tg.id = g.grantee_id
         WHERE g.space_id = ? ORDER BY g.granted_at`,
      )
      .all(spaceId) as GrantRow[];
    return rows.map((row) => ({ kind: row.grantee_kind, id: row.grantee_id, name: row.name ?? '(removed)', role: row.role, grantedAt: row.granted_at }));
  }

  /** A user's role in each space they hold one in, directly or through a group: the strongest of them. */
  rolesOf(userId: string, groupIds: readonly string[]): Map<string, SpaceRole> {
    const placeholders = groupIds.map(() => '?').join(', ');
    const rows = this.db
      .prepare(
        `SELECT space_id, role FROM space_grants WHERE (grantee_kind = 'user' AND grantee_id = ?)` +
          (groupIds.length > 0 ? ` OR (grantee_kind = 'group' AND grantee_id IN (${placeholders}))` : ''),
      )
      .all(userId, ...groupIds) as Array<{ space_id: string; role: SpaceRole }>;
    const roles = new Map<string, SpaceRole>();
    for (const row of rows) {
      const held = roles.get(row.space_id);
      if (!spaceRoleCovers(held, row.role)) roles.set(row.space_id, row.role);
    }
    return roles;
  }

  private owningUsers(spaceId: string): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM space_grants WHERE space_id = ? AND grantee_kind = 'user' AND role = 'owner'`).get(spaceId) as { n: number }).n;
  }

  /**
   * A space that had a person as its owner keeps one. (One made at the server's own command line has none: the
   * person at the box shares it, and it is theirs until someone is made its owner.)
   */
  private keepAnOwner(spaceId: string, before: number): void {
    if (before > 0 && this.owningUsers(spaceId) === 0) {
      // Thrown inside the transaction, so the change that caused it is rolled back.
      throw new HearthError('BAD_REQUEST', 'A shared space needs at least one person as its owner: make someone else owner first.', { spaceId });
    }
  }
}
