/**
 * JSON Schema → GBNF for llama.cpp's constrained decoding. The grammar accepts compact JSON (as
 * JSON.stringify writes it, object keys in the schema's order) that the schema accepts, as nearly as a
 * context-free grammar can; every keyword it cannot hold is named in `unsupported` (keyword and pointer), and
 * validation afterwards enforces those. Nothing is left silently unconstrained.
 */
import { HearthError } from '../../../../schemas/index.js';
import { formatGrammar, looseFormats, patternIsFormat } from './formats.js';
import { JsonRules, literal, repeat, RuleSet } from './gbnf.js';
import { validationOnly } from './keywords.js';
import { hasConstraints, SchemaDocument, typesOf, type Node } from './merge.js';
import { integerRange } from './numbers.js';
import { allTypes, bounds, disjoint, impliedTypes, isOfType } from './schema-facts.js';
import { lengthBoundedPattern, patternGrammar, RegexUnsupported } from './regex.js';
import type { CompiledGrammar, JsonSchema, SchemaProblem } from './types.js';
import { escapePointer as escape } from '../json-pointer.js';

const maxDepth = 120;

export interface CompileOptions {
  /** Past this many rules the schema is SCHEMA_TOO_LARGE. Default 20,000. */
  maxRules?: number;
  /**
   * Keys beyond an object's listed properties when `additionalProperties` is not given: JSON Schema allows
   * any ('schema'); a model asked for these properties should write just them ('explicit', the default —
   * as llama.cpp's and node-llama-cpp's converters do), so only an explicit `additionalProperties` (true or
   * a schema), `patternProperties`, or an object that lists no properties lets more keys in.
   */
  extraKeys?: 'explicit' | 'schema';
}

