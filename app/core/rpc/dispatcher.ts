/**
 * The dispatcher turns the contract into calls on the core: it refuses calls once Hearth is closing, validates
 * params on arrival, checks the caller against the method's declared access — once, for every method, before
 * the handler runs — and validates what goes back. Transports hand it frames through an {@link RpcSession};
 * they never see a method.
 */
import {
  HearthError,
  isMethodName,
  methods,
  serverRoleCovers,
  type Access,
  type CallMethod,
  type EventOf,
  type MethodName,
  type Params,
  type Result,
  type ScopeRef,
  type SpaceRole,
  type StreamMethod,
} from '../../../schemas/index.js';
import type { Caller } from '../team/index.js';

export interface CallContext {
  signal: AbortSignal;
  caller: Caller;
}

export interface HandlerContext extends CallContext {
  /** The space the method is scoped to, as the dispatcher resolved and checked it (absent for server methods). */
  space?: { id: string; role: SpaceRole };
}

export type Handlers = {
  [M in CallMethod]: (params: Params<M>, ctx: HandlerContext) => Promise<Result<M>>;
} & {
  [M in StreamMethod]: (params: Params<M>, ctx: HandlerContext) => AsyncGenerator<EventOf<M>, Result<M>>;
};

/** The handlers of some of the methods: what one capability contributes to the table. */
export type SomeHandlers<M extends MethodName> = Pick<Handlers, M>;

/**
 * Finds the space a document, conversation or job belongs to, for access checks; undefined when there is no
 * such thing (the call then fails NOT_FOUND, as it would in the handler).
 */
export interface SpaceResolver {
  spaceOf(kind: ScopedThing, id: string): string | undefined;
}

/** The things a method can be scoped through: each belongs to one space. */
export type ScopedThing = Exclude<keyof UnionKeys<ScopeRef>, 'space'>;
type UnionKeys<T> = T extends unknown ? { [K in keyof T]: true } : never;

export type DispatchOutcome =
  | { kind: 'call'; result: Promise<unknown> }
  | { kind: 'stream'; events: AsyncGenerator<unknown, unknown> };

export class Dispatcher {
  private closing = false;

  constructor(
    private readonly handlers: Handlers,
    private readonly spaces: SpaceResolver,
  ) {}

  /** From now on every call is refused with CLOSING; calls already running finish or are cancelled by their owner. */
  close(): void {
    this.closing = true;
  }

  /**
   * Validates `params` for `method`, checks that the caller may make the call, and starts it; throws a
   * HearthError for an unknown method, bad params, or a caller without the access the method declares.
   */
  dispatch(method: string, rawParams: unknown, ctx: CallContext): DispatchOutcome {
    if (this.closing) throw new HearthError('CLOSING', `Hearth is closing; ${method} was not started. Open Hearth again to go on.`);
    if (!isMethodName(method)) {
      throw new HearthError('UNKNOWN_METHOD', `Unknown method "${method}".`, { method });
    }
    const spec = methods[method];
    const parsed = spec.params.safeParse(rawParams ?? {});
    if (!parsed.success) {
      throw new HearthError('BAD_REQUEST', `Invalid params for ${method}: ${describeIssues(parsed.error.issues)}`, {
        issues: parsed.error.issues,
      });
    }
    const space = this.checkAccess(method, spec.access, parsed.data, ctx.caller);
    const handlerCtx: HandlerContext = space ? { ...ctx, space } : ctx;
    const handler = this.handlers[method as MethodName] as (params: unknown, ctx: HandlerContext) => unknown;
    if (spec.kind === 'call') {
      return { kind: 'call', result: Promise.resolve().then(() => handler(parsed.data, handlerCtx)).then((r) => checkResult(method, r)) };
    }
    return { kind: 'stream', events: validatedStream(method, handler(parsed.data, handlerCtx) as AsyncGenerator<unknown, unknown>) };
  }

  private checkAccess(method: MethodName, access: Access, params: unknown, caller: Caller): { id: string; role: SpaceRole } | undefined {
    if ('server' in access) {
      if (!serverRoleCovers(caller.serverRole, access.server)) {
        throw new HearthError('FORBIDDEN', `${method} needs the ${access.server} role on this Hearth; ${caller.name} is ${caller.serverRole === 'none' ? 'not a member' : `a ${caller.serverRole}`}.`, {
          method,
          needs: access.server,
        });
      }
      return undefined;
    }
    const spaceId = this.spaceOfCall(method, access.from, params);
    const role = caller.roleIn(spaceId);
    if (!caller.can(access.space, spaceId)) {
      throw new HearthError(
        'FORBIDDEN',
        `${method} needs the ${access.space} role in this space; ${caller.name} ${role ? `is a ${role} there` : 'has no role there'}. Ask the space's owner to share it with you.`,
        { method, spaceId, needs: access.space, ...(role ? { has: role } : {}) },
      );
    }
    return { id: spaceId, role: role! };
  }

  private spaceOfCall(method: MethodName, from: ScopeRef, params: unknown): string {
    const [kind, path] = Object.entries(from)[0] as [ScopedThing | 'space', string];
    const id = readPath(params, path);
    if (typeof id !== 'string') throw new HearthError('INTERNAL', `${method} declares its space at params.${path}, which is not a string id.`);
    if (kind === 'space') return id;
    const spaceId = this.spaces.spaceOf(kind as ScopedThing, id);
    if (spaceId === undefined) throw new HearthError('NOT_FOUND', `There is no ${kind} with id ${id}.`, { [`${kind}Id`]: id });
    return spaceId;
  }
}

function readPath(value: unknown, path: string): unknown {
  let at = value;
  for (const key of path.split('.')) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

async function* validatedStream(method: MethodName, events: AsyncGenerator<unknown, unknown>): AsyncGenerator<unknown, unknown> {
  const spec = methods[method];
  if (spec.kind !== 'stream') throw new HearthError('INTERNAL', `${method} is not a streaming method.`);
  try {
    for (;;) {
      const step = await events.next();
      if (step.done) return checkResult(method, step.value);
      const event = spec.event.safeParse(step.value);
      if (!event.success) throw new HearthError('INTERNAL', `${method} produced an event outside the contract.`, event.error.issues);
      yield event.data;
    }
  } finally {
    // The session stopped reading (a cancel, a closed socket): let the handler's own `finally` run now.
    await events.return(undefined);
  }
}

function checkResult(method: MethodName, value: unknown): unknown {
  const result = methods[method].result.safeParse(value);
  if (!result.success) throw new HearthError('INTERNAL', `${method} produced a result outside the contract.`, result.error.issues);
  return result.data;
}

export function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues
    .slice(0, 5)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
