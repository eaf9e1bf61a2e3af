// The schema compiler, keyword group by keyword group: each compiled grammar is parsed by llama.cpp and
// stepped over JSON texts the schema accepts (all must pass) and texts it rejects (all must be refused).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HearthError } from '../../../schemas/index.js';
import { compileJsonSchemaGrammar, inSchemaOrder, jsonValidator, type JsonSchema } from '../../../app/core/sgr/index.js';
import { GrammarEngine, expectLanguage as expectGrammarLanguage, misjudged } from '../../fixtures/grammar-engine.js';

let engine: GrammarEngine;
beforeAll(async () => {
  engine = await GrammarEngine.open();
});
afterAll(async () => {
  await engine?.dispose();
});

const expectLanguage = (schema: JsonSchema | boolean, cases: { accepts: unknown[]; rejects: unknown[] }) => expectGrammarLanguage(engine, schema, cases);

describe('types, enum and const', () => {
  it('holds a single type and a list of types', async () => {
    await expectLanguage({ type: 'integer' }, { accepts: [0, -7, 12345], rejects: [1.5, '1', null, true] });
    await expectLanguage({ type: 'number' }, { accepts: [0, -0.25, 3e-7, 1e21], rejects: ['1', [], {}] });
    await expectLanguage({ type: ['string', 'null'] }, { accepts: ['x', '', null, 'quote " and \\ and \n'], rejects: [0, false, {}] });
    await expectLanguage({ type: 'boolean' }, { accepts: [true, false], rejects: ['true', 0] });
    expect(await expectLanguage(true, { accepts: [{ a: [1, 'x', null] }, 'text', 3], rejects: [] })).toEqual([]);
  });

  it('holds enum and const, across types, objects included', async () => {
    await expectLanguage({ enum: ['red', 2, null, { a: 1 }] }, { accepts: ['red', 2, null, { a: 1 }], rejects: ['blue', 3, { a: 2 }] });
    await expectLanguage({ const: 'fixed' }, { accepts: ['fixed'], rejects: ['fixe', 'fixedd'] });
    await expectLanguage({ type: 'string', enum: ['a', 1] }, { accepts: ['a'], rejects: [1] });
  });

  it('refuses an enum no value of the type can meet, naming where', () => {
    expect(() => compileJsonSchemaGrammar({ properties: { n: { type: 'integer', enum: ['one'] } }, required: ['n'] })).toThrow(
      expect.objectContaining({ code: 'SCHEMA_INVALID', details: { pointer: '/properties/n' } }),
    );
  });
});

