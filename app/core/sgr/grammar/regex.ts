/**
 * A JSON Schema `pattern` (an ECMAScript regex, searched for anywhere in the string unless anchored) as
 * GBNF over a JSON string's content. The part a grammar can hold is the regular part: characters, classes,
 * groups, alternation, quantifiers and anchors at the ends. Lookaround, backreferences, word boundaries and
 * Unicode property classes are not regular, or not worth a grammar; they throw {@link RegexUnsupported} so
 * the caller can say so and leave the pattern to validation.
 */
import { normalizeRanges, repeat, stringCharOf, subtractRanges, type CodeRanges, type RuleSet } from './gbnf.js';

export class RegexUnsupported extends Error {}

type Node =
  | { kind: 'set'; ranges: CodeRanges }
  | { kind: 'seq'; items: Node[] }
  | { kind: 'alt'; options: Node[] }
  | { kind: 'repeat'; item: Node; min: number; max: number | undefined }
  | { kind: 'start' }
  | { kind: 'end' };

const digits: CodeRanges = [[0x30, 0x39]];
const word: CodeRanges = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]];
const space: CodeRanges = [
  [0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f],
  [0x3000, 0x3000], [0xfeff, 0xfeff],
];
const lineEnds: CodeRanges = [[0x0a, 0x0a], [0x0d, 0x0d], [0x2028, 0x2029]];
const everything: CodeRanges = [[0, 0x10ffff]];

class Parser {
  private readonly chars: string[];
  private at = 0;

  constructor(source: string, private readonly ignoreCase: boolean) {
    this.chars = Array.from(source);
  }

  parse(): Node {
    const node = this.alternation();
    if (this.at < this.chars.length) throw new RegexUnsupported(`unmatched ")" at ${this.at}`);
    return node;
  }

