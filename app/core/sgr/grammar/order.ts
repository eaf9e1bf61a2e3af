/**
 * A value with its object keys in the order the compiled grammar writes them (the schema's properties,
 * then required keys it does not list, then any others as they came). JSON Schema ignores key order; a
 * grammar cannot, so an instance written elsewhere (a test suite, another program) is put in this order
 * before it is stepped through a grammar — the order the model itself would have written it in.
 */
import { SchemaDocument, typesOf, type Node } from './merge.js';
import type { JsonSchema } from './types.js';

export function inSchemaOrder(value: unknown, schema: JsonSchema | boolean): unknown {
  const document = new SchemaDocument(schema, []);
  return order(value, schema, '', document, 0);
}

function order(value: unknown, input: Node | undefined, pointer: string, document: SchemaDocument, depth: number): unknown {
  if (typeof value !== 'object' || value === null || input === undefined || typeof input === 'boolean' || depth > 64) return value;
  let schema: Node;
  try {
    schema = document.flatten(input, pointer);
    if (typeof schema === 'object' && typeof schema.$ref === 'string') {
      const target = document.targetOf(schema.$ref, pointer);
      return order(value, document.resolve(target, pointer), target, document, depth + 1);
    }
  } catch {
    return value; // a schema the compiler refuses has no order to follow
  }
  if (typeof schema === 'boolean') return value;
  const alternatives = (schema.anyOf ?? schema.oneOf) as Node[] | undefined;
  if (Array.isArray(alternatives)) {
    const { anyOf: _any, oneOf: _one, ...base } = schema;
    const options = alternatives.map((alt) => {
      try {
        return document.merge(base, alt, pointer);
      } catch {
        return false;
      }
    });
    return order(value, bestFit(value, options), pointer, document, depth + 1);
  }
  if (Array.isArray(value)) {
    const tuple = (Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : []) as Node[];
    const rest = (Array.isArray(schema.items) ? schema.additionalItems : Array.isArray(schema.prefixItems) ? schema.items : schema.items) as Node | undefined;
    return value.map((item, i) => order(item, i < tuple.length ? tuple[i] : rest, pointer, document, depth + 1));
  }
  const record = value as Record<string, unknown>;
  const properties = (schema.properties ?? {}) as Record<string, Node>;
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const extra = schema.additionalProperties as Node | undefined;
  const out: Record<string, unknown> = {};
  for (const key of [...Object.keys(properties), ...required.filter((key) => !(key in properties)), ...Object.keys(record)]) {
    if (!(key in record) || key in out) continue;
    out[key] = order(record[key], key in properties ? properties[key] : extra, pointer, document, depth + 1);
  }
  return out;
}

/** The alternative that lists the value's keys best (for objects), or whose type fits (for arrays). */
function bestFit(value: unknown, options: Node[]): Node | undefined {
  let best: Node | undefined;
  let bestScore = -Infinity;
  for (const option of options) {
    if (option === false) continue;
    if (option === true) return option;
    const types = typesOf(option.type);
    const kind = Array.isArray(value) ? 'array' : 'object';
    if (types.length && !types.includes(kind)) continue;
    const listed = new Set(Object.keys((option.properties ?? {}) as object));
    const keys = Array.isArray(value) ? [] : Object.keys(value as object);
    const score = keys.filter((key) => listed.has(key)).length - (option.additionalProperties === false ? keys.filter((key) => !listed.has(key)).length * 2 : 0);
    if (score > bestScore) [best, bestScore] = [option, score];
  }
  return best;
}
