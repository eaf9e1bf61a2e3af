/**
 * JSON Schemas as Hearth takes them from users and clients: checked before use (a real JSON Schema, one that
 * some value can satisfy, small enough to compile) with the JSON pointer of each problem, and validators
 * (ajv, draft 2020-12 or draft-07 by the schema's `$schema`, formats by ajv-formats) compiled once per schema.
 */
import { Ajv, type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsModule, { type FormatsPlugin } from 'ajv-formats';
import { HearthError } from '../../../schemas/index.js';
import { compileJsonSchemaGrammar } from './grammar/compile.js';
import { unsatisfiable } from './grammar/satisfiable.js';
import type { JsonSchema, SchemaProblem } from './grammar/types.js';
import { escapePointer } from './json-pointer.js';

export interface ValidationIssue {
  /** JSON pointer into the instance ('' is the whole value). */
  pointer: string;
  message: string;
}

/** Past these, a schema is refused rather than compiled (a request should not hold a worker for seconds). */
export const defaultSchemaLimits = { maxBytes: 512 * 1024, maxRules: 20_000 };

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats: FormatsPlugin = (formatsModule as unknown as { default?: FormatsPlugin }).default ?? (formatsModule as unknown as FormatsPlugin);

type Dialect = '2020' | '2019' | '07';
type AnyAjv = Ajv | Ajv2019 | Ajv2020;

const extraFormats: Array<[string, RegExp]> = [
  ['iri', /^[a-z][a-z0-9+.-]*:[^\s]*$/iu],
  ['iri-reference', /^[^\s]*$/u],
  ['idn-email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/u],
  ['idn-hostname', /^[^\s./:@]+(\.[^\s./:@]+)*\.?$/u],
];
const engines = new Map<string, AnyAjv>();

/**
 * The ajv instance for a dialect. `unicode` off is the fallback for patterns written for other regex
 * engines (`\'`, `\-` outside a class…), which ECMAScript's unicode mode refuses and most validators take.
 */
function engine(dialect: Dialect, unicode = true): AnyAjv {
  const key = `${dialect}${unicode ? '' : ' no-unicode'}`;
  let ajv = engines.get(key);
  if (!ajv) {
    // strict off: real schemas carry keywords of their own (`x-…`, `tsType`), which JSON Schema ignores.
    // logger off: unknown formats are named by the compiler's `unsupported`, not printed to the console.
    const options = { strict: false, allErrors: true, validateFormats: true, logger: false, unicodeRegExp: unicode } as const;
    ajv = dialect === '2020' ? new Ajv2020(options) : dialect === '2019' ? new Ajv2019(options) : new Ajv(options);
    addFormats(ajv, { mode: 'full' });
    // The internationalised forms ajv-formats lacks, checked loosely (unknown, they would pass anything).
    for (const [name, pattern] of extraFormats) ajv.addFormat(name, pattern);
    engines.set(key, ajv);
  }
  return ajv;
}

/**
 * The dialect a schema asks for, and the schema as that engine takes it. Draft-04 and -06 schemas (most of
 * the public corpus) are read as draft-07 with their boolean `exclusiveMinimum`/`exclusiveMaximum` turned
 * into numbers; a schema without `$schema` is 2020-12 unless it uses draft-07's array form of `items`.
 * Draft-04's `id` is read as `$id` in any dialect (ajv refuses the old spelling outright).
 */
function dialectOf(schema: unknown): { dialect: Dialect; schema: AnySchema } {
  if (typeof schema !== 'object' || schema === null) return { dialect: '2020', schema: schema as AnySchema };
  const declared = (schema as JsonSchema).$schema;
  if (typeof declared === 'string') {
    if (declared.includes('2020-12')) return { dialect: '2020', schema: readable(schema, false) };
    if (declared.includes('2019-09')) return { dialect: '2019', schema: readable(schema, false) };
    if (declared.includes('draft-07')) return { dialect: '07', schema: readable(schema, false) };
    const { $schema: _declared, ...rest } = schema as JsonSchema;
    return { dialect: '07', schema: readable(rest, true) };
  }
  return { dialect: usesDraft7Items(schema) ? '07' : '2020', schema: readable(schema, false) };
}

function usesDraft7Items(node: unknown): boolean {
  if (typeof node !== 'object' || node === null) return false;
  if (Array.isArray(node)) return node.some(usesDraft7Items);
  const record = node as JsonSchema;
  if (Array.isArray(record.items) || 'additionalItems' in record || 'definitions' in record) return true;
  return Object.values(record).some(usesDraft7Items);
}

/** Keywords whose values are data, not schemas: left as they are. */
const dataKeywords = new Set(['enum', 'const', 'default', 'examples', 'example']);

/**
 * The schema with draft-04 spellings read the modern way: `id` → `$id`, and (for draft-04 itself)
 * `exclusiveMaximum: true` beside `maximum` → `exclusiveMaximum: <number>`; and without ajv's `$async`.
 * Unchanged schemas come back as they are.
 */
function readable(node: unknown, draft4: boolean): AnySchema {
  const text = JSON.stringify(node);
  if (!draft4 && !text.includes('"id":') && !text.includes('"$async":')) return node as AnySchema;
  return convert(node, draft4) as AnySchema;
}

function convert(node: unknown, draft4: boolean): unknown {
  if (typeof node !== 'object' || node === null) return node;
  if (Array.isArray(node)) return node.map((item) => convert(item, draft4));
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node as JsonSchema)) {
    // ajv's own `$async` makes the validator return a promise, which would read as "valid" every time.
    if (key !== '$async') out[key] = dataKeywords.has(key) ? value : convert(value, draft4);
  }
  // (A property named `id` is an object under `properties`, so only the keyword is a string here.)
  if (typeof out.id === 'string' && !('$id' in out)) {
    out.$id = out.id;
    delete out.id;
  }
  if (!draft4) return out;
  for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof out[flag] !== 'boolean') continue;
    if (out[flag] === true && typeof out[bound] === 'number') {
      out[flag] = out[bound];
      delete out[bound];
    } else delete out[flag];
  }
  return out;
}