export function compileJsonSchemaGrammar(schema: JsonSchema | boolean, options: CompileOptions = {}): CompiledGrammar {
  const unsupported: SchemaProblem[] = [];
  const compiler = new Compiler(new SchemaDocument(schema, unsupported), new RuleSet(options.maxRules ?? 20_000), options.extraKeys ?? 'explicit');
  const root = compiler.node(schema, '');
  unsupported.unshift(...validationOnly(schema, compiler.document));
  const seen = new Set<string>();
  const unique = unsupported.filter((problem) => {
    const key = `${problem.pointer} ${problem.keyword} ${problem.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  return { gbnf: compiler.rules.text(root), unsupported: unique };
}

class Compiler {
  readonly json: JsonRules;
  /** Rules for `$ref` targets by pointer, so recursion and reuse share one rule. */
  private readonly refRules = new Map<string, string>();
  /** `$ref` targets being compiled where no character has been written yet (a cycle here never ends). */
  private head = new Set<string>();
  private depth = 0;

  constructor(
    readonly document: SchemaDocument,
    readonly rules: RuleSet,
    private readonly extraKeys: 'explicit' | 'schema',
  ) {
    this.json = new JsonRules(rules);
  }

  private get unsupported(): SchemaProblem[] {
    return this.document.unsupported;
  }

  private invalid(pointer: string, message: string): never {
    throw new HearthError('SCHEMA_INVALID', `No value can satisfy the schema at ${pointer || '/'}: ${message}.`, { pointer });
  }

  node(input: Node | undefined, pointer: string): string {
    if (input === undefined || input === true) return this.json.value();
    // Recursion through a `$ref` shares one rule; through an allOf that merges a `$ref` in, each level is
    // new, so a bound stops a schema that would unfold forever.
    if (++this.depth > maxDepth) {
      throw new HearthError('SCHEMA_TOO_LARGE', `The schema nests deeper than ${maxDepth} levels at ${pointer || '/'} (an allOf that merges in its own $ref?).`, { pointer });
    }
    try {
      return this.nodeAt(input, pointer);
    } finally {
      this.depth--;
    }
  }

  private nodeAt(input: Node, pointer: string): string {
    if (input === false) this.invalid(pointer, 'the schema is `false`');
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new HearthError('SCHEMA_INVALID', `The schema at ${pointer || '/'} is not an object or a boolean.`, { pointer });
    }
    const schema = this.document.flatten(input, pointer);
    if (schema === true) return this.json.value();
    if (schema === false) this.invalid(pointer, 'its allOf parts contradict each other');
    if (typeof schema.$ref === 'string') return this.ref(schema.$ref, pointer);

    const alternatives = (schema.anyOf ?? schema.oneOf) as Node[] | undefined;
    if (Array.isArray(alternatives)) {
      const keyword = schema.anyOf ? 'anyOf' : 'oneOf';
      const { [keyword]: _list, ...base } = schema;
      const options: string[] = [];
      alternatives.forEach((alternative, i) => {
        // One impossible alternative leaves the others; only all of them failing is an error.
        const merged = this.document.merge(base, alternative, `${pointer}/${keyword}/${i}`);
        const option = merged === false ? undefined : this.ifPossible(merged, `${pointer}/${keyword}/${i}`);
        if (option !== undefined) options.push(option);
      });
      if (options.length === 0) this.invalid(pointer, `none of its ${keyword} alternatives can be met`);
      if (keyword === 'oneOf' && schema.anyOf === undefined && !disjoint(alternatives)) {
        this.unsupported.push({ pointer: `${pointer}/oneOf`, keyword: 'oneOf', message: 'the grammar accepts any of the alternatives; that exactly one matches is left to validation' });
      }
      return options.length === 1 ? options[0]! : this.rules.add(`${hintOf(pointer)}-alt`, [...new Set(options)].join(' | '));
    }
    return this.typed(schema, pointer);
  }

  /** A node that may go unused (an optional key, further items): undefined when no value can meet it. */
  private ifPossible(input: Node | undefined, pointer: string): string | undefined {
    try {
      return this.node(input, pointer);
    } catch (error) {
      if (error instanceof HearthError && error.code === 'SCHEMA_INVALID' && /No value can satisfy/.test(error.message)) return undefined;
      throw error;
    }
  }

  private ref(ref: string, pointer: string): string {
    const target = this.document.targetOf(ref, pointer);
    if (this.head.has(target)) {
      throw new HearthError('SCHEMA_INVALID', `$ref "${ref}" at ${pointer || '/'} refers back to itself before any value is written, so it never ends.`, { pointer: `${pointer}/$ref` });
    }
    const known = this.refRules.get(target);
    if (known) return known;
    const name = this.rules.reserve(hintOf(target) || 'root-ref');
    this.refRules.set(target, name);
    this.head.add(target);
    try {
      this.rules.define(name, this.node(this.document.resolve(target, pointer), target));
    } catch (error) {
      this.refRules.delete(target);
      throw error;
    } finally {
      this.head.delete(target);
    }
    return name;
  }

  /** Inside an object or array a character has been written, so recursion from there on is fine. */
  private afterToken<T>(work: () => T): T {
    const saved = this.head;
    this.head = new Set();
    try {
      return work();
    } finally {
      this.head = saved;
    }
  }

  private typed(schema: JsonSchema, pointer: string): string {
    let types = typesOf(schema.type);
    if (types.length === 0) {
      if (!hasConstraints(schema, [])) return this.json.value();
      types = impliedTypes(schema);
    }
    if ('const' in schema || Array.isArray(schema.enum)) return this.literals(schema, types, pointer);
    const parts = types.filter((type) => !(type === 'integer' && types.includes('number'))).map((type) => this.ofType(type, schema, pointer));
    if (parts.length === 0) this.invalid(pointer, 'its type list is empty');
    return parts.length === 1 ? parts[0]! : this.rules.add(`${hintOf(pointer)}-types`, parts.join(' | '));
  }

  private literals(schema: JsonSchema, types: string[], pointer: string): string {
    const values = 'const' in schema ? [schema.const] : (schema.enum as unknown[]);
    const fits = values.filter((value) => types.some((type) => isOfType(value, type)));
    if (fits.length === 0) this.invalid(pointer, `none of its ${'const' in schema ? 'const' : 'enum'} values is of type ${types.join(' or ')}`);
    return this.rules.add(`${hintOf(pointer)}-enum`, [...new Set(fits.map((value) => literal(JSON.stringify(value))))].join(' | '));
  }

  private ofType(type: string, schema: JsonSchema, pointer: string): string {
    switch (type) {
      case 'null':
        return this.json.null();
      case 'boolean':
        return this.json.boolean();
      case 'integer':
        return this.integer(schema, pointer);
      case 'number':
        return this.number(schema, pointer);
      case 'string':
        return this.string(schema, pointer);
      case 'array':
        return this.afterToken(() => this.array(schema, pointer));
      case 'object':
        return this.afterToken(() => this.object(schema, pointer));
      default:
        throw new HearthError('SCHEMA_INVALID', `Unknown type "${type}" at ${pointer || '/'}.`, { pointer: `${pointer}/type` });
    }
  }

  private numericFormat(schema: JsonSchema, pointer: string): void {
    if (typeof schema.format === 'string') this.unsupported.push({ pointer: `${pointer}/format`, keyword: 'format', message: `format "${schema.format}" on a number is checked by validation` });
  }

  private integer(schema: JsonSchema, pointer: string): string {
    this.numericFormat(schema, pointer);
    const { low, high } = bounds(schema);
    if (low === undefined && high === undefined) return this.json.integer();
    const min = low === undefined ? undefined : BigInt(low.exclusive ? Math.floor(low.value) + 1 : Math.ceil(low.value));
    const max = high === undefined ? undefined : BigInt(high.exclusive ? Math.ceil(high.value) - 1 : Math.floor(high.value));
    if (min !== undefined && max !== undefined && min > max) this.invalid(pointer, `no integer lies between its bounds`);
    return this.rules.add(`${hintOf(pointer)}-int`, integerRange(min, max));
  }

  private number(schema: JsonSchema, pointer: string): string {
    this.numericFormat(schema, pointer);
    const { low, high } = bounds(schema);
    if (low === undefined && high === undefined) return this.json.number();
    // Without a sign the number is ≥ 0, which holds `minimum: 0` exactly; other bounds on a fraction are
    // past what a grammar over digits can say simply, and are left to validation.
    const held = low !== undefined && low.value === 0 && !low.exclusive && high === undefined;
    for (const [bound, keyword] of [[low, low?.exclusive ? 'exclusiveMinimum' : 'minimum'], [high, high?.exclusive ? 'exclusiveMaximum' : 'maximum']] as const) {
      if (bound && !held) this.unsupported.push({ pointer: `${pointer}/${keyword}`, keyword, message: `${keyword} ${bound.value} on a number (not an integer) is enforced by validation${low && low.value >= 0 ? '; the grammar holds the sign' : ''}` });
    }
    if (low !== undefined && low.value >= 0) return this.rules.add('non-negative-number', '("0" | [1-9] [0-9]*) ("." [0-9]+)? ([eE] [-+]? [0-9]+)?');
    return this.json.number();
  }

  private string(schema: JsonSchema, pointer: string): string {
    const char = this.json.char();
    const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
    const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
    if (maxLength !== undefined && maxLength < minLength) this.invalid(pointer, `minLength ${minLength} is above maxLength ${maxLength}`);
    const lengthAlso = (what: string) => {
      for (const keyword of ['minLength', 'maxLength'] as const) {
        if (keyword in schema) this.unsupported.push({ pointer: `${pointer}/${keyword}`, keyword, message: `${keyword} beside ${what} is enforced by validation` });
      }
    };
    let content: string | undefined;
    if (typeof schema.format === 'string') {
      content = formatGrammar(schema.format, char, this.rules);
      if (content === undefined) {
        this.unsupported.push({ pointer: `${pointer}/format`, keyword: 'format', message: `format "${schema.format}" is not compiled into the grammar; validation checks it` });
      } else {
        if (looseFormats.has(schema.format)) this.unsupported.push({ pointer: `${pointer}/format`, keyword: 'format', message: `format "${schema.format}": the grammar holds its outline, validation the rest` });
        lengthAlso(`format "${schema.format}"`);
        if (typeof schema.pattern === 'string' && !patternIsFormat(schema.format, schema.pattern)) {
          this.unsupported.push({ pointer: `${pointer}/pattern`, keyword: 'pattern', message: 'pattern beside a format is enforced by validation' });
        }
      }
    }
    if (content === undefined && typeof schema.pattern === 'string' && ('minLength' in schema || 'maxLength' in schema)) {
      content = lengthBoundedPattern(schema.pattern, this.rules, minLength, maxLength);
    }
    if (content === undefined && typeof schema.pattern === 'string') {
      try {
        content = patternGrammar(schema.pattern, char, this.rules);
        lengthAlso('pattern');
      } catch (error) {
        if (!(error instanceof RegexUnsupported)) throw error;
        this.unsupported.push({ pointer: `${pointer}/pattern`, keyword: 'pattern', message: `pattern uses ${error.message}, which a grammar cannot hold; validation checks it` });
      }
    }
    content ??= repeat(char, minLength, maxLength, this.rules);
    if (content === `${char}*`) return this.json.string();
    return this.rules.add(`${hintOf(pointer)}-string`, `"\\"" ${content} "\\""`);
  }

  private array(schema: JsonSchema, pointer: string): string {
    const tuple = (Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : []) as Node[];
    const restSchema = (Array.isArray(schema.items) ? schema.additionalItems : Array.isArray(schema.prefixItems) ? schema.items : schema.items) as Node | undefined;
    const restKeyword = Array.isArray(schema.items) ? 'additionalItems' : 'items';
    const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
    const maxItems = typeof schema.maxItems === 'number' ? schema.maxItems : undefined;
    if (maxItems !== undefined && maxItems < minItems) this.invalid(pointer, `minItems ${minItems} is above maxItems ${maxItems}`);
    const prefixKeyword = Array.isArray(schema.prefixItems) ? 'prefixItems' : 'items';
    const usable = maxItems === undefined ? tuple.length : Math.min(tuple.length, maxItems);
    const positional: string[] = [];
    for (let i = 0; i < usable; i++) {
      if (tuple[i] === false) {
        if (i < minItems) this.invalid(`${pointer}/${prefixKeyword}/${i}`, `item ${i} is required by minItems but its schema is false`);
        break;
      }
      positional.push(this.node(tuple[i], `${pointer}/${prefixKeyword}/${i}`));
    }
    const restAllowed = restSchema !== false && positional.length === tuple.length;
    const rest = restAllowed ? this.ifPossible(restSchema, `${pointer}/${restKeyword}`) : undefined;
    if (rest === undefined && minItems > positional.length) this.invalid(pointer, `minItems ${minItems} needs more items than the schema allows`);

    // Items after the first are written "," item; the ones past minItems are optional, nested.
    const restMin = Math.max(0, minItems - positional.length);
    const restMax = maxItems === undefined ? undefined : Math.max(0, maxItems - positional.length);
    const restPart = (first: boolean) => {
      if (rest === undefined || restMax === 0) return '';
      if (first) {
        const more = repeat(`"," ${rest}`, Math.max(0, restMin - 1), restMax === undefined ? undefined : restMax - 1, this.rules);
        const body = more === '""' ? rest : `${rest} ${more}`;
        return restMin > 0 ? body : `(${body})?`;
      }
      return repeat(`"," ${rest}`, restMin, restMax, this.rules);
    };
    let body = restPart(positional.length === 0);
    for (let i = positional.length - 1; i >= 0; i--) {
      const item = i === 0 ? positional[i]! : `"," ${positional[i]}`;
      const seq = body && body !== '""' ? `${item} ${body}` : item;
      body = i < minItems ? seq : `(${seq})?`;
    }
    return this.rules.add(`${hintOf(pointer)}-array`, `"[" ${body || ''} "]"`.replace(/ {2}/g, ' '));
  }

  private object(schema: JsonSchema, pointer: string): string {
    const properties = (schema.properties ?? {}) as Record<string, Node>;
    const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
    const lists = 'properties' in schema || Array.isArray(schema.required);
    const extra =
      'patternProperties' in schema ? true
      : schema.additionalProperties !== undefined ? (schema.additionalProperties as Node)
      : this.extraKeys === 'explicit' && lists ? false
      : true;
    const listed: Array<{ key: string; value: string; required: boolean }> = [];
    const names = [...Object.keys(properties), ...[...required].filter((key) => !(key in properties))];
    for (const key of names) {
      const at = key in properties ? `${pointer}/properties/${escape(key)}` : `${pointer}/additionalProperties`;
      // A required key the schema does not list is held to additionalProperties as the schema gives it.
      const propertySchema = key in properties ? properties[key] : 'patternProperties' in schema ? true : ((schema.additionalProperties as Node | undefined) ?? true);
      if (propertySchema === false) {
        if (required.has(key)) this.invalid(pointer, `the required property "${key}" is not allowed by the schema`);
        continue;
      }
      const value = required.has(key) ? this.node(propertySchema, at) : this.ifPossible(propertySchema, at);
      if (value !== undefined) listed.push({ key, value: `${literal(JSON.stringify(key))} ":" ${value}`, required: required.has(key) });
    }
    const extraValue = extra === false ? undefined : this.ifPossible(extra, `${pointer}/additionalProperties`);
    const additional = extraValue === undefined ? undefined : `${this.json.string()} ":" ${extraValue}`;
    const hint = hintOf(pointer);
    const additionalRule = additional ? this.rules.add(`${hint}-kv`, additional) : undefined;
    const extraTail = additionalRule ? `("," ${additionalRule})*` : '';

    // tails[i]: the properties from i on, each written after a comma (something came before).
    const tails: string[] = new Array(listed.length + 1);
    tails[listed.length] = extraTail;
    for (let i = listed.length - 1; i >= 0; i--) {
      const property = listed[i]!;
      const next = tails[i + 1];
      const own = property.required ? `"," ${property.value}` : `("," ${property.value})?`;
      const body = next ? `${own} ${next}` : own;
      tails[i] = i === 0 ? body : this.rules.add(`${hint}-after-${i}`, body);
    }
    // The first property written: any up to the first required one (which cannot be skipped).
    const firsts: string[] = [];
    let anyRequired = false;
    for (let i = 0; i < listed.length; i++) {
      const next = tails[i + 1];
      firsts.push(next ? `${listed[i]!.value} ${next}` : listed[i]!.value);
      if (listed[i]!.required) {
        anyRequired = true;
        break;
      }
    }
    if (!anyRequired && additionalRule) firsts.push(`${additionalRule} ${extraTail}`);
    const inner = firsts.length === 0 ? '' : firsts.length === 1 ? firsts[0]! : `(${firsts.join(' | ')})`;
    const body = inner === '' ? '"{" "}"' : anyRequired ? `"{" ${inner} "}"` : `"{" (${inner})? "}"`;
    return this.rules.add(`${hint}-object`, body);
  }
}

function hintOf(pointer: string): string {
  const parts = pointer.split('/').filter((part) => part && !['properties', 'items', 'anyOf', 'oneOf', 'allOf', 'prefixItems', '$defs', 'definitions'].includes(part));
  return parts.slice(-2).join('-');
}

