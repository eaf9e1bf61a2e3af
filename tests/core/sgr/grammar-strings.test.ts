// The schema compiler on strings and numbers: lengths, patterns (the regular subset), formats and
// integer bounds, each grammar parsed by llama.cpp and stepped over texts the schema accepts and rejects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileJsonSchemaGrammar, type JsonSchema } from '../../../app/core/sgr/index.js';
import { GrammarEngine, expectLanguage as expectGrammarLanguage } from '../../fixtures/grammar-engine.js';

let engine: GrammarEngine;
beforeAll(async () => {
  engine = await GrammarEngine.open();
});
afterAll(async () => {
  await engine?.dispose();
});

const expectLanguage = (schema: JsonSchema | boolean, cases: { accepts: unknown[]; rejects: unknown[] }) => expectGrammarLanguage(engine, schema, cases);

describe('string lengths', () => {
  it('counts characters, not the bytes or escapes that spell them', async () => {
    const unsupported = await expectLanguage({ type: 'string', minLength: 2, maxLength: 3 }, { accepts: ['ab', 'abc', 'é"', '\n\t', '日本語', 'a😀'], rejects: ['a', 'abcd', ''] });
    expect(unsupported).toEqual([]);
  });

  it('holds lengths past what llama.cpp repeats in one go (it quietly unbounds counts over 2000)', async () => {
    await expectLanguage({ type: 'string', minLength: 2500, maxLength: 4500 }, { accepts: ['a'.repeat(2500), 'b'.repeat(3999), 'c'.repeat(4500)], rejects: ['a'.repeat(2499), 'a'.repeat(4501)] });
    await expectLanguage({ type: 'array', items: { type: 'boolean' }, maxItems: 2100 }, { accepts: [Array(2100).fill(true), []], rejects: [Array(2101).fill(false)] });
  });
});

describe('patterns', () => {
  it('holds anchored patterns with classes, groups, alternation and counted repeats', async () => {
    await expectLanguage({ type: 'string', pattern: '^M[0-9]{1,3}$' }, { accepts: ['M1', 'M999'], rejects: ['M', 'M1000', 'm1', 'xM1'] });
    await expectLanguage({ type: 'string', pattern: '^(?:[A-Z]{2}-)?\\d+(\\.\\d+)*$' }, { accepts: ['1', 'AB-1.2.3'], rejects: ['A-1', '1.', 'AB-'] });
    await expectLanguage({ type: 'string', pattern: '^(cat|dog)s?$' }, { accepts: ['cat', 'dogs'], rejects: ['cow', 'cats!'] });
    // Repeats inside repeats: each repeated group is its own rule, so llama.cpp's product limit is never hit.
    await expectLanguage({ type: 'string', pattern: '^([a-z]{1,100}-){1,30}$' }, { accepts: ['a-', 'ab-cd-', `${'x'.repeat(100)}-`.repeat(30)], rejects: ['-', 'a', `${'x'.repeat(101)}-`, 'a-'.repeat(31)] });
    await expectLanguage({ type: 'string', pattern: '^[^\\s"]+$' }, { accepts: ['a\\b', 'x/y'], rejects: ['a b', 'say "hi"', ''] });
  });

  it('holds a repeated class and the lengths beside it in one repetition, and names lengths it cannot join', async () => {
    const held = await expectLanguage({ type: 'string', pattern: '^[A-Z]+$', maxLength: 6 }, { accepts: ['A', 'ABCDEF'], rejects: ['', 'ABCDEFG', 'abc'] });
    expect(held).toEqual([]);
    await expectLanguage({ type: 'string', pattern: '^\\d{2,8}$', minLength: 4 }, { accepts: ['1234', '12345678'], rejects: ['123', '123456789'] });
    expect(compileJsonSchemaGrammar({ type: 'string', pattern: '^a+b$', maxLength: 3 }).unsupported).toEqual([expect.objectContaining({ keyword: 'maxLength', pointer: '/maxLength' })]);
  });

  it('searches anywhere when the pattern is not anchored, as JSON Schema does', async () => {
    await expectLanguage({ type: 'string', pattern: 'ab+c' }, { accepts: ['abc', 'xxabbbcyy'], rejects: ['ac', 'abx'] });
    await expectLanguage({ type: 'string', pattern: '^https?://' }, { accepts: ['http://x', 'https://a.b/c?d'], rejects: ['ftp://x', ' http://x'] });
  });

  it('leaves what is not regular to validation, and says so', () => {
    for (const pattern of ['^(?=.*\\d).{8,}$', '^(a)\\1$', '\\bword\\b', '^\\p{L}+$']) {
      const { unsupported } = compileJsonSchemaGrammar({ type: 'object', properties: { p: { type: 'string', pattern } } });
      expect(unsupported, pattern).toEqual([expect.objectContaining({ pointer: '/properties/p/pattern', keyword: 'pattern' })]);
    }
  });
});

