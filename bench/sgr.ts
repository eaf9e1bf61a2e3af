/**
 * The schema compiler scored the way MaskBench (guidance-ai/jsonschemabench) scores engines, over a folder
 * of its layout (one JSON file per schema: `{ schema, tests: [{ valid, data }] }`), beside node-llama-cpp's
 * own JSON-Schema converter in the same run. Per schema: does it compile (Hearth: to GBNF, then parsed by
 * llama.cpp); is every valid instance accepted by the grammar, stepped token by token through llama.cpp's
 * grammar sampler the way decoding would write it; is every invalid instance rejected by grammar plus
 * validation (ajv). A schema passes when all three hold. Then decode speed with a grammar ÷ without, same
 * model and prompt. Prints figures only.
 *
 *   npm run bench:sgr -- <folder> [<folder>…] [--limit N] [--tokens 256]
 *
 * Instances are written compact with keys in the schema's order (inSchemaOrder): that is what a model
 * writes under either grammar, and JSON Schema does not care about key order.
 */
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LlamaChat, resolveChatWrapper, type LlamaGrammar } from 'node-llama-cpp';
import { z } from 'zod';
import { compileJsonSchemaGrammar, inSchemaOrder, jsonValidator, type JsonSchema } from '../app/core/sgr/index.js';
import { builtInTemplates } from '../schemas/reports/index.js';
import { GrammarEngine } from '../tests/fixtures/grammar-engine.js';
import { benchModel, median } from './bench-model.js';

interface Case {
  valid: boolean;
  data: unknown;
}
interface Tally {
  schemas: number;
  passed: number;
  compileErrors: number;
  /** Schemas with a valid instance refused (and how many instances). */
  validationErrors: number;
  validInstancesRefused: number;
  /** Schemas with an invalid instance let through by grammar and validation (and how many). */
  invalidationErrors: number;
  invalidInstancesPassed: number;
  /** Invalid instances the grammar alone rejects. */
  grammarRejects: number;
  invalidInstances: number;
  compileMs: number[];
  totalMs: number[];
}

const tally = (): Tally => ({
  schemas: 0, passed: 0, compileErrors: 0, validationErrors: 0, validInstancesRefused: 0, invalidationErrors: 0, invalidInstancesPassed: 0,
  grammarRejects: 0, invalidInstances: 0, compileMs: [], totalMs: [],
});

const { values: flags, positionals: folders } = parseArgs({ allowPositionals: true, options: { limit: { type: 'string' }, tokens: { type: 'string', default: '256' } } });
if (folders.length === 0) throw new Error('usage: npm run bench:sgr -- <folder of jsonschemabench schemas> [more folders] [--limit N]');

/** Valid instances Hearth's grammar refused, to print a few per folder. */
const refusals: string[] = [];
/** Invalid instances that grammar and validation both let through (ajv and the suite's validator disagree). */
const passedThrough: string[] = [];
const modelFile = await benchModel(25e6, 1);
const engine = await GrammarEngine.open({ vocabularyOf: modelFile });
console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores; Node ${process.versions.node}; vocabulary of ${path.basename(modelFile)}`);

for (const folder of folders) {
  const files = (await readdir(folder)).filter((name) => name.endsWith('.json')).sort();
  const chosen = flags.limit ? files.slice(0, Number(flags.limit)) : files;
  const hearth = tally();
  const exact = tally();
  const native = tally();
  const unsupportedKeywords = new Map<string, number>();
  const failures: string[] = [];
  let unvalidated = 0;
  for (const name of chosen) {
    const { schema, tests } = JSON.parse(await readFile(path.join(folder, name), 'utf8')) as { schema: JsonSchema; tests?: Case[] };
    const cases = tests ?? [];
    let validate: ((value: unknown) => unknown[]) | undefined;
    try {
      validate = jsonValidator(schema);
    } catch {
      validate = undefined; // ajv cannot read it (checkJsonSchema would refuse it): invalid instances rest on the grammar alone
      unvalidated++;
    }
    const texts = cases.map((test) => JSON.stringify(inSchemaOrder(test.data, schema)));

    // Hearth: JSON Schema → GBNF (timed alone and with llama.cpp's parse), as the local model gets it
    // (keys beyond the listed ones only when the schema says so) and to the letter of JSON Schema.
    for (const [into, extraKeys] of [[hearth, 'explicit'], [exact, 'schema']] as const) {
      let grammar: LlamaGrammar | undefined;
      const start = performance.now();
      try {
        const compiled = compileJsonSchemaGrammar(schema, { extraKeys });
        const compiledAt = performance.now();
        grammar = await engine.parse(compiled.gbnf);
        into.compileMs.push(compiledAt - start);
        into.totalMs.push(performance.now() - start);
        if (into === hearth) for (const problem of compiled.unsupported) unsupportedKeywords.set(problem.keyword ?? '?', (unsupportedKeywords.get(problem.keyword ?? '?') ?? 0) + 1);
      } catch (error) {
        if (into === hearth) failures.push(`${name}: ${(error as Error).message.slice(0, 160)}`);
      }
      score(into, grammar, cases, texts, validate, into === hearth ? name : undefined);
    }

    // node-llama-cpp's converter and parse, the same instances.
    let nativeGrammar: LlamaGrammar | undefined;
    const nativeStart = performance.now();
    try {
      nativeGrammar = await engine.llama.createGrammarForJsonSchema(schema as never);
      native.totalMs.push(performance.now() - nativeStart);
    } catch {
      nativeGrammar = undefined;
    }
    // Its grammars end in four newlines (its stop trigger, trimmed from the reply): the same text, so ended.
    score(native, nativeGrammar, cases, texts.map((text) => `${text}\n\n\n\n`), validate);
  }
  console.log('');
  console.log(`## ${folder} (${chosen.length} schemas)`);
  console.log('engine | pass | compile errors | schemas with a valid instance refused (instances) | schemas with an invalid instance let through (instances) | invalid rejected by the grammar alone | compile p50 / p75 / p99 ms');
  console.log('-------|------|----------------|------|------|------|------');
  row('Hearth (core/sgr), as the local model gets it', hearth, `${quantiles(hearth.compileMs)} (+ llama.cpp parse: ${quantiles(hearth.totalMs)})`);
  row('Hearth, extraKeys: schema (JSON Schema to the letter)', exact, `${quantiles(exact.compileMs)} (+ llama.cpp parse: ${quantiles(exact.totalMs)})`);
  row('node-llama-cpp 3.21 converter', native, `${quantiles(native.totalMs)} (convert + parse)`);
  console.log(`schemas ajv cannot compile (not valid JSON Schema by their meta-schema; Hearth's checkJsonSchema refuses them): ${unvalidated}`);
  console.log(`left to validation (keyword: schemas): ${[...unsupportedKeywords].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`);
  if (failures.length) console.log(`Hearth compile errors (first 10):\n  ${failures.slice(0, 10).join('\n  ')}`);
  if (passedThrough.length) console.log(`invalid instances let through by Hearth (first 10):\n  ${passedThrough.splice(0).slice(0, 10).join('\n  ')}`);
  if (refusals.length) console.log(`valid instances Hearth refused (first 10):\n  ${refusals.splice(0).slice(0, 10).join('\n  ')}`);
}