describe('objects', () => {
  const person: JsonSchema = {
    type: 'object',
    properties: { name: { type: 'string' }, age: { type: 'integer' }, email: { type: 'string' } },
    required: ['age'],
    additionalProperties: false,
  };

  it('writes required keys always and optional ones when present, in the schema order', async () => {
    await expectLanguage(person, {
      accepts: [{ age: 3 }, { name: 'Ann', age: 3 }, { age: 3, email: 'a' }, { name: 'Ann', age: 3, email: 'a' }],
      rejects: [{}, { name: 'Ann' }, { age: 3, extra: 1 }, { age: '3' }],
    });
    // Key order is the schema's: the model writes it that way; ajv does not care.
    const grammar = await engine.parse(compileJsonSchemaGrammar(person).gbnf);
    expect(engine.acceptsText(grammar, '{"age":3,"name":"Ann"}')).toBe(false);
  });

  it('puts a value written elsewhere in the order the grammar writes, through $refs and anyOf', async () => {
    const schema: JsonSchema = {
      $defs: { point: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } }, required: ['x', 'y'], additionalProperties: false } },
      type: 'object',
      properties: { name: { type: 'string' }, at: { anyOf: [{ type: 'null' }, { $ref: '#/$defs/point' }] }, tags: { type: 'array', items: { $ref: '#/$defs/point' } } },
      required: ['name'],
      additionalProperties: false,
    };
    const value = { tags: [{ y: 2, x: 1 }], at: { y: 4, x: 3 }, name: 'n' };
    const ordered = inSchemaOrder(value, schema);
    expect(JSON.stringify(ordered)).toBe('{"name":"n","at":{"x":3,"y":4},"tags":[{"x":1,"y":2}]}');
    expect(await misjudged(engine, compileJsonSchemaGrammar(schema).gbnf, { accepts: [ordered], rejects: [value] })).toEqual([]);
  });

  it('treats additionalProperties true, false and a schema as JSON Schema does', async () => {
    await expectLanguage({ type: 'object', properties: { a: { type: 'integer' } }, additionalProperties: true }, { accepts: [{}, { a: 1 }, { a: 1, b: [true] }, { b: 'x' }], rejects: [[], 'a'] });
    await expectLanguage({ type: 'object', additionalProperties: false }, { accepts: [{}], rejects: [{ a: 1 }] });
    await expectLanguage(
      { type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: { type: 'number' } },
      { accepts: [{ id: 'x' }, { id: 'x', score: 1.5, n: 2 }], rejects: [{ id: 'x', score: 'high' }, { score: 1 }] },
    );
    // Further keys are any string, listed names included: {"a":"x"} passes the grammar as an extra key, and
    // validation refuses it (the grammar is wider than the schema, never narrower).
    const open = await engine.parse(compileJsonSchemaGrammar({ type: 'object', properties: { a: { type: 'integer' } }, additionalProperties: true }).gbnf);
    expect([engine.acceptsText(open, '{"a":"x"}'), jsonValidator({ properties: { a: { type: 'integer' } } })({ a: 'x' })]).toEqual([true, [{ pointer: '/a', message: 'must be integer' }]]);
  });

  it('writes only the listed keys when additionalProperties is not given, unless asked to follow JSON Schema', async () => {
    const loose: JsonSchema = { type: 'object', properties: { a: { type: 'integer' } } };
    expect(await misjudged(engine, compileJsonSchemaGrammar(loose).gbnf, { accepts: [{}, { a: 1 }], rejects: [{ b: 'x' }, { a: 1, b: 2 }] })).toEqual([]);
    expect(await misjudged(engine, compileJsonSchemaGrammar(loose, { extraKeys: 'schema' }).gbnf, { accepts: [{}, { a: 1 }, { b: 'x' }, { a: 1, b: 2 }], rejects: [[], 'text'] })).toEqual([]);
    // An object that lists nothing is any object either way.
    expect(await misjudged(engine, compileJsonSchemaGrammar({ type: 'object' }).gbnf, { accepts: [{}, { b: [1] }], rejects: [[]] })).toEqual([]);
  });

  it('refuses a schema whose required key is forbidden', () => {
    expect(() => compileJsonSchemaGrammar({ type: 'object', properties: { a: false }, required: ['a'] })).toThrow(HearthError);
  });
});

describe('arrays', () => {
  it('holds items with minItems and maxItems', async () => {
    await expectLanguage({ type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: 3 }, { accepts: [[1], [1, 2, 3]], rejects: [[], [1, 2, 3, 4], ['a']] });
    await expectLanguage({ type: 'array', maxItems: 0 }, { accepts: [[]], rejects: [[1]] });
    await expectLanguage({ type: 'array', items: { type: 'string' }, minItems: 2 }, { accepts: [['a', 'b'], ['a', 'b', 'c', 'd']], rejects: [['a']] });
  });

  it('holds prefixItems (2020-12) and draft-07 tuples with additionalItems', async () => {
    await expectLanguage(
      { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false },
      { accepts: [[], ['a'], ['a', 1]], rejects: [[1], ['a', 1, 2]] },
    );
    await expectLanguage(
      { $schema: 'http://json-schema.org/draft-07/schema#', type: 'array', items: [{ type: 'boolean' }], additionalItems: { type: 'null' }, minItems: 2 },
      { accepts: [[true, null], [false, null, null]], rejects: [[true], [true, 1]] },
    );
  });
});

