/**
 * The tool registry: what a model is offered (JSON Schemas the grammar compiles), and every call checked —
 * an unknown tool and input failing the schema come back as errors naming what is wrong, a throwing tool as a
 * failure the agent can re-plan from — traced, and a side-effecting call done once per run and call key, also
 * after the database is opened again (as after a restart).
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { localOwner } from '../../../app/core/index.js';
import { compileJsonSchemaGrammar } from '../../../app/core/sgr/index.js';
import { openDatabase, type Db } from '../../../app/core/storage/index.js';
import { Telemetry, attr } from '../../../app/core/telemetry/index.js';
import { ToolRegistry, dateCalcTool, type Tool, type ToolContext } from '../../../app/core/tools/index.js';
import { HearthError } from '../../../schemas/index.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';

let temp: { dir: string; cleanup(): Promise<void> };
let db: Db;
let telemetry: Telemetry;
/** What the side-effecting tool did, across registries: the world it changes. */
let notes: string[];

const noteTool: Tool<{ text: string; copies: number }> = {
  name: 'add_note',
  title: 'Add a note',
  description: 'Adds a note to the list.',
  input: z.object({ text: z.string().min(1).max(40), copies: z.number().int().min(1).max(3).default(1) }),
  sideEffects: true,
  async run(input) {
    for (let i = 0; i < input.copies; i++) notes.push(input.text);
    return { output: { count: notes.length }, summary: `noted “${input.text}”` };
  },
};

const countTool: Tool<Record<string, never>> = {
  name: 'count_notes',
  title: 'Count notes',
  description: 'How many notes there are.',
  input: z.object({}),
  sideEffects: false,
  async run() {
    return { output: { count: notes.length }, summary: `${notes.length} notes` };
  },
};

let failures = 0;
const brokenTool: Tool<{ text: string }> = {
  name: 'send_fax',
  title: 'Send a fax',
  description: 'Always fails.',
  input: z.object({ text: z.string().max(10) }),
  sideEffects: true,
  async run() {
    failures++;
    throw new HearthError('REMOTE_ERROR', 'the fax line is busy; try again tomorrow');
  },
};

function open(): ToolRegistry {
  db = openDatabase(path.join(temp.dir, 'data'));
  telemetry = new Telemetry(db);
  return new ToolRegistry(db, [noteTool, countTool, brokenTool, dateCalcTool({ country: 'RU' })], telemetry);
}

async function close(): Promise<void> {
  await telemetry.dispose();
  db.close();
}

function context(runId: string, span?: { traceId: string; spanId: string }): ToolContext {
  return { caller: localOwner, spaceId: 'space-1', runId, signal: new AbortController().signal, ...(span ? { span } : {}) };
}

let registry: ToolRegistry;
beforeEach(async () => {
  temp = await makeTempDir();
  notes = [];
  failures = 0;
  registry = open();
});
afterEach(async () => {
  await close();
  await temp.cleanup();
});

describe('the tools a model is offered', () => {
  it('lists each tool with its schema, and offers them as JSON Schemas the local grammar compiles', () => {
    expect(registry.list().map((tool) => [tool.name, tool.sideEffects])).toEqual([['add_note', true], ['count_notes', false], ['send_fax', true], ['date_calc', false]]);
    const offered = registry.chatTools(['add_note', 'date_calc']);
    expect(offered.map((tool) => tool.name)).toEqual(['add_note', 'date_calc']);
    expect(offered[0]!.inputSchema).toEqual({
      type: 'object',
      properties: { text: { type: 'string', minLength: 1, maxLength: 40 }, copies: { type: 'integer', minimum: 1, maximum: 3, default: 1 } },
      required: ['text'],
    });
    for (const tool of registry.chatTools()) {
      expect(tool.inputSchema.$schema).toBeUndefined();
      expect(compileJsonSchemaGrammar(tool.inputSchema).unsupported, tool.name).toEqual([]);
    }
  });

  it('refuses to offer a tool it does not have, naming the ones it has', () => {
    expect(() => registry.chatTools(['fly'])).toThrow('There is no tool "fly"; the tools are add_note, count_notes, send_fax, date_calc.');
  });
});