  private peek(offset = 0): string | undefined {
    return this.chars[this.at + offset];
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.peek() === '|') {
      this.at++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0]! : { kind: 'alt', options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.at < this.chars.length && this.peek() !== '|' && this.peek() !== ')') {
      const atom = this.atom();
      items.push(this.quantified(atom));
    }
    return { kind: 'seq', items };
  }

  private quantified(atom: Node): Node {
    const char = this.peek();
    let min: number;
    let max: number | undefined;
    if (char === '*') [min, max] = [0, undefined];
    else if (char === '+') [min, max] = [1, undefined];
    else if (char === '?') [min, max] = [0, 1];
    else if (char === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.chars.slice(this.at, this.at + 24).join(''));
      if (!match) return atom; // a literal "{" (allowed outside unicode mode)
      min = Number(match[1]);
      max = match[2] === undefined ? min : match[3] ? Number(match[3]) : undefined;
      this.at += match[0].length - 1;
    } else return atom;
    this.at++;
    if (this.peek() === '?') this.at++; // lazy: the same strings match
    if (atom.kind === 'start' || atom.kind === 'end') throw new RegexUnsupported('a quantified anchor');
    if (max !== undefined && max < min) throw new RegexUnsupported(`the quantifier {${min},${max}}`);
    return this.quantified({ kind: 'repeat', item: atom, min, max });
  }

  private atom(): Node {
    const char = this.chars[this.at++]!;
    switch (char) {
      case '^':
        return { kind: 'start' };
      case '$':
        return { kind: 'end' };
      case '.':
        return { kind: 'set', ranges: subtractRanges(everything, lineEnds) };
      case '[':
        return { kind: 'set', ranges: this.cased(this.charClass()) };
      case '(':
        return this.group();
      case '\\':
        return { kind: 'set', ranges: this.cased(this.escape(false)) };
      case '*':
      case '+':
      case '?':
        throw new RegexUnsupported(`nothing to repeat before "${char}"`);
      default:
        return { kind: 'set', ranges: this.cased(single(char.codePointAt(0)!)) };
    }
  }

  private group(): Node {
    if (this.peek() === '?') {
      const next = this.peek(1);
      if (next === ':') this.at += 2;
      else if (next === '<' && this.peek(2) !== '=' && this.peek(2) !== '!') {
        const close = this.chars.indexOf('>', this.at);
        if (close < 0) throw new RegexUnsupported('an unclosed group name');
        this.at = close + 1;
      } else throw new RegexUnsupported('lookaround (?=, ?!, ?<=, ?<!)');
    }
    const inner = this.alternation();
    if (this.chars[this.at++] !== ')') throw new RegexUnsupported('an unclosed group');
    return inner;
  }

  private charClass(): CodeRanges {
    const negated = this.peek() === '^';
    if (negated) this.at++;
    const ranges: CodeRanges = [];
    while (this.peek() !== ']') {
      if (this.at >= this.chars.length) throw new RegexUnsupported('an unclosed character class');
      const from = this.classAtom();
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== undefined && from.length === 1 && from[0]![0] === from[0]![1]) {
        this.at++;
        const to = this.classAtom();
        if (to.length !== 1 || to[0]![0] !== to[0]![1]) {
          ranges.push(...from, [0x2d, 0x2d], ...to);
          continue;
        }
        if (to[0]![0] < from[0]![0]) throw new RegexUnsupported('a character range out of order');
        ranges.push([from[0]![0], to[0]![0]]);
      } else ranges.push(...from);
    }
    this.at++;
    const set = normalizeRanges(ranges);
    return negated ? subtractRanges(everything, set) : set;
  }

  private classAtom(): CodeRanges {
    const char = this.chars[this.at++]!;
    if (char !== '\\') return single(char.codePointAt(0)!);
    return this.escape(true);
  }

  private escape(inClass: boolean): CodeRanges {
    const char = this.chars[this.at++];
    if (char === undefined) throw new RegexUnsupported('a pattern that ends in "\\"');
    switch (char) {
      case 'd': return digits;
      case 'D': return subtractRanges(everything, digits);
      case 'w': return word;
      case 'W': return subtractRanges(everything, word);
      case 's': return space;
      case 'S': return subtractRanges(everything, space);
      case 't': return single(0x09);
      case 'n': return single(0x0a);
      case 'r': return single(0x0d);
      case 'v': return single(0x0b);
      case 'f': return single(0x0c);
      case '0': return single(0);
      case 'b':
        if (inClass) return single(0x08);
        throw new RegexUnsupported('a word boundary (\\b)');
      case 'B': throw new RegexUnsupported('a non-boundary (\\B)');
      case 'c': {
        const letter = this.chars[this.at++] ?? '';
        if (!/[a-zA-Z]/.test(letter)) throw new RegexUnsupported('a control escape');
        return single(letter.codePointAt(0)! % 32);
      }
      case 'x': return single(this.hex(2));
      case 'u':
        if (this.peek() === '{') {
          const close = this.chars.indexOf('}', this.at);
          const code = Number.parseInt(this.chars.slice(this.at + 1, close).join(''), 16);
          if (close < 0 || Number.isNaN(code)) throw new RegexUnsupported('a bad \\u{…} escape');
          this.at = close + 1;
          return single(code);
        }
        return single(this.hex(4));
      case 'p':
      case 'P': throw new RegexUnsupported('a Unicode property class (\\p{…})');
      case 'k': throw new RegexUnsupported('a named backreference');
      default:
        if (/[1-9]/.test(char)) throw new RegexUnsupported('a backreference');
        return single(char.codePointAt(0)!);
    }
  }

  private hex(length: number): number {
    const text = this.chars.slice(this.at, this.at + length).join('');
    if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(text)) throw new RegexUnsupported(`a bad hex escape "${text}"`);
    this.at += length;
    return Number.parseInt(text, 16);
  }

  private cased(ranges: CodeRanges): CodeRanges {
    if (!this.ignoreCase) return ranges;
    const extra: CodeRanges = [];
    for (const [a, b] of ranges) {
      const lo = Math.max(a, 0x41), hi = Math.min(b, 0x5a);
      if (lo <= hi) extra.push([lo + 32, hi + 32]);
      const lo2 = Math.max(a, 0x61), hi2 = Math.min(b, 0x7a);
      if (lo2 <= hi2) extra.push([lo2 - 32, hi2 - 32]);
    }
    return normalizeRanges([...ranges, ...extra]);
  }
}