await decodeSpeed(Number(flags.tokens));
await engine.dispose();

function score(into: Tally, grammar: LlamaGrammar | undefined, cases: Case[], texts: string[], validate: ((value: unknown) => unknown[]) | undefined, name?: string): void {
  into.schemas++;
  if (!grammar) {
    into.compileErrors++;
    return;
  }
  let refused = 0;
  let letThrough = 0;
  cases.forEach((test, i) => {
    const accepted = accepts(grammar, texts[i]!);
    if (test.valid) {
      if (!accepted) {
        refused++;
        if (name) refusals.push(`${name}: ${texts[i]!.slice(0, 140)}`);
      }
      return;
    }
    into.invalidInstances++;
    if (!accepted) into.grammarRejects++;
    else if (!validate || validate(test.data).length === 0) {
      letThrough++;
      if (name) passedThrough.push(`${name}: ${texts[i]!.slice(0, 140)}`);
    }
  });
  into.validInstancesRefused += refused;
  into.invalidInstancesPassed += letThrough;
  if (refused) into.validationErrors++;
  if (letThrough) into.invalidationErrors++;
  if (!refused && !letThrough) into.passed++;
}

function accepts(grammar: LlamaGrammar, text: string): boolean {
  try {
    return engine.acceptsTokens(grammar, text);
  } catch {
    return engine.acceptsText(grammar, text); // text the vocabulary cannot spell exactly: step its code points
  }
}

function row(label: string, t: Tally, times: string): void {
  const pct = (n: number) => `${((100 * n) / Math.max(1, t.schemas)).toFixed(1)}%`;
  console.log(
    `${label} | ${t.passed}/${t.schemas} (${pct(t.passed)}) | ${t.compileErrors} | ${t.validationErrors} (${t.validInstancesRefused}) | ${t.invalidationErrors} (${t.invalidInstancesPassed}) | ${t.grammarRejects}/${t.invalidInstances} | ${times}`,
  );
}

function quantiles(values: number[]): string {
  if (values.length === 0) return '–';
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `${at(0.5).toFixed(2)} / ${at(0.75).toFixed(2)} / ${at(0.99).toFixed(2)}`;
}

/** Tokens per second decoding the same prompt with the Report template's grammar and without one. */
async function decodeSpeed(tokens: number): Promise<void> {
  const model = await engine.llama.loadModel({ modelPath: modelFile });
  // One thread: on a shared 2-core machine a second one mostly waits for the other programs.
  const context = await model.createContext({ contextSize: 4096, threads: 1 });
  const chat = new LlamaChat({ contextSequence: context.getSequence(), chatWrapper: resolveChatWrapper(model) });
  const schema = z.toJSONSchema(builtInTemplates.report.schema({ evidenceCount: 8 })) as JsonSchema;
  const grammar = await engine.parse(compileJsonSchemaGrammar(schema).gbnf);
  const history = [{ type: 'user' as const, text: 'Write the report on the passages as JSON.' }];
  const rates = { grammar: [] as number[], free: [] as number[] };
  for (let rep = 0; rep < 5; rep++) {
    for (const mode of ['free', 'grammar'] as const) {
      await chat.sequence.clearHistory();
      let count = 0;
      let first = 0;
      await chat.generateResponse(history, {
        maxTokens: tokens,
        temperature: 0.8,
        seed: rep,
        ...(mode === 'grammar' ? { grammar } : {}),
        onToken: (chunk) => {
          if (count === 0) first = performance.now();
          count += chunk.length;
        },
      });
      if (count > 1) rates[mode].push((count - 1) / ((performance.now() - first) / 1000));
    }
  }
  const [withGrammar, without] = [median(rates.grammar), median(rates.free)];
  console.log('');
  console.log(`decode, ${path.basename(modelFile)}, 1 thread, up to ${tokens} tokens, median of 5: with the Report grammar ${withGrammar.toFixed(0)} tok/s, without ${without.toFixed(0)} tok/s, ratio ${(withGrammar / without).toFixed(2)}`);
  await context.dispose();
  await model.dispose();
}
