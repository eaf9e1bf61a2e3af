/**
 * What a schema node says about the values it allows, read the way the compiler needs it: its numeric
 * bounds (draft-04 and later spellings alike), the types its keywords imply when it names none, whether a
 * constant has a type, and whether oneOf alternatives can overlap at all.
 */
import { typesOf, type Node } from './merge.js';
import type { JsonSchema } from './types.js';

export const allTypes = ['object', 'array', 'string', 'number', 'boolean', 'null'];

export interface Bound {
  value: number;
  exclusive: boolean;
}

/** The tightest lower and upper bound, draft-04 booleans and draft-06 numbers alike. */
export function bounds(schema: JsonSchema): { low?: Bound; high?: Bound } {
  const pick = (inclusive: unknown, exclusive: unknown, lower: boolean): Bound | undefined => {
    const candidates: Bound[] = [];
    if (typeof inclusive === 'number') candidates.push({ value: inclusive, exclusive: exclusive === true });
    if (typeof exclusive === 'number') candidates.push({ value: exclusive, exclusive: true });
    if (candidates.length === 0) return undefined;
    return candidates.reduce((a, b) => (lower ? (b.value > a.value || (b.value === a.value && b.exclusive) ? b : a) : b.value < a.value || (b.value === a.value && b.exclusive) ? b : a));
  };
  const low = pick(schema.minimum, schema.exclusiveMinimum, true);
  const high = pick(schema.maximum, schema.exclusiveMaximum, false);
  return { ...(low ? { low } : {}), ...(high ? { high } : {}) };
}

/** A schema without `type` still says what it is by the keywords it uses; with none, it is any value. */
export function impliedTypes(schema: JsonSchema): string[] {
  const has = (...keys: string[]) => keys.some((key) => key in schema);
  const implied: string[] = [];
  if (has('properties', 'additionalProperties', 'required', 'patternProperties', 'minProperties', 'maxProperties', 'propertyNames')) implied.push('object');
  if (has('items', 'prefixItems', 'minItems', 'maxItems', 'additionalItems', 'uniqueItems', 'contains')) implied.push('array');
  if (has('minLength', 'maxLength', 'pattern', 'format')) implied.push('string');
  if (has('minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf')) implied.push('number');
  return implied.length ? implied : allTypes;
}

export function isOfType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null': return value === null;
    case 'boolean': return typeof value === 'boolean';
    case 'integer': return typeof value === 'number' && Number.isInteger(value);
    case 'number': return typeof value === 'number';
    case 'string': return typeof value === 'string';
    case 'array': return Array.isArray(value);
    case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value);
    default: return false;
  }
}

/** Whether no value can match two of the alternatives: their types, or a shared required key's constants, differ. */
export function disjoint(alternatives: Node[]): boolean {
  const typeSets = alternatives.map((alt) => (typeof alt === 'object' ? typesOf(alt.type) : []));
  if (typeSets.every((types) => types.length > 0)) {
    const seen = new Set<string>();
    let clash = false;
    for (const types of typeSets) for (const type of types.map((t) => (t === 'integer' ? 'number' : t))) clash ||= seen.has(type) || !seen.add(type);
    if (!clash) return true;
  }
  const tags = alternatives.map((alt) => (typeof alt === 'object' ? (alt.properties ?? {}) as Record<string, Node> : {}));
  const keys = Object.keys(tags[0] ?? {}).filter((key) => tags.every((props, i) => typeof props[key] === 'object' && ('const' in (props[key] as JsonSchema) || Array.isArray((props[key] as JsonSchema).enum)) && ((alternatives[i] as JsonSchema).required as string[] | undefined)?.includes(key)));
  return keys.some((key) => {
    const values = tags.flatMap((props) => { const s = props[key] as JsonSchema; return ('const' in s ? [s.const] : (s.enum as unknown[])).map((v) => JSON.stringify(v)); });
    return new Set(values).size === values.length;
  });
}
