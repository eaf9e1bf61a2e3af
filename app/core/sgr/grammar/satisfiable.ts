/**
 * Schemas no value can satisfy, found before anything is generated: bounds the wrong way round, empty
 * `type` or `enum` lists, required keys the schema forbids. (The compiler finds the rest as it goes: enum
 * values of the wrong type, allOf parts that contradict, integer bounds with no integer between.)
 */
import { SchemaDocument } from './merge.js';
import type { JsonSchema, SchemaProblem } from './types.js';
import { escapePointer } from '../json-pointer.js';
import { walkFrom } from './keywords.js';

const pairs = [
  ['minLength', 'maxLength'],
  ['minItems', 'maxItems'],
  ['minProperties', 'maxProperties'],
  ['minContains', 'maxContains'],
  ['minimum', 'maximum'],
] as const;

export function unsatisfiable(root: JsonSchema | boolean): SchemaProblem[] {
  if (root === false) return [{ pointer: '', message: 'The schema is `false`: no value satisfies it.' }];
  if (root === true) return [];
  const problems: SchemaProblem[] = [];
  const add = (pointer: string, keyword: string, message: string) => problems.push({ pointer: `${pointer}/${keyword}`, keyword, message: `No value can satisfy this: ${message}.` });
  mustHold(root, new SchemaDocument(root, []), (schema, pointer) => {
    for (const [low, high] of pairs) {
      const a = schema[low];
      const b = schema[high];
      if (typeof a === 'number' && typeof b === 'number' && a > b) add(pointer, low, `${low} ${a} is above ${high} ${b}`);
    }
    const { exclusiveMinimum: xmin, exclusiveMaximum: xmax, minimum: min, maximum: max } = schema;
    const lower = typeof xmin === 'number' ? xmin : min;
    const upper = typeof xmax === 'number' ? xmax : max;
    if ((typeof xmin === 'number' || typeof xmax === 'number') && typeof lower === 'number' && typeof upper === 'number' && lower >= upper) {
      add(pointer, typeof xmin === 'number' ? 'exclusiveMinimum' : 'minimum', `the bounds ${lower} and ${upper} leave no number between them`);
    }
    if (Array.isArray(schema.type) && schema.type.length === 0) add(pointer, 'type', 'the list of types is empty');
    if (Array.isArray(schema.enum) && schema.enum.length === 0) add(pointer, 'enum', 'the enum lists no values');
    const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
    if (typeof schema.maxProperties === 'number' && required.length > schema.maxProperties) {
      add(pointer, 'required', `${required.length} keys are required but maxProperties is ${schema.maxProperties}`);
    }
    const properties = (schema.properties ?? {}) as Record<string, unknown>;
    required.forEach((key, i) => {
      if (properties[key] === false) add(pointer, `required/${i}`, `the required key "${key}" has the schema false`);
      else if (!(key in properties) && schema.additionalProperties === false && !('patternProperties' in schema)) {
        add(pointer, `required/${i}`, `the required key "${key}" is not among the properties and additionalProperties is false`);
      }
    });
  });
  return problems;
}

/**
 * Visits the sub-schemas every valid value must meet: the root, allOf parts, `$ref` targets, the schemas
 * of required keys and of items minItems asks for. (An impossible alternative or optional key only
 * narrows what is allowed; it does not make the schema impossible.)
 */
function mustHold(root: JsonSchema, document: SchemaDocument, visit: (schema: JsonSchema, pointer: string) => void): void {
  walkFrom(root, document, visit, (schema, pointer) => {
    const found: [unknown, string][] = [];
    if (Array.isArray(schema.allOf)) schema.allOf.forEach((part, i) => found.push([part, `${pointer}/allOf/${i}`]));
    const properties = (schema.properties ?? {}) as Record<string, unknown>;
    for (const key of Array.isArray(schema.required) ? (schema.required as string[]) : []) {
      if (typeof properties[key] === 'object') found.push([properties[key], `${pointer}/properties/${escapePointer(key)}`]);
    }
    const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
    const tuple = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : [];
    const keyword = Array.isArray(schema.prefixItems) ? 'prefixItems' : 'items';
    tuple.slice(0, minItems).forEach((item, i) => found.push([item, `${pointer}/${keyword}/${i}`]));
    if (minItems > tuple.length && !Array.isArray(schema.items) && typeof schema.items === 'object') found.push([schema.items, `${pointer}/items`]);
    return found;
  });
}
