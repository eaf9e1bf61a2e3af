/**
 * Who is calling. Every call into the core carries a Caller, built by the transport that received it (the
 * desktop window and a web-mode browser that passed the launch check are the local owner; the team server
 * will build one from a token), and everything the caller may do follows from it: its standing on the
 * server, and its role in each space. Nothing is taken from the request's own fields.
 */
import { ServerRole, SpaceRole, spaceRoleCovers, type CallerKind } from '../../../schemas/index.js';

export interface CallerInit {
  id: string;
  kind: CallerKind;
  /** What it is called in the UI and the audit trail. */
  name?: string;
  serverRole: ServerRole;
  /** Its role in each space it has one in. */
  spaces?: ReadonlyMap<string, SpaceRole> | Record<string, SpaceRole>;
  /** A role it holds in every space, present and future (the local owner's `owner`). */
  everySpace?: SpaceRole;
}

export class Caller {
  readonly id: string;
  readonly kind: CallerKind;
  readonly name: string;
  readonly serverRole: ServerRole;
  private readonly spaces: ReadonlyMap<string, SpaceRole>;
  private readonly everySpace: SpaceRole | undefined;
  /** The person (or account) this caller acts for: itself, or whoever started the job or agent it is. */
  readonly principal: { id: string; kind: CallerKind; name: string };

  constructor(init: CallerInit, principal?: Caller['principal']) {
    this.id = init.id;
    this.kind = init.kind;
    this.name = init.name ?? init.id;
    this.serverRole = ServerRole.parse(init.serverRole);
    this.spaces = init.spaces instanceof Map ? new Map(init.spaces) : new Map(Object.entries(init.spaces ?? {}));
    this.everySpace = init.everySpace;
    this.principal = principal ?? { id: this.id, kind: this.kind, name: this.name };
  }

  /** The caller's role in a space, if it has one. */
  roleIn(spaceId: string): SpaceRole | undefined {
    const own = this.spaces.get(spaceId);
    if (own === undefined) return this.everySpace;
    if (this.everySpace === undefined) return own;
    return spaceRoleCovers(own, this.everySpace) ? own : this.everySpace;
  }

  /** Whether the caller holds at least `role` in the space. */
  can(role: SpaceRole, spaceId: string): boolean {
    return spaceRoleCovers(this.roleIn(spaceId), role);
  }

  /** Of these spaces, the ones the caller holds at least `role` in (retrieval's allowed spaces come from here). */
  spacesWith(role: SpaceRole, spaceIds: Iterable<string>): string[] {
    return [...spaceIds].filter((spaceId) => this.can(role, spaceId));
  }

  /**
   * The same caller acting as a job or an agent it started: the same rights, a kind and id of its own, and the
   * same principal — what that job or agent starts in turn is owned by the person behind it.
   */
  actingAs(kind: Extract<CallerKind, 'job' | 'agent'>, id: string): Caller {
    const init: CallerInit = { id, kind, name: `${this.principal.name} (${kind})`, serverRole: this.serverRole, spaces: this.spaces };
    return new Caller(this.everySpace ? { ...init, everySpace: this.everySpace } : init, this.principal);
  }
}

/**
 * The person at this machine: the desktop app's window, the CLI, and a web-mode browser that opened the URL
 * Hearth printed. They own every space and administer the app.
 */
export const localOwner = new Caller({ id: 'local', kind: 'local-owner', name: 'You', serverRole: 'admin', everySpace: 'owner' });