function single(code: number): CodeRanges {
  return [[code, code]];
}

/**
 * The GBNF for JSON string content (between the quotes) whose decoded text the pattern matches.
 * `anyChar` is the rule for one character of any JSON string (for the unanchored ends).
 */
export function patternGrammar(pattern: string, anyChar: string, rules: RuleSet, options: { ignoreCase?: boolean } = {}): string {
  const tree = new Parser(pattern, options.ignoreCase ?? false).parse();
  const options_ = tree.kind === 'alt' ? tree.options : [tree];
  const alternatives = options_.map((option) => {
    const items = option.kind === 'seq' ? [...option.items] : [option];
    const anchoredStart = items[0]?.kind === 'start';
    if (anchoredStart) items.shift();
    const anchoredEnd = items[items.length - 1]?.kind === 'end';
    if (anchoredEnd) items.pop();
    const body = items.map((item) => emit(item, rules)).filter((part) => part !== '""');
    return [...(anchoredStart ? [] : [`${anyChar}*`]), ...body, ...(anchoredEnd ? [] : [`${anyChar}*`])].join(' ') || '""';
  });
  return alternatives.length === 1 ? alternatives[0]! : `(${alternatives.join(' | ')})`;
}

/**
 * A pattern that is one character class repeated, anchored at both ends (`^[a-z0-9]+$`, `^\\d{4}$`), with
 * minLength/maxLength beside it: one repetition holds both. Undefined for any other pattern (or when the
 * two leave no length between them), and the caller holds the pattern alone.
 */
export function lengthBoundedPattern(pattern: string, rules: RuleSet, minLength: number, maxLength: number | undefined): string | undefined {
  let tree: Node;
  try {
    tree = new Parser(pattern, false).parse();
  } catch {
    return undefined;
  }
  const items = tree.kind === 'seq' ? tree.items : [];
  if (items.length !== 3 || items[0]!.kind !== 'start' || items[2]!.kind !== 'end') return undefined;
  const middle = items[1]!;
  const [set, min, max] = middle.kind === 'set' ? [middle, 1, 1] : middle.kind === 'repeat' && middle.item.kind === 'set' ? [middle.item, middle.min, middle.max] : [];
  if (!set || set.kind !== 'set' || min === undefined) return undefined;
  const low = Math.max(min, minLength);
  const high = max === undefined ? maxLength : maxLength === undefined ? max : Math.min(max, maxLength);
  const char = stringCharOf(set.ranges);
  if (!char || (high !== undefined && high < low)) return undefined;
  return repeat(char, low, high, rules);
}

function emit(node: Node, rules: RuleSet): string {
  switch (node.kind) {
    case 'start':
    case 'end':
      throw new RegexUnsupported('an anchor (^ or $) inside the pattern');
    case 'set': {
      const char = stringCharOf(node.ranges);
      if (!char) throw new RegexUnsupported('a character class that matches nothing');
      return char;
    }
    case 'seq': {
      const parts = node.items.map((item) => emit(item, rules)).filter((part) => part !== '""');
      return parts.length === 0 ? '""' : parts.length === 1 ? parts[0]! : `(${parts.join(' ')})`;
    }
    case 'alt':
      return `(${node.options.map((option) => emit(option, rules)).join(' | ')})`;
    case 'repeat': {
      const item = emit(node.item, rules);
      if (item === '""') return '""';
      return repeat(item, node.min, node.max, rules);
    }
  }
}