const validators = new Map<string, { validate: ValidateFunction; dialect: Dialect; unicode: boolean }>();
const maxCachedValidators = 256;

function compiled(schema: unknown): ValidateFunction {
  const key = JSON.stringify(schema);
  const cached = validators.get(key);
  if (cached) return cached.validate;
  const { dialect, schema: readable } = dialectOf(schema);
  let unicode = true;
  let validate: ValidateFunction;
  try {
    validate = compileIn(engine(dialect), readable);
  } catch (error) {
    if (!/Invalid regular expression/.test((error as Error).message)) throw error;
    unicode = false;
    validate = compileIn(engine(dialect, false), readable);
  }
  if (validators.size >= maxCachedValidators) {
    const [oldestKey, oldest] = validators.entries().next().value!;
    validators.delete(oldestKey);
    engine(oldest.dialect, oldest.unicode).removeSchema(oldest.validate.schema as AnySchema);
  }
  validators.set(key, { validate, dialect, unicode });
  return validate;
}

function compileIn(ajv: AnyAjv, schema: AnySchema): ValidateFunction {
  // Two user schemas may share an `$id`: the newer one takes it (validators already compiled keep working).
  const id = typeof schema === 'object' && schema !== null ? (schema as JsonSchema).$id : undefined;
  if (typeof id === 'string' && ajv.getSchema(id)) ajv.removeSchema(id);
  return ajv.compile(schema);
}

/**
 * A validator for one schema, compiled on first use and kept (by the schema's JSON text). Throws
 * SCHEMA_INVALID when ajv cannot compile the schema (check it with {@link checkJsonSchema} first).
 */
export function jsonValidator(schema: JsonSchema | boolean): (value: unknown) => ValidationIssue[] {
  let validate: ValidateFunction;
  try {
    validate = compiled(schema);
  } catch (error) {
    throw new HearthError('SCHEMA_INVALID', `The schema cannot be compiled: ${(error as Error).message}`, { pointer: '' });
  }
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map(issueOf));
}

