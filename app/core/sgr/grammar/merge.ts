/**
 * Reading a schema node the way the compiler needs it: local `$ref`s resolved against the root, and
 * `allOf` (and keywords beside a `$ref`) merged into one node — types and enums intersected, properties and
 * `required` joined, bounds tightened. What two parts both say and cannot be merged (two patterns, two
 * formats) keeps the first in the grammar and names the second as left to validation.
 */
import { HearthError } from '../../../../schemas/index.js';
import type { JsonSchema, SchemaProblem } from './types.js';
import { escapePointer, unescapePointer } from '../json-pointer.js';

export type Node = JsonSchema | boolean;

/** Keywords that only describe; they constrain nothing. */
export const annotations = new Set([
  'title', 'description', 'examples', 'default', '$comment', '$schema', '$id', 'id', '$anchor', '$dynamicAnchor', 'deprecated', 'readOnly',
  'writeOnly', '$defs', 'definitions', 'contentMediaType', 'contentEncoding', 'contentSchema', '$vocabulary',
]);


export class SchemaDocument {
  constructor(readonly root: Node, readonly unsupported: SchemaProblem[]) {}

  /** The pointer a local `$ref` names (`#/$defs/x`, `#`, or a `$anchor`). */
  targetOf(ref: string, at: string): string {
    if (ref === '#' || ref === '') return '';
    if (ref.startsWith('#/')) return ref.slice(1);
    if (ref.startsWith('#')) {
      const anchor = this.findAnchor(this.root, '', ref.slice(1));
      if (anchor !== undefined) return anchor;
    }
    throw new HearthError('SCHEMA_INVALID', `$ref "${ref}" at ${at || '/'} is not a local reference (#/…) Hearth can resolve.`, { pointer: `${at}/$ref` });
  }

  resolve(pointer: string, at: string): Node {
    let node: unknown = this.root;
    for (const part of pointer.split('/').slice(1)) {
      node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[unescapePointer(part)] : undefined;
      if (node === undefined) throw new HearthError('SCHEMA_INVALID', `$ref "#${pointer}" at ${at || '/'} points at nothing in the schema.`, { pointer: `${at}/$ref` });
    }
    if (typeof node !== 'boolean' && (typeof node !== 'object' || node === null)) {
      throw new HearthError('SCHEMA_INVALID', `$ref "#${pointer}" at ${at || '/'} points at something that is not a schema.`, { pointer: `${at}/$ref` });
    }
    return node as Node;
  }

