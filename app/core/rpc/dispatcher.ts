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
import { runAsCaller, type Caller } from '../team/index.js';

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

/** One finished call, as observers (the audit trail, metrics) see it: never its params or result. */
export interface CallRecord {
  method: string;
  caller: Caller;
  /** The space the call was checked against, when it is scoped to one. */
  spaceId?: string;
  /** Whether the method changes something: it needs an editor's or owner's role in its space, or a server admin's. */
  write: boolean;
  ok: boolean;
  errorCode?: string;
  /** From arrival to result (for a stream: to its end). */
  ms: number;
}

type CallBase = Pick<CallRecord, 'write'> & { spaceId?: string | undefined };

export type CallObserver = (record: CallRecord) => void;

export type DispatchOutcome =
  | { kind: 'call'; result: Promise<unknown> }
  | { kind: 'stream'; events: AsyncGenerator<unknown, unknown> };

export class Dispatcher {
  private closing = false;
  private readonly observers = new Set<CallObserver>();

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
    const started = performance.now();
    const record = (base: CallBase, error?: unknown) => this.notify(method, ctx.caller, started, base, error);
    let outcome: DispatchOutcome;
    let base: CallBase = { write: false };
    try {
      ({ outcome, base } = this.start(method, rawParams, ctx));
    } catch (error) {
      record(base, error);
      throw error;
    }
    if (outcome.kind === 'call') {
      outcome.result.then(
        () => record(base),
        (error: unknown) => record(base, error),
      );
      return outcome;
    }
    return { kind: 'stream', events: observedStream(outcome.events, (error) => record(base, error)) };
  }

  /**
   * Tells `observer` of every call once it ends (successful or not, refused ones included); returns a function
   * that stops it. An observer that throws is reported and does not fail the call.
   */
  observe(observer: CallObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  private notify(method: string, caller: Caller, started: number, base: CallBase, error?: unknown): void {
    if (this.observers.size === 0) return;
    const errorCode = error === undefined ? undefined : error instanceof HearthError ? error.code : 'INTERNAL';
    const record: CallRecord = {
      method,
      caller,
      write: base.write,
      ok: error === undefined,
      ms: performance.now() - started,
      ...(base.spaceId !== undefined ? { spaceId: base.spaceId } : {}),
      ...(errorCode !== undefined ? { errorCode } : {}),
    };
    for (const observer of this.observers) {
      try {
        observer(record);
      } catch (failure) {
        console.error('[hearth] a call observer failed', failure);
      }
    }
  }

  private start(method: string, rawParams: unknown, ctx: CallContext): { outcome: DispatchOutcome; base: CallBase } {
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
    const write = isWrite(spec.access);
    const space = this.checkAccess(method, spec.access, parsed.data, ctx.caller);
    const base = { write, ...(space ? { spaceId: space.id } : {}) };
    const handlerCtx: HandlerContext = space ? { ...ctx, space } : ctx;
    const handler = this.handlers[method as MethodName] as (params: unknown, ctx: HandlerContext) => unknown;
    // The handler, and each step of a stream, runs as its caller: code below it (the model queue) knows whom it serves.
    const asCaller = <T>(work: () => T): T => runAsCaller(ctx.caller, work);
    if (spec.kind === 'call') {
      return { base, outcome: { kind: 'call', result: asCaller(() => Promise.resolve().then(() => handler(parsed.data, handlerCtx))).then((r) => checkResult(method, r)) } };
    }
    const events = asCaller(() => handler(parsed.data, handlerCtx) as AsyncGenerator<unknown, unknown>);
    return { base, outcome: { kind: 'stream', events: validatedStream(method, events, asCaller) } };
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

async function* validatedStream(
  method: MethodName,
  events: AsyncGenerator<unknown, unknown>,
  asCaller: <T>(work: () => T) => T,
): AsyncGenerator<unknown, unknown> {
  const spec = methods[method];
  if (spec.kind !== 'stream') throw new HearthError('INTERNAL', `${method} is not a streaming method.`);
  try {
    for (;;) {
      const step = await asCaller(() => events.next());
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

/** Passes a stream through and calls `ended` once, when it ends, fails or is abandoned. */
async function* observedStream(events: AsyncGenerator<unknown, unknown>, ended: (error?: unknown) => void): AsyncGenerator<unknown, unknown> {
  let failure: unknown;
  try {
    return yield* events;
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    ended(failure);
  }
}

/** Whether calls under this access change something (what the audit trail keeps). */
function isWrite(access: Access): boolean {
  return 'server' in access ? access.server === 'admin' : access.space !== 'viewer';
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