function issueOf(error: ErrorObject): ValidationIssue {
  const params = error.params as Record<string, unknown>;
  const key = (params.missingProperty ?? params.additionalProperty ?? params.unevaluatedProperty) as string | undefined;
  const pointer = key === undefined ? error.instancePath : `${error.instancePath}/${escapePointer(key)}`;
  const allowed = Array.isArray(params.allowedValues) ? `: ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}` : '';
  const message =
    key !== undefined && error.keyword === 'required' ? 'is required but missing'
    : key !== undefined ? 'is not allowed here (no such property in the schema)'
    : `${error.message ?? error.keyword}${allowed}`;
  return { pointer, message };
}

/**
 * What stands in the way of using a schema: not a JSON Schema (by the meta-schema of its dialect), a
 * `$ref` or `pattern` ajv cannot compile, no value can satisfy it, or too large to compile within the
 * limits. Empty when it is usable.
 */
export function checkJsonSchema(schema: unknown, limits: { maxBytes?: number; maxRules?: number } = {}): SchemaProblem[] {
  const maxBytes = limits.maxBytes ?? defaultSchemaLimits.maxBytes;
  if (typeof schema !== 'boolean' && (typeof schema !== 'object' || schema === null || Array.isArray(schema))) {
    return [{ pointer: '', message: 'A JSON Schema is an object (or true/false).' }];
  }
  const bytes = Buffer.byteLength(JSON.stringify(schema));
  if (bytes > maxBytes) return [{ pointer: '', keyword: 'size', message: `The schema is ${bytes} bytes; the limit is ${maxBytes}.` }];

  const { dialect, schema: readable } = dialectOf(schema);
  const ajv = engine(dialect);
  if (!ajv.validateSchema(readable)) {
    // The meta-schema reports one mistake several ways (enum, then type, then anyOf): the first says it best.
    const problems = new Map<string, SchemaProblem>();
    for (const error of ajv.errors ?? []) {
      if (problems.has(error.instancePath)) continue;
      const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
      problems.set(error.instancePath, {
        pointer: error.instancePath,
        keyword: error.instancePath.split('/').pop() || error.keyword,
        message: `not a valid JSON Schema: ${error.message ?? error.keyword}${allowed ? ` (${allowed.map((v) => JSON.stringify(v)).join(', ')})` : ''}`,
      });
    }
    return [...problems.values()];
  }
  try {
    compiled(schema);
  } catch (error) {
    return [compileProblem(schema, error as Error)];
  }
  const impossible = unsatisfiable(schema as JsonSchema | boolean);
  if (impossible.length) return impossible;
  try {
    compileJsonSchemaGrammar(schema as JsonSchema, { maxRules: limits.maxRules ?? defaultSchemaLimits.maxRules });
  } catch (error) {
    if (error instanceof HearthError && (error.code === 'SCHEMA_TOO_LARGE' || error.code === 'SCHEMA_INVALID')) {
      const pointer = (error.details as { pointer?: string } | undefined)?.pointer ?? '';
      return [{ pointer, ...(error.code === 'SCHEMA_TOO_LARGE' ? { keyword: 'size' } : {}), message: error.message }];
    }
    throw error;
  }
  return [];
}

/** Where ajv's compile error points: the `$ref` it could not resolve, or the `pattern` it could not read. */
function compileProblem(schema: unknown, error: Error): SchemaProblem {
  const missing = (error as { missingRef?: string }).missingRef;
  const found = findPointer(schema, '', (node) =>
    missing !== undefined ? typeof node.$ref === 'string' && missing.endsWith(node.$ref.replace(/^#/, ''))
    : typeof node.pattern === 'string' && error.message.includes(node.pattern),
  );
  const keyword = missing !== undefined ? '$ref' : found !== undefined ? 'pattern' : undefined;
  return {
    pointer: found === undefined ? '' : `${found}${keyword ? `/${keyword}` : ''}`,
    ...(keyword ? { keyword } : {}),
    message: missing !== undefined ? `$ref ${missing} points at nothing in the schema` : `the schema cannot be compiled: ${error.message}`,
  };
}

function findPointer(node: unknown, pointer: string, test: (node: JsonSchema) => boolean): string | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  if (!Array.isArray(node) && test(node as JsonSchema)) return pointer;
  for (const [key, value] of Object.entries(node)) {
    const found = findPointer(value, `${pointer}/${escapePointer(key)}`, test);
    if (found !== undefined) return found;
  }
  return undefined;
}

