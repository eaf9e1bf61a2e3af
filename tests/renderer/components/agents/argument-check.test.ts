/** Edited tool arguments, looked at before they go back to the core: what a person typing gets wrong is named. */
import { describe, expect, it } from 'vitest';
import { checkArguments } from '../../../../app/renderer/src/components/agents/argument-check.js';

const schema = {
  type: 'object',
  required: ['action', 'tasks'],
  properties: {
    action: { type: 'string', enum: ['create', 'list'] },
    tasks: { type: 'array' },
    limit: { type: 'integer' },
  },
};

describe('checking edited tool arguments', () => {
  it('takes arguments that fit the schema', () => {
    expect(checkArguments('{"action":"create","tasks":[{"title":"Deliver"}]}', schema)).toEqual({ ok: true, value: { action: 'create', tasks: [{ title: 'Deliver' }] } });
  });

  it('names JSON that does not parse', () => {
    const check = checkArguments('{ "action": "create", ', schema);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.problems[0]).toMatch(/^Not JSON: /);
  });

  it('names a missing field, a wrong type and a value outside the enum, by pointer', () => {
    const check = checkArguments('{"action":"delete","limit":2.5}', schema);
    expect(!check.ok && check.problems).toEqual(['/tasks: required', '/action: must be one of "create", "list"', '/limit: expected integer, got number']);
    const array = checkArguments('[1]', schema);
    expect(!array.ok && array.problems).toEqual(['the arguments: expected object, got array']);
  });
});

describe('checking arguments of a tool whose input is a union of actions', () => {
  const tasks = {
    type: 'object',
    anyOf: [
      { type: 'object', required: ['action', 'tasks'], properties: { action: { type: 'string', const: 'create' }, tasks: { type: 'array' } } },
      { type: 'object', required: ['action'], properties: { action: { type: 'string', const: 'list' }, status: { type: 'string', enum: ['open', 'done'] } } },
    ],
  };

  it('takes arguments that fit one action', () => {
    expect(checkArguments('{"action":"list"}', tasks).ok).toBe(true);
    expect(checkArguments('{"action":"create","tasks":[]}', tasks).ok).toBe(true);
  });

  it('names the problems of the action the arguments name', () => {
    const check = checkArguments('{"action":"create","tasks":"Deliver"}', tasks);
    expect(!check.ok && check.problems).toEqual(['/tasks: expected array, got string']);
  });
});
