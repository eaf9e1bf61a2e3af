/**
 * A model that writes unusable things never crashes a run: arguments failing the tool's schema, a tool that
 * does not exist, arguments that are not JSON, a plan that does not parse — each goes back to the model as an
 * error it can correct (bounded), shown as a `model-error` event; the same call twice in a row is refused; a
 * step given up after three mistakes lets the plan go on; at the step limit the run asks whether to go on.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHearth, type Hearth } from '../../../app/core/index.js';
import { contracts } from '../../e2e/milestone-story.js';
import { ingestFile } from '../../fixtures/hearth-runner.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PlannerScript, expectDone, ofType, untilSettled, useScriptedModel, type RawTurn } from './agent-runner.js';

let hearth: Hearth;
let spaceId: string;
let cleanup: (() => Promise<void>) | undefined;

/** A Hearth with the first contract in a space; `maxSteps` is the runs' step limit. */
async function openHearth(maxSteps: number) {
  await cleanup?.();
  const temp = await makeTempDir();
  hearth = await createHearth({ dataDir: path.join(temp.dir, 'data'), modelLibrary: path.join(temp.dir, 'models'), agentLimits: { maxSteps } });
  spaceId = hearth.spaces.create('Work').id;
  const file = path.join(temp.dir, contracts[0]!.name);
  await writeFile(file, contracts[0]!.text);
  await ingestFile(hearth, spaceId, { kind: 'path', path: file });
  cleanup = async () => {
    await hearth.dispose();
    await temp.cleanup();
  };
}

beforeEach(() => openHearth(40));

afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

const onePlan = (...titles: string[]) => JSON.stringify({ steps: titles.map((title) => ({ title })) });
const dateCall = (input: unknown, id?: string): RawTurn => ({ text: 'I count the days.', calls: [{ name: 'date_calc', input, ...(id ? { id } : {}) }] });

async function plan(script: ConstructorParameters<typeof PlannerScript>[0]) {
  const model = new PlannerScript(script);
  await useScriptedModel(hearth, model);
  const started = await hearth.call('agents.run', { spaceId, request: '/plan the delivery date' });
  return { model, run: await untilSettled(hearth, started.id) };
}

