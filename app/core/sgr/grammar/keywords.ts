/**
 * The keywords a grammar does not hold at all (uniqueness, `not`, conditionals, property counts…), found
 * wherever they are in the part of the schema a value can reach, so each can be named with its pointer.
 */
import type { Node, SchemaDocument } from './merge.js';
import type { JsonSchema, SchemaProblem } from './types.js';
import { escapePointer } from '../json-pointer.js';

const reasons: Record<string, string> = {
  not: 'what a value must not be',
  if: 'a condition (if/then/else)',
  uniqueItems: 'that items differ from each other',
  contains: 'that some item matches',
  minContains: 'how many items match `contains`',
  maxContains: 'how many items match `contains`',
  patternProperties: 'the schemas of keys matching a pattern (such keys are accepted with any value)',
  propertyNames: 'what keys may be named',
  dependentRequired: 'keys required by other keys',
  dependentSchemas: 'schemas brought in by other keys',
  dependencies: 'keys required by other keys',
  unevaluatedProperties: 'keys no other keyword looked at',
  unevaluatedItems: 'items no other keyword looked at',
  multipleOf: 'a multiple of a number',
  minProperties: 'how many keys an object has',
  maxProperties: 'how many keys an object has',
};

/** Sub-schemas by keyword: one schema, a list, or a map of them. */
const single = ['additionalProperties', 'items', 'additionalItems', 'contains', 'not', 'if', 'then', 'else', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties'];
const lists = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];
const maps = ['properties', 'patternProperties', 'dependentSchemas', 'dependencies'];

export function validationOnly(root: Node, document: SchemaDocument): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  walkSchemas(root, document, (schema, pointer) => {
    for (const keyword of Object.keys(schema)) {
      const reason = reasons[keyword];
      if (!reason || (keyword === 'multipleOf' && schema.multipleOf === 1 && schema.type === 'integer')) continue;
      problems.push({ pointer: `${pointer}/${keyword}`, keyword, message: `the grammar does not hold ${reason}; validation checks it` });
    }
  });
  return problems;
}

/** The sub-schemas of one schema a walk goes on to, each with its pointer. */
export type SchemaChildren = (schema: JsonSchema, pointer: string) => [node: unknown, pointer: string][];

/**
 * Calls `visit` on a schema and on the sub-schemas `children` leads to, following `$ref`s, each place once:
 * the one walk behind every question asked of a whole schema (which keywords it uses, whether it can hold).
 */
export function walkFrom(root: Node, document: SchemaDocument, visit: (schema: JsonSchema, pointer: string) => void, children: SchemaChildren): void {
  const visited = new Set<string>();
  const walk = (node: unknown, pointer: string) => {
    if (typeof node !== 'object' || node === null || Array.isArray(node) || visited.has(pointer)) return;
    visited.add(pointer);
    const schema = node as JsonSchema;
    visit(schema, pointer);
    if (typeof schema.$ref === 'string') {
      try {
        const target = document.targetOf(schema.$ref, pointer);
        walk(document.resolve(target, pointer), target);
      } catch {
        // An unresolvable $ref is reported where it is compiled (the grammar compiler, ajv), with its pointer.
      }
    }
    for (const [child, at] of children(schema, pointer)) walk(child, at);
  };
  walk(root, '');
}

/** Calls `visit` on every sub-schema a value can reach (through `$ref`s too), once each. */
export function walkSchemas(root: Node, document: SchemaDocument, visit: (schema: JsonSchema, pointer: string) => void): void {
  walkFrom(root, document, visit, (schema, pointer) => {
    const found: [unknown, string][] = [];
    for (const keyword of single) if (keyword in schema && !Array.isArray(schema[keyword])) found.push([schema[keyword], `${pointer}/${keyword}`]);
    for (const keyword of lists) if (Array.isArray(schema[keyword])) (schema[keyword] as unknown[]).forEach((sub, i) => found.push([sub, `${pointer}/${keyword}/${i}`]));
    for (const keyword of maps) {
      const map = schema[keyword];
      if (typeof map === 'object' && map !== null) for (const [key, sub] of Object.entries(map)) found.push([sub, `${pointer}/${keyword}/${escapePointer(key)}`]);
    }
    return found;
  });
}
