/** Spaces: the folders of Hearth. A space holds documents and conversations; retrieval never crosses one. */
import { randomUUID } from 'node:crypto';
import { HearthError, type Space } from '../../../schemas/index.js';
import type { Db } from '../storage/index.js';

interface SpaceRow {
  id: string;
  name: string;
  created_at: string;
  document_count: number;
}

const toSpace = (row: SpaceRow): Space => ({
  id: row.id,
  name: row.name,
  createdAt: row.created_at,
  documentCount: row.document_count,
});

const selectSpaces = `
  SELECT s.id, s.name, s.created_at, (SELECT COUNT(*) FROM documents d WHERE d.space_id = s.id) AS document_count
  FROM spaces s`;

export class Spaces {
  constructor(private readonly db: Db) {}

  list(): Space[] {
    return (this.db.prepare(`${selectSpaces} ORDER BY s.created_at, s.name`).all() as SpaceRow[]).map(toSpace);
  }

  /**
   * A new space. Its name must be new among its creator's spaces (`createdBy`: the team member making it; absent
   * for the person at the machine): another person's space of that name is neither refused nor revealed.
   */
  create(name: string, options: { createdBy?: string } = {}): Space {
    const trimmed = name.trim();
    const taken = this.db.prepare(`SELECT 1 FROM spaces WHERE name = ? COLLATE NOCASE AND COALESCE(created_by, '') = ?`).get(trimmed, options.createdBy ?? '');
    if (taken) throw new HearthError('ALREADY_EXISTS', `${options.createdBy ? 'You already have' : 'There is already'} a space named "${trimmed}".`, { name: trimmed });
    const id = randomUUID();
    const now = new Date().toISOString();
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO spaces (id, name, created_at, created_by) VALUES (?, ?, ?, ?)').run(id, trimmed, now, options.createdBy ?? null);
      this.db.prepare('INSERT INTO keyword_generations (space_id, generation) VALUES (?, 0)').run(id);
    })();
    return { id, name: trimmed, createdAt: now, documentCount: 0 };
  }

  /** Every space's id (what a caller's access list is drawn from). */
  ids(): string[] {
    return (this.db.prepare('SELECT id FROM spaces ORDER BY created_at').all() as { id: string }[]).map((row) => row.id);
  }

  get(id: string): Space {
    const row = this.db.prepare(`${selectSpaces} WHERE s.id = ?`).get(id) as SpaceRow | undefined;
    if (!row) throw new HearthError('NOT_FOUND', `There is no space with id ${id}.`, { spaceId: id });
    return toSpace(row);
  }

  /**
   * The space of that name made at this machine (not a team member's: the box's own `hearth ingest --space Payroll`
   * must never file into someone's private "Payroll"; theirs are named by id).
   */
  findByName(name: string): Space | undefined {
    const row = this.db.prepare(`${selectSpaces} WHERE s.name = ? COLLATE NOCASE AND s.created_by IS NULL`).get(name.trim()) as SpaceRow | undefined;
    return row ? toSpace(row) : undefined;
  }

  /** A space named or identified by `nameOrId`, as a user types it on the command line. */
  resolve(nameOrId: string): Space | undefined {
    return this.findByName(nameOrId) ?? this.list().find((space) => space.id === nameOrId);
  }

  generation(spaceId: string): number {
    const row = this.db.prepare('SELECT generation FROM keyword_generations WHERE space_id = ?').get(spaceId) as
      | { generation: number }
      | undefined;
    return row?.generation ?? 0;
  }

  /** Marks a change to the space's chunks; call inside the transaction that makes it. */
  bumpGeneration(spaceId: string): number {
    this.db
      .prepare(
        `INSERT INTO keyword_generations (space_id, generation) VALUES (?, 1)
         ON CONFLICT(space_id) DO UPDATE SET generation = generation + 1`,
      )
      .run(spaceId);
    return this.generation(spaceId);
  }
}