describe('a call', () => {
  it('to an unknown tool comes back as an error naming the tools there are', async () => {
    const outcome = await registry.call({ callKey: 'c1', name: 'delete_everything', input: {} }, context('run-1'));
    expect(outcome).toEqual({ ok: false, problem: 'unknown-tool', error: 'There is no tool "delete_everything". The tools are add_note, count_notes, send_fax, date_calc.' });
  });

  it('with input failing the schema comes back naming each place by its pointer, and runs nothing', async () => {
    const outcome = await registry.call({ callKey: 'c1', name: 'add_note', input: { text: '', copies: 7, colour: 'red' } }, context('run-1'));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problem).toBe('invalid-input');
    expect(outcome.error.split('\n')).toEqual([
      'The input of "add_note" does not match its schema:',
      expect.stringMatching(/^\/text: .*>=1 characters/),
      expect.stringMatching(/^\/copies: .*<=3/),
    ]);
    const nested = await registry.call({ callKey: 'c2', name: 'date_calc', input: { operation: 'add', date: '2027-02-30' } }, context('run-1'));
    expect(nested).toMatchObject({ ok: false, problem: 'invalid-input', error: expect.stringContaining('\n/date: ') });
    expect(notes).toEqual([]);
  });

  it('with side effects runs once per run and call key, and is replayed after the database is opened again', async () => {
    const call = { callKey: 'step-2/call-1', name: 'add_note', input: { text: 'book the ferry' } };
    const first = await registry.call(call, context('run-1'));
    expect(first).toEqual({ ok: true, output: { count: 1 }, summary: 'noted “book the ferry”', replayed: false });
    const again = await registry.call(call, context('run-1'));
    expect(again).toEqual({ ...first, replayed: true });
    expect(notes).toEqual(['book the ferry']);

    await close();
    registry = open();
    expect(await registry.call(call, context('run-1'))).toEqual({ ...first, replayed: true });
    expect(notes).toEqual(['book the ferry']);
    // Another key, or another run, is another call.
    expect(await registry.call({ ...call, callKey: 'step-2/call-2' }, context('run-1'))).toMatchObject({ ok: true, replayed: false });
    expect(await registry.call(call, context('run-2'))).toMatchObject({ ok: true, replayed: false });
    expect(notes).toEqual(['book the ferry', 'book the ferry', 'book the ferry']);
  });

  it('with side effects made twice at once runs once, the second waiting for the first', async () => {
    const call = { callKey: 'k', name: 'add_note', input: { text: 'pier', copies: 2 } };
    const [a, b] = await Promise.all([registry.call(call, context('run-1')), registry.call(call, context('run-1'))]);
    expect([a, b].map((outcome) => outcome.ok && outcome.replayed).sort()).toEqual([false, true]);
    expect(notes).toEqual(['pier', 'pier']);
  });

  it('without side effects runs every time', async () => {
    await registry.call({ callKey: 'k', name: 'count_notes', input: {} }, context('run-1'));
    expect(await registry.call({ callKey: 'k', name: 'count_notes', input: {} }, context('run-1'))).toMatchObject({ ok: true, replayed: false });
    expect(db.prepare('SELECT COUNT(*) AS n FROM tool_effects').get()).toEqual({ n: 0 });
  });

  it('to a tool that throws comes back as a failure with its message, kept like any outcome', async () => {
    const call = { callKey: 'k', name: 'send_fax', input: { text: 'hello' } };
    const outcome = await registry.call(call, context('run-1'));
    expect(outcome).toEqual({ ok: false, problem: 'failed', error: 'send_fax failed: the fax line is busy; try again tomorrow' });
    expect(await registry.call(call, context('run-1'))).toEqual(outcome);
    expect(failures).toBe(1);
  });

  it('refuses a call key used before for another tool', async () => {
    await registry.call({ callKey: 'k', name: 'add_note', input: { text: 'a' } }, context('run-1'));
    expect(await registry.call({ callKey: 'k', name: 'send_fax', input: { text: 'b' } }, context('run-1'))).toMatchObject({ ok: false, problem: 'failed', error: expect.stringContaining('already made with the tool "add_note"') });
    expect(failures).toBe(0);
  });

  it('is a span under the run’s, with the tool’s name, arguments and what it came to', async () => {
    const root = telemetry.startSpan('agent.run', { spaceId: 'space-1' });
    const parent = { traceId: root.traceId, spanId: root.spanId };
    await registry.call({ callKey: 'c1', name: 'add_note', input: { text: 'ferry' } }, context('run-1', parent));
    await registry.call({ callKey: 'c1', name: 'add_note', input: { text: 'ferry' } }, context('run-1', parent));
    await registry.call({ callKey: 'c2', name: 'send_fax', input: { text: 'x' } }, context('run-1', parent));
    root.end();
    const spans = telemetry.get(root.traceId).spans;
    expect(spans.map((span) => span.name)).toEqual(['agent.run', 'execute_tool add_note', 'execute_tool add_note', 'execute_tool send_fax']);
    const [, done, replayed, failed] = spans;
    expect(done!.parentSpanId).toBe(root.spanId);
    expect(done!.attributes).toMatchObject({
      [attr.operationName]: 'execute_tool',
      [attr.toolName]: 'add_note',
      [attr.toolCallId]: 'c1',
      [attr.toolArguments]: '{"text":"ferry","copies":1}',
      [attr.toolResult]: 'noted “ferry”',
      [attr.toolReplayed]: false,
    });
    expect(replayed!.attributes[attr.toolReplayed]).toBe(true);
    expect(failed).toMatchObject({ status: 'error', statusMessage: 'the fax line is busy; try again tomorrow' });
  });

  it('cut short by cancellation throws and is not kept, so the resumed run makes it', async () => {
    const controller = new AbortController();
    const slow: Tool<Record<string, never>> = {
      ...countTool,
      name: 'slow_effect',
      sideEffects: true,
      run: async (_input, ctx) => {
        controller.abort();
        throw new HearthError('CANCELLED', ctx.signal.aborted ? 'cancelled' : 'not yet');
      },
    };
    const withSlow = new ToolRegistry(db, [slow], telemetry);
    await expect(withSlow.call({ callKey: 'k', name: 'slow_effect', input: {} }, { ...context('run-1'), signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(db.prepare('SELECT COUNT(*) AS n FROM tool_effects').get()).toEqual({ n: 0 });
  });
});
