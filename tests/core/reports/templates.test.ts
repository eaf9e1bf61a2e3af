/**
 * Report templates: Hearth's own listed with their schemas; a user's added to a space (a JSON syntax error
 * named by line and column, an unusable schema by its pointer), removed again; template files dropped in
 * `<dataDir>/templates` offered in every space, a broken one listed among the problems with its line.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Hearth } from '../../../app/core/index.js';
import { parseJsonText } from '../../../app/core/reports/index.js';
import { failureOf, openTempHearth, rpcCall } from '../../fixtures/hearth-runner.js';

let opened: Awaited<ReturnType<typeof openTempHearth>>;
let hearth: Hearth;
let spaceId: string;

beforeEach(async () => {
  opened = await openTempHearth('Work');
  ({ hearth, spaceId } = opened);
});
afterEach(async () => {
  await hearth.dispose();
  await opened.temp.cleanup();
});

const risks = JSON.stringify({ type: 'object', required: ['risks'], properties: { risks: { type: 'array', items: { type: 'string' } } } }, null, 2);

describe('report templates', () => {
  it("lists Hearth's own, with what each renders to and whether it can be made without a model", async () => {
    const { templates, problems } = await rpcCall(hearth, 'reports.templates', { spaceId });
    expect(problems).toEqual([]);
    expect(templates.map((template) => [template.id, template.builtIn, template.extractive])).toEqual([
      ['report', true, true],
      ['summary', true, true],
      ['meeting-agenda', true, false],
      ['milestone-plan', true, false],
    ]);
    expect(templates.find((template) => template.id === 'milestone-plan')!.formats).toContain('ics');
    expect(templates.find((template) => template.id === 'summary')!.formats).not.toContain('ics');
    const summary = templates.find((template) => template.id === 'summary')!.jsonSchema as { properties: { keyPoints: { description: string } } };
    expect(summary.properties.keyPoints.description).toBe('The key points, most important first.');
  });

  it('adds a user template to the space, refuses a second one by that name, and removes it', async () => {
    const added = await rpcCall(hearth, 'reports.addTemplate', { spaceId, name: 'Risks', description: 'The risks the documents name.', schemaText: risks });
    expect(added).toMatchObject({ name: 'Risks', builtIn: false, extractive: false, formats: ['markdown', 'docx', 'pptx', 'json'], jsonSchema: JSON.parse(risks) });
    expect((await rpcCall(hearth, 'reports.templates', { spaceId })).templates.map((template) => template.name)).toEqual(['Report', 'Summary', 'Meeting agenda', 'Milestone plan', 'Risks']);
    const other = hearth.spaces.create('Other').id;
    expect((await rpcCall(hearth, 'reports.templates', { spaceId: other })).templates).toHaveLength(4);

    expect((await failureOf(rpcCall(hearth, 'reports.addTemplate', { spaceId, name: 'risks', schemaText: risks }))).code).toBe('ALREADY_EXISTS');
    expect((await failureOf(rpcCall(hearth, 'reports.addTemplate', { spaceId, name: 'Summary', schemaText: risks }))).code).toBe('ALREADY_EXISTS');
    expect((await failureOf(rpcCall(hearth, 'reports.removeTemplate', { spaceId, templateId: 'summary' }))).code).toBe('BAD_REQUEST');
    // A template of another space is not this one's to remove.
    expect((await failureOf(rpcCall(hearth, 'reports.removeTemplate', { spaceId: other, templateId: added.id }))).code).toBe('NOT_FOUND');
    await rpcCall(hearth, 'reports.removeTemplate', { spaceId, templateId: added.id });
    expect((await rpcCall(hearth, 'reports.templates', { spaceId })).templates).toHaveLength(4);
  });

  it('names a JSON syntax error by its line and column', async () => {
    const text = '{\n  "type": "object",\n  "properties": {\n    "risks": { "type": "array", }\n  }\n}';
    const failure = await failureOf(rpcCall(hearth, 'reports.addTemplate', { spaceId, name: 'Risks', schemaText: text }));
    expect(failure.code).toBe('SCHEMA_INVALID');
    expect(failure.message).toBe('The schema is not valid JSON: line 4, column 33: expected another key after the comma (JSON allows no trailing comma), found "}".');
    expect(failure.details).toEqual({ line: 4, column: 33 });
  });

  it('says where text nested past any schema stops being JSON, instead of running out of stack', async () => {
    const failure = await failureOf(rpcCall(hearth, 'reports.addTemplate', { spaceId, name: 'Deep', schemaText: '['.repeat(200_000) }));
    expect(failure.code).toBe('SCHEMA_INVALID');
    expect(failure.message).toBe('The schema is not valid JSON: line 1, column 501: expected at most 500 levels of nesting, found "[".');
  });

  it('names the pointer of a schema that is not a JSON Schema, or that no value satisfies', async () => {
    const notSchema = await failureOf(rpcCall(hearth, 'reports.addTemplate', { spaceId, name: 'Bad', schemaText: '{"type": "object", "properties": {"due": {"type": "dat"}}}' }));
    expect(notSchema.code).toBe('SCHEMA_INVALID');
    expect((notSchema.details as { pointer: string }).pointer).toMatch(/^\/properties\/due/);
    expect(notSchema.message).toMatch(/^The schema cannot be used: at \/properties\/due/);

    const unsatisfiable = await failureOf(rpcCall(hearth, 'reports.addTemplate', { spaceId, name: 'Never', schemaText: '{"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "minItems": 3, "maxItems": 1}}}' }));
    expect(unsatisfiable.code).toBe('SCHEMA_INVALID');
    expect((unsatisfiable.details as { pointer: string }).pointer).toBe('/properties/items/minItems');
    expect(unsatisfiable.message).toBe('The schema cannot be used: at /properties/items/minItems: No value can satisfy this: minItems 3 is above maxItems 1.');
    expect((await rpcCall(hearth, 'reports.templates', { spaceId })).templates).toHaveLength(4);
  });

  it('offers the template files of <dataDir>/templates in every space, and lists a broken one with its line', async () => {
    const folder = path.join(hearth.dataDir, 'templates');
    await mkdir(folder);
    await writeFile(path.join(folder, 'weekly.json'), JSON.stringify({ name: 'Weekly status', description: 'Done, doing, blocked.', schema: JSON.parse(risks) }));
    await writeFile(path.join(folder, 'broken.json'), '{\n  "name": "Broken",\n  "schema": { "type": "object" \n}\n');
    await writeFile(path.join(folder, 'no-name.json'), JSON.stringify({ schema: { type: 'object' } }));
    await writeFile(path.join(folder, 'notes.txt'), 'not a template');

    const other = hearth.spaces.create('Other').id;
    for (const space of [spaceId, other]) {
      const { templates, problems } = await rpcCall(hearth, 'reports.templates', { spaceId: space });
      expect(templates.at(-1)).toMatchObject({ id: 'file:weekly', name: 'Weekly status', description: 'Done, doing, blocked.', builtIn: false });
      expect(templates).toHaveLength(5);
      expect(problems).toEqual([
        { file: 'broken.json', line: 5, message: 'Not valid JSON at line 5, column 1: expected "," or "}" after the value, found the end of the text.' },
        { file: 'no-name.json', message: expect.stringMatching(/^A template file holds \{ "name": "…".*: "name" /) },
      ]);
    }
    expect((await failureOf(rpcCall(hearth, 'reports.removeTemplate', { spaceId, templateId: 'file:weekly' }))).message).toContain('remove the file');
  });
});

describe('JSON text', () => {
  it.each([
    ['{"a": 1', 1, 8, 'expected "," or "}" after the value, found the end of the text'],
    ['{"a": tru}', 1, 7, 'expected a value (true?), found "t"'],
    ["{'a': 1}", 1, 2, 'expected a key in double quotes, found "\'"'],
    ['[1, 2,\n]', 2, 1, 'expected another item after the comma (JSON allows no trailing comma), found "]"'],
    ['{"a": "b\\q"}', 1, 10, 'expected one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u, found "q"'],
    ['{} {}', 1, 4, 'expected nothing more after the value, found "{"'],
  ])('names where %j stops being JSON', (text, line, column, message) => {
    expect(parseJsonText(text)).toEqual({ ok: false, problem: { line, column, message } });
  });

  it('reads JSON as JSON.parse does', () => {
    expect(parseJsonText('{"a": [1, "x", null, true]}')).toEqual({ ok: true, value: { a: [1, 'x', null, true] } });
  });
});