describe('anyOf, oneOf, allOf', () => {
  it('holds alternatives, with the sibling keywords applied to each', async () => {
    await expectLanguage({ anyOf: [{ type: 'string', maxLength: 2 }, { type: 'integer' }] }, { accepts: ['ab', 7], rejects: ['abc', 1.5] });
    await expectLanguage(
      { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'integer' } }, additionalProperties: false, anyOf: [{ required: ['a'] }, { required: ['b'] }] },
      { accepts: [{ a: 1 }, { b: 2 }, { a: 1, b: 2 }], rejects: [{}] },
    );
  });

  it('says when oneOf exclusivity is left to validation, and not when the alternatives cannot overlap', () => {
    expect(compileJsonSchemaGrammar({ oneOf: [{ type: 'string' }, { type: 'integer' }] }).unsupported).toEqual([]);
    expect(compileJsonSchemaGrammar({ oneOf: [{ type: 'integer', maximum: 5 }, { type: 'integer', minimum: 3 }] }).unsupported).toEqual([
      expect.objectContaining({ pointer: '/oneOf', keyword: 'oneOf' }),
    ]);
  });

  it('merges allOf: properties joined, required joined, bounds tightened, closed objects respected', async () => {
    await expectLanguage(
      {
        allOf: [
          { type: 'object', properties: { id: { type: 'integer', minimum: 0 }, note: { type: 'string' } }, required: ['id'] },
          { properties: { id: { maximum: 9 }, tag: { type: 'string' } }, required: ['tag'], additionalProperties: false },
        ],
      },
      // The second part is closed: `note`, listed only by the first, is a key it forbids.
      { accepts: [{ id: 0, tag: 'x' }, { id: 9, tag: '' }], rejects: [{ id: 10, tag: 'x' }, { id: 1 }, { tag: 'x' }, { id: -1, tag: 'x' }, { id: 1, note: 'n', tag: 'x' }] },
    );
    // additionalProperties beside allOf sees only its own `properties` (none here): every key is extra.
    expect(() => compileJsonSchemaGrammar({ allOf: [{ properties: { id: {} }, required: ['id'] }], additionalProperties: false })).toThrow(/"id" is not allowed/);
    expect(() => compileJsonSchemaGrammar({ allOf: [{ type: 'string' }, { type: 'integer' }] })).toThrow(expect.objectContaining({ code: 'SCHEMA_INVALID' }));
  });
});

describe('$ref and $defs', () => {
  it('resolves local references, definitions and $defs alike', async () => {
    await expectLanguage(
      { $defs: { id: { type: 'integer', minimum: 1 } }, definitions: { name: { type: 'string', minLength: 1 } }, type: 'object', properties: { id: { $ref: '#/$defs/id' }, name: { $ref: '#/definitions/name' } }, required: ['id', 'name'], additionalProperties: false },
      { accepts: [{ id: 1, name: 'a' }], rejects: [{ id: 0, name: 'a' }, { id: 1, name: '' }] },
    );
  });

  it('compiles a recursive schema into recursive rules', async () => {
    const tree: JsonSchema = {
      $defs: { node: { type: 'object', properties: { value: { type: 'integer' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } }, required: ['value'], additionalProperties: false } },
      $ref: '#/$defs/node',
    };
    await expectLanguage(tree, {
      accepts: [{ value: 1 }, { value: 1, children: [] }, { value: 1, children: [{ value: 2, children: [{ value: 3 }] }] }],
      rejects: [{ value: 1, children: [{ children: [] }] }, { value: 1, children: [{ value: 'x' }] }],
    });
    await expectLanguage({ type: 'array', items: { anyOf: [{ type: 'integer' }, { $ref: '#' }] } }, { accepts: [[1, [2, [3]], []]], rejects: [[1, ['x']]] });
  });

  it('refuses a reference that points at nothing, or loops before writing anything', () => {
    expect(() => compileJsonSchemaGrammar({ properties: { a: { $ref: '#/$defs/missing' } } })).toThrow(
      expect.objectContaining({ code: 'SCHEMA_INVALID', details: { pointer: '/properties/a/$ref' } }),
    );
    expect(() => compileJsonSchemaGrammar({ $defs: { a: { anyOf: [{ $ref: '#/$defs/a' }, { type: 'null' }] } }, $ref: '#/$defs/a' })).toThrow(/refers back to itself/);
  });
});

describe('what the grammar cannot hold', () => {
  it('names each such keyword with its pointer, and stays within the rule limit', () => {
    const { unsupported } = compileJsonSchemaGrammar({
      type: 'object',
      properties: { tags: { type: 'array', items: { type: 'string' }, uniqueItems: true }, n: { type: 'integer', multipleOf: 5 }, x: { not: { type: 'null' } } },
      minProperties: 1,
    });
    expect(unsupported.map((problem) => `${problem.keyword} ${problem.pointer}`).sort()).toEqual([
      'minProperties /minProperties',
      'multipleOf /properties/n/multipleOf',
      'not /properties/x/not',
      'uniqueItems /properties/tags/uniqueItems',
    ]);
    const wide: JsonSchema = { type: 'object', properties: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, { type: 'string', maxLength: i + 1 }])) };
    expect(() => compileJsonSchemaGrammar(wide, { maxRules: 100 })).toThrow(expect.objectContaining({ code: 'SCHEMA_TOO_LARGE' }));
  });
});