  private findAnchor(node: unknown, pointer: string, anchor: string): string | undefined {
    if (typeof node !== 'object' || node === null) return undefined;
    const record = node as JsonSchema;
    if (record.$anchor === anchor || record.$id === `#${anchor}` || record.id === `#${anchor}`) return pointer;
    for (const [key, value] of Object.entries(record)) {
      const found = this.findAnchor(value, `${pointer}/${escapePointer(key)}`, anchor);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /**
   * The node with `allOf` merged in and, when a `$ref` has sibling keywords, its target merged too. A bare
   * `$ref` is kept (it becomes a shared, possibly recursive, rule).
   */
  flatten(node: Node, pointer: string, depth = 0): Node {
    if (typeof node === 'boolean') return node;
    let current: JsonSchema = node;
    if (typeof current.$ref === 'string' && hasConstraints(current, ['$ref'])) {
      const { $ref, ...rest } = current;
      const target = this.targetOf($ref as string, pointer);
      if (depth > 8) return this.mergeLimit(pointer, '$ref', current);
      const resolved = this.flatten(this.resolve(target, pointer), target, depth + 1);
      const merged = this.merge(resolved, rest, pointer);
      if (typeof merged === 'boolean') return merged;
      current = merged;
    }
    if (Array.isArray(current.allOf)) {
      const { allOf, ...rest } = current;
      let merged: Node = rest;
      (allOf as Node[]).forEach((part, i) => {
        if (merged === false) return;
        let piece = part;
        if (typeof piece === 'object' && typeof piece.$ref === 'string') {
          if (depth > 8) {
            merged = this.mergeLimit(`${pointer}/allOf/${i}`, '$ref', merged);
            return;
          }
          const target = this.targetOf(piece.$ref, `${pointer}/allOf/${i}`);
          const { $ref: _ref, ...siblings } = piece;
          piece = this.merge(this.resolve(target, pointer), siblings, `${pointer}/allOf/${i}`);
        }
        merged = this.merge(merged, this.flatten(piece, `${pointer}/allOf/${i}`, depth + 1), `${pointer}/allOf/${i}`);
      });
      const result = merged as Node; // assigned inside the callback, which narrowing cannot see
      return typeof result === 'boolean' ? result : this.flatten(result, pointer, depth + 1);
    }
    return current;
  }

  private mergeLimit(pointer: string, keyword: string, kept: Node): Node {
    this.unsupported.push({ pointer, keyword, message: 'references nest too deep to merge into the grammar; validation enforces the rest' });
    return kept;
  }

  /** Both schemas at once (`allOf` of two). */
  merge(a: Node, b: Node, pointer: string): Node {
    if (a === false || b === false) return false;
    if (a === true) return b;
    if (b === true) return a;
    const out: JsonSchema = { ...a };
    for (const [key, value] of Object.entries(b)) {
      if (annotations.has(key)) continue;
      if (!(key in out)) {
        out[key] = value;
        continue;
      }
      const mine = out[key];
      switch (key) {
        case 'type': {
          const types = intersectTypes(typesOf(mine), typesOf(value));
          if (types.length === 0) throw new HearthError('SCHEMA_INVALID', `No value can satisfy the schema at ${pointer || '/'}: allOf asks for types that do not meet.`, { pointer });
          out.type = types.length === 1 ? types[0] : types;
          break;
        }
        case 'enum':
        case 'const': {
          const left = key === 'enum' ? (mine as unknown[]) : [mine];
          const right = key === 'enum' ? (value as unknown[]) : [value];
          const both = left.filter((x) => right.some((y) => JSON.stringify(x) === JSON.stringify(y)));
          delete out.const;
          out.enum = both;
          break;
        }
        case 'properties': {
          const props: JsonSchema = { ...(mine as JsonSchema) };
          for (const [name, schema] of Object.entries(value as JsonSchema)) {
            props[name] = name in props ? this.merge(this.flatten(props[name] as Node, pointer), this.flatten(schema as Node, pointer), `${pointer}/properties/${name}`) : schema;
          }
          out.properties = props;
          break;
        }
        case 'required':
          out.required = [...new Set([...(mine as string[]), ...(value as string[])])];
          break;
        case 'additionalProperties':
        case 'items':
        case 'additionalItems':
          out[key] = this.merge(this.flatten(mine as Node, pointer), this.flatten(value as Node, pointer), `${pointer}/${key}`);
          break;
        case 'minLength': case 'minItems': case 'minProperties': case 'minimum': case 'exclusiveMinimum':
          out[key] = typeof mine === 'number' && typeof value === 'number' ? Math.max(mine, value) : value;
          break;
        case 'maxLength': case 'maxItems': case 'maxProperties': case 'maximum': case 'exclusiveMaximum':
          out[key] = typeof mine === 'number' && typeof value === 'number' ? Math.min(mine, value) : value;
          break;
        case 'anyOf':
        case 'oneOf': {
          const left = mine as Node[];
          const right = value as Node[];
          if (left.length * right.length <= 16) {
            out[key] = left.flatMap((x) => right.map((y) => ({ allOf: [x, y] })));
          } else this.unsupported.push({ pointer, keyword: key, message: `two ${key} lists meet in allOf; the grammar holds the first, validation the second` });
          break;
        }
        default:
          if (JSON.stringify(mine) !== JSON.stringify(value)) {
            this.unsupported.push({ pointer, keyword: key, message: `allOf gives ${key} twice; the grammar holds one, validation both` });
          }
      }
    }
    // A part that closes its properties forbids the other part's new keys (or holds them to its schema).
    for (const [closed, other] of [[a, b], [b, a]] as const) {
      if (!('additionalProperties' in closed) || closed.additionalProperties === true || 'patternProperties' in closed) continue;
      const own = new Set(Object.keys((closed.properties ?? {}) as JsonSchema));
      const props = (out.properties ?? {}) as JsonSchema;
      for (const name of Object.keys((other.properties ?? {}) as JsonSchema)) {
        if (own.has(name)) continue;
        props[name] = this.merge(this.flatten(props[name] as Node, pointer), closed.additionalProperties as Node, `${pointer}/properties/${name}`);
      }
    }
    return out;
  }
}

export function typesOf(type: unknown): string[] {
  return Array.isArray(type) ? (type as string[]) : typeof type === 'string' ? [type] : [];
}

function intersectTypes(a: string[], b: string[]): string[] {
  const out = new Set<string>();
  for (const x of a) {
    for (const y of b) {
      if (x === y) out.add(x);
      else if ((x === 'integer' && y === 'number') || (x === 'number' && y === 'integer')) out.add('integer');
    }
  }
  return [...out];
}

/** Whether the node says more than its `skip` keywords and annotations. */
export function hasConstraints(node: JsonSchema, skip: string[]): boolean {
  return Object.keys(node).some((key) => !skip.includes(key) && !annotations.has(key));
}