describe('formats', () => {
  it('holds date to real calendar days, leap years included', async () => {
    await expectLanguage({ type: 'string', format: 'date' }, {
      accepts: ['2026-12-02', '2024-02-29', '2000-02-29', '1999-04-30', '2026-01-31'],
      rejects: ['2026-02-29', '1900-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-1-01', '26-01-01'],
    });
  });

  it('holds time and date-time with their time zones', async () => {
    await expectLanguage({ type: 'string', format: 'time' }, { accepts: ['10:20:30Z', '23:59:59.123+02:00', '00:00:00-0530'], rejects: ['24:00:00Z', '10:60:00Z', '10:20:30', '1:20:30Z'] });
    await expectLanguage({ type: 'string', format: 'date-time' }, { accepts: ['2026-12-02T10:20:30Z', '2026-12-02 10:20:30.5+01:00'], rejects: ['2026-12-02', '2026-12-02T10:20:30', '2026-02-30T10:20:30Z'] });
  });

  it('holds email, uuid and ipv4 exactly, and uri in outline (said so)', async () => {
    await expectLanguage({ type: 'string', format: 'email' }, { accepts: ['ann@example.com', 'a.b+c@x-y.org'], rejects: ['ann', 'ann@', '@x.org', 'a@b_c.org'] });
    await expectLanguage({ type: 'string', format: 'uuid' }, { accepts: ['0c9b3a3e-1f2d-4e5f-8a9b-0c1d2e3f4a5b', 'urn:uuid:0C9B3A3E-1F2D-4E5F-8A9B-0C1D2E3F4A5B'], rejects: ['0c9b3a3e-1f2d-4e5f-8a9b', 'not-a-uuid'] });
    await expectLanguage({ type: 'string', format: 'ipv4' }, { accepts: ['127.0.0.1', '255.255.255.255', '10.0.0.0'], rejects: ['256.1.1.1', '1.2.3', '01.2.3.4'] });
    const uri = await expectLanguage({ type: 'string', format: 'uri' }, { accepts: ['https://example.com/a?b#c', 'mailto:ann@example.com'], rejects: ['no scheme', '1http://x'] });
    expect(uri).toEqual([expect.objectContaining({ keyword: 'format', pointer: '/format' })]);
  });

  it('names a format it does not compile', () => {
    expect(compileJsonSchemaGrammar({ type: 'string', format: 'hostname' }).unsupported).toEqual([expect.objectContaining({ keyword: 'format', pointer: '/format' })]);
  });
});

describe('numbers', () => {
  it('holds integer bounds digit by digit, inclusive and exclusive', async () => {
    await expectLanguage({ type: 'integer', minimum: 1, maximum: 240 }, { accepts: [1, 9, 10, 99, 100, 199, 239, 240], rejects: [0, 241, 300, 1000, -1] });
    await expectLanguage({ type: 'integer', minimum: -15, maximum: 7 }, { accepts: [-15, -9, -1, 0, 7], rejects: [-16, -20, 8, 10] });
    await expectLanguage({ type: 'integer', exclusiveMinimum: 99 }, { accepts: [100, 101, 999, 1000, 123456], rejects: [99, 0, -5] });
    await expectLanguage({ type: 'integer', maximum: -3 }, { accepts: [-3, -4, -100], rejects: [-2, 0, 5] });
    await expectLanguage({ type: 'integer', minimum: 1.5, maximum: 3.5 }, { accepts: [2, 3], rejects: [1, 4] });
  });

  it('holds minimum 0 on a number by its sign, and names the bounds it leaves to validation', async () => {
    expect(await expectLanguage({ type: 'number', minimum: 0 }, { accepts: [0, 0.5, 12, 1e-9], rejects: [-1, -0.5] })).toEqual([]);
    expect(compileJsonSchemaGrammar({ type: 'number', minimum: 0.5, maximum: 2 }).unsupported.map((problem) => problem.keyword)).toEqual(['minimum', 'maximum']);
  });
});
