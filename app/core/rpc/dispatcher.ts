/**
 * The dispatcher turns the contract into calls on the core: it validates params on arrival, runs the
 * handler with an AbortSignal, and validates what goes back. Transports hand it frames through an
 * {@link RpcSession}; they never see a method.
 */
import {
  HearthError,
  isMethodName,
  methods,
  type CallMethod,
  type EventOf,
  type MethodName,
  type Params,
  type Result,
  type StreamMethod,
} from '../../../schemas/index.js';

export interface HandlerContext {
  signal: AbortSignal;
}

export type Handlers = {
  [M in CallMethod]: (params: Params<M>, ctx: HandlerContext) => Promise<Result<M>>;
} & {
  [M in StreamMethod]: (params: Params<M>, ctx: HandlerContext) => AsyncGenerator<EventOf<M>, Result<M>>;
};

export type DispatchOutcome =
  | { kind: 'call'; result: Promise<unknown> }
  | { kind: 'stream'; events: AsyncGenerator<unknown, unknown> };

export class Dispatcher {
  constructor(private readonly handlers: Handlers) {}

  /** Validates `params` for `method` and starts it; throws a HearthError for an unknown method or bad params. */
  dispatch(method: string, rawParams: unknown, ctx: HandlerContext): DispatchOutcome {
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
    const handler = this.handlers[method as MethodName] as (params: unknown, ctx: HandlerContext) => unknown;
    if (spec.kind === 'call') {
      return { kind: 'call', result: Promise.resolve().then(() => handler(parsed.data, ctx)).then((r) => checkResult(method, r)) };
    }
    return { kind: 'stream', events: validatedStream(method, handler(parsed.data, ctx) as AsyncGenerator<unknown, unknown>) };
  }
}

async function* validatedStream(method: MethodName, events: AsyncGenerator<unknown, unknown>): AsyncGenerator<unknown, unknown> {
  const spec = methods[method];
  if (spec.kind !== 'stream') throw new HearthError('INTERNAL', `${method} is not a streaming method.`);
  for (;;) {
    const step = await events.next();
    if (step.done) return checkResult(method, step.value);
    const event = spec.event.safeParse(step.value);
    if (!event.success) throw new HearthError('INTERNAL', `${method} produced an event outside the contract.`, event.error.issues);
    yield event.data;
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
