/**
 * Turns a JSON Schema into the subset node-llama-cpp's grammar builder understands, and lists what the
 * grammar cannot hold. Used only where node-llama-cpp builds the grammar itself: native function calls
 * (and the tools' signatures in the prompt); response formats and the tool envelope use core/sgr's compiler.
 * node-llama-cpp 3.21 silently reads what it does not know as something else — an `anyOf` or an empty
 * schema becomes `null`, `{type: 'object'}` the empty object — so a schema is
 * rewritten first (anyOf → oneOf, "anything" spelled out, `definitions` → `$defs`, type lists split) and
 * every constraint a grammar cannot express (pattern, minimum, uniqueItems…) is named, so the caller can
 * be told instead of trusting a promise the decoder never made. Annotations (`title`, `examples`…) are
 * dropped, `description`s kept; `required` needs no word, as the grammar writes every listed property.
 */
import type { GbnfJsonSchema } from 'node-llama-cpp';
import { escapePointer } from '../../core/sgr/index.js';

type Schema = Record<string, unknown>;

export interface GrammarSchema {
  schema: GbnfJsonSchema;
  /** Constraints the grammar does not enforce, as `keyword at /json/pointer`. */
  unenforced: string[];
}

/** Keywords a grammar over JSON text cannot enforce. */
const unenforceable = new Set([
  'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'uniqueItems', 'contains', 'minContains',
  'maxContains', 'patternProperties', 'propertyNames', 'dependentRequired', 'dependentSchemas', 'dependencies', 'not', 'if', 'then',
  'else', 'unevaluatedProperties', 'unevaluatedItems', 'contentEncoding', 'contentMediaType',
]);
const grammarFormats = new Set(['date', 'time', 'date-time']);
const anyJson: GbnfJsonSchema = {
  oneOf: [{ type: ['string', 'number', 'boolean', 'null'] }, { type: 'object', additionalProperties: true }, { type: 'array' }],
};

export function grammarSchemaOf(schema: Schema): GrammarSchema {
  const unenforced: string[] = [];
  const converted = convert(schema, '', unenforced);
  return { schema: converted, unenforced };
}

