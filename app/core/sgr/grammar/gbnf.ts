/**
 * Writing GBNF: a rule set that names and shares rules (two schemas that compile to the same body get one
 * rule), literals and character classes spelled the way llama.cpp's grammar parser reads them, and the
 * JSON primitives every compiled grammar uses. JSON is written compact, with no whitespace between tokens,
 * which is what JSON.stringify writes and what keeps a model from spending tokens on indentation.
 */
import { HearthError } from '../../../../schemas/index.js';

/** A set of code points as sorted, disjoint, inclusive ranges. */
export type CodeRanges = Array<[number, number]>;

export const maxCodePoint = 0x10ffff;

export class RuleSet {
  private readonly bodies = new Map<string, string>();
  private readonly byBody = new Map<string, string>();
  private readonly used = new Set<string>();

  constructor(private readonly maxRules: number) {
    this.used.add('root'); // the start rule, written by text()
  }

  get size(): number {
    return this.bodies.size;
  }

  /** A rule with this body, named after `hint` (an existing rule with the same body is returned instead). */
  add(hint: string, body: string): string {
    const existing = this.byBody.get(body);
    if (existing) return existing;
    const name = this.reserve(hint);
    this.define(name, body);
    return name;
  }

  /** A name for a rule whose body comes later (recursion through `$ref`). */
  reserve(hint: string): string {
    const base = hint.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase() || 'r';
    let name = base;
    for (let n = 2; this.used.has(name); n++) name = `${base}-${n}`;
    this.used.add(name);
    if (this.used.size > this.maxRules) {
      throw new HearthError('SCHEMA_TOO_LARGE', `The schema needs more than ${this.maxRules} grammar rules to compile.`, { pointer: '', maxRules: this.maxRules });
    }
    return name;
  }

  define(name: string, body: string): void {
    this.bodies.set(name, body);
    if (!this.byBody.has(body)) this.byBody.set(body, name);
  }

  text(root: string): string {
    const lines = [`root ::= ${root}`];
    for (const [name, body] of this.bodies) lines.push(`${name} ::= ${body}`);
    return `${lines.join('\n')}\n`;
  }
}

/** A GBNF string literal for exact text. */
export function literal(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (code >= 0x20 && code < 0x7f) out += char;
    else out += hexEscape(code);
  }
  return `${out}"`;
}

function hexEscape(code: number): string {
  return code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\U${code.toString(16).padStart(8, '0')}`;
}

function classChar(code: number): string {
  const char = String.fromCodePoint(code);
  return /[a-zA-Z0-9 !#$%&'()*+,.\/:;<=>?@_`{|}~]/.test(char) ? char : hexEscape(code);
}

/** A GBNF character class for the ranges (negated when that is shorter); undefined for the empty set. */
export function charClass(ranges: CodeRanges): string | undefined {
  if (ranges.length === 0) return undefined;
  const spell = (set: CodeRanges) => set.map(([a, b]) => (a === b ? classChar(a) : b === a + 1 ? classChar(a) + classChar(b) : `${classChar(a)}-${classChar(b)}`)).join('');
  const complement = complementOf(ranges);
  return complement.length > 0 && complement.length < ranges.length ? `[^${spell(complement)}]` : `[${spell(ranges)}]`;
}

export function normalizeRanges(ranges: CodeRanges): CodeRanges {
  const sorted = ranges.filter(([a, b]) => a <= b).sort((x, y) => x[0] - y[0]);
  const out: CodeRanges = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

export function complementOf(ranges: CodeRanges): CodeRanges {
  const out: CodeRanges = [];
  let next = 0;
  for (const [a, b] of normalizeRanges(ranges)) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= maxCodePoint) out.push([next, maxCodePoint]);
  return out;
}

export function subtractRanges(ranges: CodeRanges, removed: CodeRanges): CodeRanges {
  const keep = complementOf(removed);
  const out: CodeRanges = [];
  for (const [a, b] of normalizeRanges(ranges)) {
    for (const [c, d] of keep) {
      const lo = Math.max(a, c);
      const hi = Math.min(b, d);
      if (lo <= hi) out.push([lo, hi]);
    }
  }
  return normalizeRanges(out);
}

