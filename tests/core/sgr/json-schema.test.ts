// Schemas checked before use (with the pointer of each problem) and values validated by ajv, in the two
// dialects Hearth reads (2020-12 and draft-07) with formats.
import { describe, expect, it } from 'vitest';
import { checkJsonSchema, jsonValidator } from '../../../app/core/sgr/index.js';

describe('checkJsonSchema', () => {
  it('accepts usable schemas, zod-made and hand-written, in both dialects', () => {
    expect(checkJsonSchema({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { a: { type: 'string' } }, required: ['a'] })).toEqual([]);
    expect(checkJsonSchema({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'array', items: [{ type: 'string' }], additionalItems: false })).toEqual([]);
    expect(checkJsonSchema(true)).toEqual([]);
  });

  it('names what is not a JSON Schema, by pointer', () => {
    expect(checkJsonSchema({ type: 'object', properties: { age: { type: 'integr' } } })).toEqual([
      expect.objectContaining({ pointer: '/properties/age/type', message: expect.stringContaining('not a valid JSON Schema') }),
    ]);
    expect(checkJsonSchema({ properties: { a: { minLength: -1 } } })[0]).toMatchObject({ pointer: '/properties/a/minLength' });
    expect(checkJsonSchema([1, 2])).toEqual([expect.objectContaining({ pointer: '' })]);
  });

  it('names a $ref that points at nothing and a pattern that is not a regex', () => {
    expect(checkJsonSchema({ properties: { a: { $ref: '#/$defs/nowhere' } } })).toEqual([expect.objectContaining({ pointer: '/properties/a/$ref', keyword: '$ref' })]);
    expect(checkJsonSchema({ properties: { code: { type: 'string', pattern: '^[a-z' } } })).toEqual([expect.objectContaining({ pointer: '/properties/code/pattern', keyword: 'pattern' })]);
  });

  it('names schemas no value can satisfy', () => {
    expect(checkJsonSchema({ type: 'array', minItems: 3, maxItems: 1 })).toEqual([expect.objectContaining({ pointer: '/minItems', keyword: 'minItems' })]);
    expect(checkJsonSchema({ type: 'object', properties: { a: { type: 'integer' } }, required: ['a', 'b'], additionalProperties: false })).toEqual([
      expect.objectContaining({ pointer: '/required/1' }),
    ]);
    expect(checkJsonSchema({ type: 'object', properties: { n: { type: 'integer', minimum: 2, maximum: 1 } }, required: ['n'] })[0]).toMatchObject({ pointer: '/properties/n/minimum' });
    // Found by the compiler: an enum with nothing of the asked type, and allOf parts that never meet.
    expect(checkJsonSchema({ type: 'object', properties: { c: { type: 'string', enum: [1, 2] } }, required: ['c'] })).toEqual([expect.objectContaining({ pointer: '/properties/c' })]);
    expect(checkJsonSchema({ allOf: [{ type: 'string' }, { type: 'null' }] })[0]!.message).toMatch(/No value can satisfy/);
    // An impossible optional key only means the key cannot be there.
    expect(checkJsonSchema({ type: 'object', properties: { n: { type: 'string', minLength: 3, maxLength: 1 } } })).toEqual([]);
  });

  it('refuses schemas past the size limits, saying the limit', () => {
    const big = { type: 'object', properties: Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`field${i}`, { type: 'string', description: 'x'.repeat(20) }])) };
    expect(checkJsonSchema(big, { maxBytes: 10_000 })).toEqual([expect.objectContaining({ pointer: '', keyword: 'size', message: expect.stringContaining('limit is 10000') })]);
    expect(checkJsonSchema(big, { maxRules: 50 })).toEqual([expect.objectContaining({ keyword: 'size', message: expect.stringContaining('50 grammar rules') })]);
  });
});

describe('jsonValidator', () => {
  it('reports each problem with the pointer into the value', () => {
    const validate = jsonValidator({
      type: 'object',
      properties: { name: { type: 'string' }, tags: { type: 'array', items: { enum: ['a', 'b'] } }, when: { type: 'string', format: 'date' } },
      required: ['name'],
      additionalProperties: false,
    });
    expect(validate({ name: 'x', tags: ['a'], when: '2024-02-29' })).toEqual([]);
    expect(validate({ tags: ['c'], when: '2026-02-30', extra: 1 })).toEqual(
      expect.arrayContaining([
        { pointer: '/name', message: 'is required but missing' },
        { pointer: '/extra', message: 'is not allowed here (no such property in the schema)' },
        { pointer: '/tags/0', message: 'must be equal to one of the allowed values: "a", "b"' },
        { pointer: '/when', message: 'must match format "date"' },
      ]),
    );
  });

  it('reads draft-07 tuples and 2020-12 prefixItems each by its own rules, and draft-04 bounds', () => {
    expect(jsonValidator({ $schema: 'http://json-schema.org/draft-07/schema#', items: [{ type: 'string' }], additionalItems: false })(['a', 'b'])).toHaveLength(1);
    expect(jsonValidator({ prefixItems: [{ type: 'string' }], items: false })(['a'])).toEqual([]);
    expect(jsonValidator({ $schema: 'http://json-schema.org/draft-04/schema#', type: 'number', minimum: 1, exclusiveMinimum: true })(1)).toHaveLength(1);
  });

  it('keeps two schemas with the same $id apart', () => {
    const a = jsonValidator({ $id: 'https://example.com/thing', type: 'string' });
    const b = jsonValidator({ $id: 'https://example.com/thing', type: 'number' });
    expect([a('x'), b(1)]).toEqual([[], []]);
  });
});
