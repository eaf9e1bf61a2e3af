/**
 * JSON text a user wrote (a template's schema, a template file), read so that a mistake is named by its line
 * and column. JSON.parse says where only in some Node versions and in its own words, so when it fails a small
 * scanner walks the text to the first place that is not JSON.
 */

export interface JsonTextProblem {
  line: number;
  column: number;
  message: string;
}

export type JsonTextResult = { ok: true; value: unknown } | { ok: false; problem: JsonTextProblem };

export function parseJsonText(text: string): JsonTextResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    // JSON.parse's message has no reliable position: the scanner below finds it.
    const { offset, message } = firstSyntaxError(text);
    return { ok: false, problem: { ...lineAndColumn(text, offset), message } };
  }
}

/** Line and column (1-based) of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

class Stop {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

/** Where the text stops being JSON, and what was expected there. */
function firstSyntaxError(text: string): { offset: number; message: string } {
  let at = 0;
  // The scanner recurses per level: past this it says so, rather than running out of stack on "[[[[…".
  let depth = 0;
  const maxDepth = 500;
  const describe = (offset: number) => (offset >= text.length ? 'the end of the text' : `"${text[offset]}"`);
  const fail = (expected: string, offset = at): never => {
    throw new Stop(offset, `expected ${expected}, found ${describe(offset)}`);
  };
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, at)) at += word.length;
    else fail(`a value (${word}?)`);
  };
  const string = () => {
    at++; // the opening quote
    while (at < text.length && text[at] !== '"') {
      const char = text[at]!;
      if (char < ' ') fail('a closing quote before the end of the line (or \\n inside a string)');
      if (char === '\\') {
        const escape = text[at + 1];
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) fail('four hex digits after \\u', at + 2);
          at += 6;
          continue;
        }
        if (escape === undefined || !'"\\/bfnrt'.includes(escape)) fail('one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u', at + 1);
        at += 2;
        continue;
      }
      at++;
    }
    if (at >= text.length) fail('a closing quote');
    at++;
  };
  const number = () => {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(at));
    if (!match) return fail('a number');
    at += match[0].length;
  };
  const value = (): void => {
    space();
    const char = text[at];
    if ((char === '{' || char === '[') && depth >= maxDepth) fail(`at most ${maxDepth} levels of nesting`);
    if (char === '{') return object();
    if (char === '[') return array();
    if (char === '"') return string();
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return number();
    if (char === 't') return literal('true');
    if (char === 'f') return literal('false');
    if (char === 'n') return literal('null');
    fail('a value (an object, array, string, number, true, false or null)');
  };
  const object = () => {
    at++;
    depth++;
    space();
    if (text[at] === '}') return void (at++, depth--);
    for (;;) {
      space();
      if (text[at] !== '"') fail(text[at] === '}' ? 'another key after the comma (JSON allows no trailing comma)' : 'a key in double quotes');
      string();
      space();
      if (text[at] !== ':') fail('":" after the key');
      at++;
      value();
      space();
      if (text[at] === ',') {
        at++;
        continue;
      }
      if (text[at] === '}') return void (at++, depth--);
      fail('"," or "}" after the value');
    }
  };
  const array = () => {
    at++;
    depth++;
    space();
    if (text[at] === ']') return void (at++, depth--);
    for (;;) {
      space();
      if (text[at] === ']') fail('another item after the comma (JSON allows no trailing comma)');
      value();
      space();
      if (text[at] === ',') {
        at++;
        continue;
      }
      if (text[at] === ']') return void (at++, depth--);
      fail('"," or "]" after the item');
    }
  };
  try {
    value();
    space();
    if (at < text.length) fail('nothing more after the value');
  } catch (error) {
    if (error instanceof Stop) return { offset: error.offset, message: error.message };
    throw error;
  }
  // JSON.parse refused what the scanner accepts: a case it does not know; point at the start.
  return { offset: 0, message: 'not valid JSON' };
}