/** Characters a JSON string holds as they are; the rest are escaped. */
const rawInString: CodeRanges = subtractRanges([[0x20, maxCodePoint]], [[0x22, 0x22], [0x5c, 0x5c]]);
const shortEscapes: Record<number, string> = { 0x22: '\\"', 0x5c: '\\\\', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t' };

/**
 * The grammar of one character of a JSON string's content that is in `ranges`, as JSON.stringify writes
 * it: raw where JSON allows, `\"` `\\` `\n`… for those, `\u00XX` for other control characters.
 */
export function stringCharOf(ranges: CodeRanges): string | undefined {
  const set = normalizeRanges(ranges);
  const alternatives: string[] = [];
  const raw = charClass(subtractRanges(set, complementOf(rawInString)));
  if (raw) alternatives.push(raw);
  const controls = subtractRanges(set, complementOf([[0, 0x1f], [0x22, 0x22], [0x5c, 0x5c]]));
  let otherControls = false;
  for (const [a, b] of controls) {
    for (let code = a; code <= b; code++) {
      const short = shortEscapes[code];
      if (short) alternatives.push(literal(short));
      else otherControls = true;
    }
  }
  if (otherControls) alternatives.push('"\\\\u00" [01] [0-9a-fA-F]');
  if (alternatives.length === 0) return undefined;
  return alternatives.length === 1 ? alternatives[0]! : `(${alternatives.join(' | ')})`;
}

/**
 * llama.cpp expands `x{m,n}` into rules and refuses a repetition whose count times the rules inside its
 * item reaches 2000 (and quietly reads a larger upper count as no bound at all). So a compound item is
 * named as a rule first, and counts past the limit are built from blocks of {@link block} repetitions.
 */
const limit = 1999;
const block = 999;

/** `x{min,max}` as GBNF llama.cpp accepts, exact at any count. */
export function repeat(expression: string, min: number, max: number | undefined, rules: RuleSet): string {
  if (max !== undefined && max < min) throw new Error(`repeat ${min}..${max}`);
  if (max === 0) return '""';
  const item = isSimple(expression) ? expression : rules.add('repeat', expression);
  const exact = (count: number): string[] => {
    if (count <= limit) return count === 0 ? [] : [count === 1 ? item : `${item}{${count}}`];
    const blocks = Math.floor(count / block);
    return [`${rules.add(`repeat-${block}`, `${item}{${block}}`)}${blocks > 1 ? `{${blocks}}` : ''}`, ...exact(count - blocks * block)];
  };
  if (max === undefined) {
    if (min <= limit) return min === 0 ? `${item}*` : min === 1 ? `${item}+` : `${item}{${min},}`;
    return [...exact(min), `${item}*`].join(' ');
  }
  if (max <= limit) {
    if (min === 0 && max === 1) return `${item}?`;
    if (min === max) return exact(min).join(' ');
    return `${item}{${min},${max}}`;
  }
  return [...exact(min), upTo(item, max - min, rules)].join(' ');
}

/** Between 0 and `count` (past the limit) items: a block and up to the rest, or fewer than a block. */
function upTo(item: string, count: number, rules: RuleSet): string {
  if (count <= limit) return `${item}{0,${count}}`;
  const full = rules.add(`repeat-${block}`, `${item}{${block}}`);
  return rules.add(`repeat-upto-${count}`, `${full} ${upTo(item, count - block, rules)} | ${item}{0,${block - 1}}`);
}

/** A rule name, literal or character class: llama.cpp repeats it without counting rules inside. */
function isSimple(expression: string): boolean {
  return /^[\w-]+$/.test(expression) || /^"(?:[^"\\]|\\.)*"$/.test(expression) || /^\[(?:[^\]\\]|\\.)*\]$/.test(expression);
}

/** The rules of JSON itself, added on first use. */
export class JsonRules {
  constructor(private readonly rules: RuleSet) {}

  private cached = new Map<string, string>();

  private once(name: string, body: () => string): string {
    let rule = this.cached.get(name);
    if (!rule) {
      rule = this.rules.reserve(name);
      this.cached.set(name, rule);
      this.rules.define(rule, body());
    }
    return rule;
  }

  char(): string {
    return this.once('char', () => '[^"\\\\\\u0000-\\u001f] | "\\\\" (["\\\\/bfnrt] | "u" [0-9a-fA-F]{4})');
  }

  string(): string {
    return this.once('string', () => `"\\"" ${this.char()}* "\\""`);
  }

  integer(): string {
    return this.once('integer', () => '"-"? ("0" | [1-9] [0-9]*)');
  }

  number(): string {
    return this.once('number', () => '"-"? ("0" | [1-9] [0-9]*) ("." [0-9]+)? ([eE] [-+]? [0-9]+)?');
  }

  boolean(): string {
    return this.once('boolean', () => '"true" | "false"');
  }

  null(): string {
    return this.once('null', () => '"null"');
  }

  value(): string {
    const value = this.cached.get('value');
    if (value) return value;
    const name = this.rules.reserve('value');
    this.cached.set('value', name);
    const object = this.once('object', () => `"{" (${this.string()} ":" ${name} ("," ${this.string()} ":" ${name})*)? "}"`);
    const array = this.once('array', () => `"[" (${name} ("," ${name})*)? "]"`);
    this.rules.define(name, `${object} | ${array} | ${this.string()} | ${this.number()} | ${this.boolean()} | ${this.null()}`);
    return name;
  }
}
