// The tool envelope as one compiled grammar: each tool's own schema (with its $defs and recursive $refs)
// moved under the envelope's $defs, so a call is held to that tool's input and an answer to the format.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileJsonSchemaGrammar } from '../../../app/core/sgr/index.js';
import { envelopeJsonSchema, type EnvelopeTool } from '../../../app/workers/llm/tool-envelope.js';
import { GrammarEngine, misjudged } from '../../fixtures/grammar-engine.js';

let engine: GrammarEngine;
beforeAll(async () => {
  engine = await GrammarEngine.open();
});
afterAll(async () => {
  await engine?.dispose();
});

const tool = (name: string, inputSchema: Record<string, unknown>): EnvelopeTool => ({ name, inputSchema, documented: { type: 'object' } });

describe('the tool envelope grammar', () => {
  const outline = tool('save_outline', {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $defs: { heading: { type: 'object', properties: { title: { type: 'string', maxLength: 8 }, below: { type: 'array', items: { $ref: '#/$defs/heading' } } }, required: ['title'], additionalProperties: false } },
    $ref: '#/$defs/heading',
  });
  const note = tool('add_note', { type: 'object', properties: { text: { type: 'string' }, urgent: { type: 'boolean' } }, required: ['text'], additionalProperties: false });

  it("holds a call to each tool's own input, its $refs rebased, and an answer of the format", async () => {
    const schema = envelopeJsonSchema([outline, note], { type: 'object', properties: { n: { type: 'integer', minimum: 1, maximum: 3 } }, required: ['n'], additionalProperties: false });
    const { gbnf, unsupported } = compileJsonSchemaGrammar(schema);
    expect(unsupported).toEqual([]);
    expect(
      await misjudged(engine, gbnf, {
        accepts: [
          { tool: 'save_outline', input: { title: 'Plan', below: [{ title: 'Step 1' }, { title: 'Step 2', below: [] }] } },
          { tool: 'add_note', input: { text: 'milk', urgent: true } },
          { answer: { n: 2 } },
        ],
        rejects: [
          { tool: 'save_outline', input: { title: 'A very long title' } },
          { tool: 'add_note', input: { title: 'Plan' } },
          { tool: 'other', input: {} },
          { answer: { n: 4 } },
          { answer: 'text' },
        ],
      }),
    ).toEqual([]);
  });

  it('offers no answer when a call is required', async () => {
    const { gbnf } = compileJsonSchemaGrammar(envelopeJsonSchema([note], undefined));
    expect(await misjudged(engine, gbnf, { accepts: [{ tool: 'add_note', input: { text: 'x' } }], rejects: [{ answer: 'hello' }] })).toEqual([]);
  });
});
