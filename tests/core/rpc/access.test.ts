/**
 * Every method of the contract, called by a caller one step short of the access it declares, is refused with
 * FORBIDDEN before its handler runs — and called by a caller with exactly that access, is not. The test walks
 * the method table, so a method added later is covered without editing it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Caller, type Hearth } from '../../../app/core/index.js';
import { HearthError, SpaceRole, methods, type Access, type MethodName } from '../../../schemas/index.js';
import { arrangeKnownIds } from '../../fixtures/known-ids.js';
import { openTempHearth } from '../../fixtures/hearth-runner.js';
import { sampleParams } from './sample-params.js';

let hearth: Hearth;
let close: () => Promise<void>;

/** A fresh space with a document, a conversation, a job and a report in it, so every method has something real to name. */
const arrange = () => arrangeKnownIds(hearth);

/** A caller one step short of `access` in the arranged space: the role below, or the server role below. */
function shortOf(access: Access, spaceId: string): Caller {
  if ('server' in access) {
    // Owning every space does not make up for the server role.
    return new Caller({ id: 'short', kind: 'user', serverRole: access.server === 'admin' ? 'member' : 'none', everySpace: 'owner' });
  }
  const below = SpaceRole.options[SpaceRole.options.indexOf(access.space) - 1];
  // Administering the server does not make up for a role in the space.
  return new Caller({ id: 'short', kind: 'user', serverRole: 'admin', spaces: below ? { [spaceId]: below } : {} });
}

/** A caller with exactly `access` and nothing more. */
function exactly(access: Access, spaceId: string): Caller {
  if ('server' in access) return new Caller({ id: 'exact', kind: 'user', serverRole: access.server });
  return new Caller({ id: 'exact', kind: 'user', serverRole: 'none', spaces: { [spaceId]: access.space } });
}

/** Calls a method as `caller` and says how it ended: 'ok', or the error code. A stream is read to its first event. */
async function outcomeOf(method: MethodName, params: unknown, caller: Caller): Promise<string> {
  const spec = methods[method];
  try {
    if (spec.kind === 'call') {
      await hearth.call(method as never, params as never, { caller });
    } else {
      const events = hearth.stream(method as never, params as never, { caller, signal: AbortSignal.timeout(20_000) }) as AsyncGenerator;
      await events.next();
      await events.return(undefined);
    }
    return 'ok';
  } catch (error) {
    if (error instanceof HearthError) return error.code;
    throw error;
  }
}

beforeAll(async () => {
  const opened = await openTempHearth('Setup');
  hearth = opened.hearth;
  close = async () => {
    await hearth.dispose();
    await opened.temp.cleanup();
  };
});

afterAll(() => close());

describe('access to every method of the contract', () => {
  const names = Object.keys(methods) as MethodName[];

  it('has something to check', () => {
    expect(names.length).toBeGreaterThan(15);
  });

  it.each(names)('refuses %s to a caller without the access it declares, with FORBIDDEN', async (method) => {
    const known = await arrange();
    const params = sampleParams(methods[method].params, known);
    expect(await outcomeOf(method, params, shortOf(methods[method].access, known.spaceId))).toBe('FORBIDDEN');
  });

  it.each(names)('lets %s through for a caller with exactly that access', async (method) => {
    const known = await arrange();
    const params = sampleParams(methods[method].params, known);
    expect(await outcomeOf(method, params, exactly(methods[method].access, known.spaceId))).not.toBe('FORBIDDEN');
  });
});