describe('bad model output', () => {
  it('sends arguments that fail the schema back to the model, which corrects them', async () => {
    const { run, model } = await plan({
      plan: [onePlan('Count the delivery date (date_calc)')],
      steps: [[dateCall({ operation: 'add', date: '1 Feb 2027', business_days: 30 }), dateCall({ operation: 'add', date: '2027-02-01', business_days: 30, country: 'US' }), 'Delivery is due 2027-03-16.']],
    });
    expectDone(run);
    const [error] = ofType(run.events, 'model-error');
    expect(error!.message).toContain('/date');
    expect(ofType(run.events, 'tool-result').map((result) => result.ok)).toEqual([false, true]);
    // The model saw the error as the call's result, named by its field.
    const told = model.requests[2]!.messages.find((message) => message.role === 'tool');
    expect(told?.content).toMatch(/^Error: The input of "date_calc" does not match its schema:\n\/date/);
    expect(ofType(run.events, 'step').at(-1)).toMatchObject({ status: 'done', summary: 'Delivery is due 2027-03-16.' });
  }, 60_000);

  it('tells the model when it calls a tool that does not exist, and when its arguments are not JSON', async () => {
    const { run } = await plan({
      plan: [onePlan('Count the delivery date')],
      steps: [
        [
          { text: 'I fax it.', calls: [{ name: 'send_fax', input: { to: 'Northwind' } }] },
          { text: '', warnings: [{ message: 'The arguments of a call to date_calc are not valid JSON.', raw: '{"operation": add' }] },
          dateCall({ operation: 'add', date: '2027-02-01', days: 30 }),
          'Due 2027-03-03.',
        ],
      ],
    });
    expectDone(run);
    const errors = ofType(run.events, 'model-error');
    expect(errors.map((error) => error.attempt)).toEqual([1, 2]);
    expect(errors[0]!.message).toContain('There is no tool "send_fax". The tools are search, read_document');
    expect(errors[1]!.message).toContain('could not be read');
    expect(errors[1]!.raw).toBe('{"operation": add');
    expect(ofType(run.events, 'tool-result').at(-1)).toMatchObject({ tool: 'date_calc', ok: true });
  }, 60_000);

  it('gives a step up after three unusable outputs, and goes on with the plan', async () => {
    const wrong = { text: 'Again.', calls: [{ name: 'date_calc', input: { operation: 'someday' } }] };
    const { run } = await plan({ plan: [onePlan('Count the date', 'Say what was found')], steps: [[wrong, wrong, wrong], ['Nothing was found.']] });
    expectDone(run);
    expect(ofType(run.events, 'model-error')).toHaveLength(3);
    expect(ofType(run.events, 'step').filter((step) => step.status !== 'running').map((step) => step.status)).toEqual(['failed', 'done']);
  }, 60_000);

  it('repairs a plan that does not parse, and says so when it never does', async () => {
    const { run } = await plan({ plan: ['Step one: count the days', '{"steps": []}', onePlan('Count the date')], steps: [['Done counting.']] });
    expectDone(run);
    expect(ofType(run.events, 'model-error')).toHaveLength(2);
    expect(ofType(run.events, 'plan')).toHaveLength(1);

    const { run: failed } = await plan({ plan: ['no plan at all'], steps: [] });
    expect(failed.info.state).toBe('done');
    expect(ofType(failed.events, 'model-error').length).toBeGreaterThanOrEqual(3);
    const messages = await hearth.call('conversations.messages', { conversationId: failed.info.result!.conversationId });
    expect(messages.at(-1)!.content).toContain('could not write a plan');
  }, 60_000);

  it('refuses the same call with the same arguments twice in a row (the loop guard)', async () => {
    const search = (id: string): RawTurn => ({ text: 'I search.', calls: [{ name: 'search', input: { query: 'delivery', limit: 3 }, id }] });
    const { run, model } = await plan({ plan: [onePlan('Find the delivery term (search)')], steps: [[search('a'), search('b'), 'Delivery within 30 business days.']] });
    expectDone(run);
    const results = ofType(run.events, 'tool-result');
    expect(results.map((result) => result.ok)).toEqual([true, false]);
    expect(results[1]!.error).toContain('same arguments just before');
    // A refusal is not the model's mistake to count: no model-error.
    expect(ofType(run.events, 'model-error')).toHaveLength(0);
    expect(model.requests.at(-1)!.messages.at(-1)).toMatchObject({ role: 'tool', toolCallId: 'b' });
  }, 60_000);

  it('pauses at the step limit to ask whether to go on, then goes on — or stops when told', async () => {
    const turns = (n: number) => Array.from({ length: n }, (_, i) => dateCall({ operation: 'add', date: '2027-02-01', days: i + 1 }));
    await openHearth(8);
    const script = { plan: [onePlan('Count many dates')], steps: [[...turns(4), 'Counted four dates.']] };
    const { run } = await plan(script);
    // route, plan, then think → gate → act per call: eight steps make two calls.
    expect(run.info.state).toBe('waiting');
    expect(run.wait).toMatchObject({ kind: 'limit', limit: 'steps', allowed: 8 });
    expect(run.wait?.kind === 'limit' && run.wait.question).toContain('Go on?');
    await hearth.call('agents.answer', { runId: run.info.id, answer: { kind: 'limit', decision: 'continue' } });
    const on = await untilSettled(hearth, run.info.id);
    // Eight more: the other two calls, the step done, the plan finished — and the limit again before the check.
    expect(on.info.state).toBe('waiting');
    await hearth.call('agents.answer', { runId: run.info.id, answer: { kind: 'limit', decision: 'continue' } });
    const done = await untilSettled(hearth, run.info.id);
    expect(done.info.state).toBe('done');
    expect(ofType(done.events, 'tool-result').filter((result) => result.ok)).toHaveLength(4);
    expect(ofType(done.events, 'answered').map((event) => event.decision)).toEqual(['continued', 'continued']);
    expect(new Set(done.steps).size).toBe(done.steps.length);

    const { run: second } = await plan(script);
    expect(second.info.state).toBe('waiting');
    await hearth.call('agents.answer', { runId: second.info.id, answer: { kind: 'limit', decision: 'stop' } });
    const stopped = await untilSettled(hearth, second.info.id);
    expect(stopped.info.state).toBe('done');
    const messages = await hearth.call('conversations.messages', { conversationId: stopped.info.result!.conversationId });
    expect(messages.at(-1)!.content).toContain('Stopped at the run’s limit');
  }, 60_000);
});