function convert(input: unknown, pointer: string, unenforced: string[]): GbnfJsonSchema {
  if (input === true || input === undefined) return anyJson;
  if (input === false || typeof input !== 'object' || input === null || Array.isArray(input)) {
    unenforced.push(`a schema that accepts nothing at ${pointer || '/'}`);
    return { type: 'null' };
  }
  const schema = input as Schema;
  const at = (keyword: string) => `${keyword} at ${pointer || '/'}`;
  for (const keyword of Object.keys(schema)) if (unenforceable.has(keyword)) unenforced.push(at(keyword));
  const description = typeof schema.description === 'string' ? { description: schema.description } : {};
  const defs = convertDefs(schema, pointer, unenforced);

  if (typeof schema.$ref === 'string') {
    const ref = schema.$ref.replace(/^#\/definitions\//, '#/$defs/');
    if (!ref.startsWith('#/$defs/')) unenforced.push(at(`$ref ${schema.$ref}`));
    return { $ref: ref, ...description, ...defs } as GbnfJsonSchema;
  }
  if ('const' in schema) return { const: schema.const as string, ...description };
  if (Array.isArray(schema.enum)) return { enum: schema.enum as string[], ...description };
  const alternatives = (schema.oneOf ?? schema.anyOf) as unknown;
  if (Array.isArray(alternatives)) {
    return { oneOf: alternatives.map((alt, i) => convert(alt, `${pointer}/${schema.oneOf ? 'oneOf' : 'anyOf'}/${i}`, unenforced)), ...description, ...defs };
  }
  if (Array.isArray(schema.allOf)) {
    if (schema.allOf.length === 1) return convert(schema.allOf[0], `${pointer}/allOf/0`, unenforced);
    unenforced.push(at('allOf'));
  }

  const types = Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === 'string' ? [schema.type] : inferTypes(schema);
  if (types.length === 0) return { ...(anyJson as object), ...description, ...defs } as GbnfJsonSchema;
  const one = types.map((type) => convertTyped(type, schema, pointer, unenforced));
  const result = one.length === 1 ? one[0]! : { oneOf: one };
  return { ...(result as object), ...description, ...defs } as GbnfJsonSchema;
}

/** A schema without `type` still says what it is by its other keywords (`properties` → an object…). */
function inferTypes(schema: Schema): string[] {
  if ('properties' in schema || 'additionalProperties' in schema) return ['object'];
  if ('items' in schema || 'prefixItems' in schema) return ['array'];
  if ('minLength' in schema || 'maxLength' in schema || 'format' in schema) return ['string'];
  return [];
}

function convertTyped(type: string, schema: Schema, pointer: string, unenforced: string[]): GbnfJsonSchema {
  const at = (keyword: string) => `${keyword} at ${pointer || '/'}`;
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, unknown>;
      const entries = Object.entries(properties).map(([key, value]) => [key, convert(value, `${pointer}/properties/${escapePointer(key)}`, unenforced)] as const);
      const extra = schema.additionalProperties;
      // JSON Schema allows further keys unless told otherwise; node-llama-cpp allows none. A bare
      // `{type: 'object'}` would then mean only `{}`, so it says "any" out loud; where properties are
      // listed (even none, a tool without input), writing just those is still valid output.
      const additionalProperties =
        extra === undefined ? !('properties' in schema) : typeof extra === 'boolean' ? extra : convert(extra, `${pointer}/additionalProperties`, unenforced);
      return {
        type: 'object',
        ...(entries.length ? { properties: Object.fromEntries(entries) } : {}),
        additionalProperties,
        ...(typeof schema.minProperties === 'number' ? { minProperties: schema.minProperties } : {}),
        ...(typeof schema.maxProperties === 'number' ? { maxProperties: schema.maxProperties } : {}),
      } as GbnfJsonSchema;
    }
    case 'array': {
      const tuple = Array.isArray(schema.items) ? schema.items : schema.prefixItems;
      const items = Array.isArray(schema.items) ? schema.additionalItems : schema.items;
      return {
        type: 'array',
        ...(Array.isArray(tuple) ? { prefixItems: tuple.map((item, i) => convert(item, `${pointer}/prefixItems/${i}`, unenforced)) } : {}),
        ...(items !== undefined && items !== true ? { items: convert(items, `${pointer}/items`, unenforced) } : {}),
        ...(typeof schema.minItems === 'number' ? { minItems: schema.minItems } : {}),
        ...(typeof schema.maxItems === 'number' ? { maxItems: schema.maxItems } : {}),
      } as GbnfJsonSchema;
    }
    case 'string': {
      if (typeof schema.format === 'string') {
        if (grammarFormats.has(schema.format)) return { type: 'string', format: schema.format as 'date' };
        unenforced.push(at(`format ${schema.format}`));
      }
      return {
        type: 'string',
        ...(typeof schema.minLength === 'number' ? { minLength: schema.minLength } : {}),
        ...(typeof schema.maxLength === 'number' ? { maxLength: schema.maxLength } : {}),
      };
    }
    case 'number':
    case 'integer':
    case 'boolean':
    case 'null':
      return { type };
    default:
      unenforced.push(at(`type ${type}`));
      return anyJson;
  }
}

function convertDefs(schema: Schema, pointer: string, unenforced: string[]): { $defs?: Record<string, GbnfJsonSchema> } {
  const defs = (schema.$defs ?? schema.definitions) as Record<string, unknown> | undefined;
  if (!defs || typeof defs !== 'object') return {};
  return { $defs: Object.fromEntries(Object.entries(defs).map(([name, def]) => [name, convert(def, `${pointer}/$defs/${escapePointer(name)}`, unenforced)])) };
}


/** The description of what a local grammar cannot hold, for a warning; undefined when it holds all. */
export function unenforcedWarning(what: string, unenforced: string[]): string | undefined {
  if (unenforced.length === 0) return undefined;
  const listed = unenforced.length > 6 ? `${unenforced.slice(0, 6).join(', ')} and ${unenforced.length - 6} more` : unenforced.join(', ');
  return `The local model's grammar cannot enforce ${listed} in ${what}; the output may break those rules, so validate it.`;
}
