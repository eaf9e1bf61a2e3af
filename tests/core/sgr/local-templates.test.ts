// The tiny random-weight GGUF, through Hearth's local model (worker, response format → compiled grammar),
// writes output that validates for every built-in report template, 20 times out of 20: ajv against the
// template's JSON Schema, and zod's template on everything but its semantic checks (a participant who owns
// an item, dependencies that exist) — those need a model that reads the passages, and are the repair loop's
// to fix (tests/core/sgr/repair.test.ts), not a grammar's.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtInTemplateIds, builtInTemplates } from '../../../schemas/reports/index.js';
import { LocalLlamaChatModel } from '../../../app/core/models/local-llama.js';
import { completeChat } from '../../../app/core/models/types.js';
import { checkJsonSchema, jsonValidator, type JsonSchema } from '../../../app/core/sgr/index.js';
import { writeTinyLlama } from '../../fixtures/models/tiny-llama.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';

const runs = 20;
const evidenceCount = 6;

describe('built-in templates on the local model', () => {
  let cleanup: () => Promise<void>;
  let model: LocalLlamaChatModel;

  beforeAll(async () => {
    const temp = await makeTempDir('hearth-sgr-templates-');
    cleanup = temp.cleanup;
    const file = path.join(temp.dir, 'tiny-llama.gguf');
    // A long context: random weights fill most strings to their maxLength (they rarely pick the closing
    // quote) and a Report may have up to 12 sections of 20 claims of 1,200 characters, so a reply can run to
    // tens of thousands of tokens; the budget must not be what fails it.
    await writeTinyLlama(file, { seed: 7, contextLength: 40_000 });
    model = await LocalLlamaChatModel.load({ kind: 'local', path: 'tiny-llama.gguf', absolutePath: file, format: 'gguf' }, { threads: 1, sequences: 1, contextSize: 40_000 });
  });

  afterAll(async () => {
    await model?.dispose();
    await cleanup?.();
  });

  for (const id of builtInTemplateIds) {
    it(`${id}: ${runs} of ${runs} replies validate, and the grammar holds the whole template`, async () => {
      const template = builtInTemplates[id].schema({ evidenceCount, today: '2026-12-02' });
      const schema = z.toJSONSchema(template) as JsonSchema;
      expect(checkJsonSchema(schema)).toEqual([]);
      const validate = jsonValidator(schema);
      const lengths: number[] = [];
      let semantic = 0;
      for (let seed = 0; seed < runs; seed++) {
        const reply = await completeChat(model, {
          messages: [{ role: 'user', content: `Write the ${builtInTemplates[id].name} as JSON.` }],
          responseFormat: { schema },
          // Greedy decoding with random weights loops inside the grammar; sampling does not.
          temperature: 0.8,
          seed,
          maxTokens: 38_000,
        });
        expect(reply.warnings, `seed ${seed}`).toEqual([]);
        expect(reply.finishReason, `seed ${seed}: ${reply.text.slice(-200)}`).toBe('stop');
        const value: unknown = JSON.parse(reply.text);
        expect(validate(value), `seed ${seed}`).toEqual([]);
        const parsed = template.safeParse(value);
        const structural = parsed.success ? [] : parsed.error.issues.filter((issue) => issue.code !== 'custom');
        expect(structural, `seed ${seed}`).toEqual([]);
        if (!parsed.success) semantic++;
        lengths.push(reply.usage.completionTokens);
      }
      console.log(`${id}: completion tokens per reply, median ${lengths.sort((a, b) => a - b)[runs / 2]}, max ${lengths[runs - 1]}; zod's semantic checks failed in ${semantic} of ${runs}`);
    }, 600_000);
  }
});
