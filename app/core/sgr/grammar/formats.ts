/**
 * String formats as GBNF for the string's content, matching what ajv-formats (full mode) accepts, so a
 * value the grammar lets through also validates: dates are real calendar days (leap years included), times
 * carry a time zone as RFC 3339 asks. The rest are ajv-formats' own regexes put through the pattern compiler.
 */
import { z } from 'zod';
import type { RuleSet } from './gbnf.js';
import { patternGrammar } from './regex.js';

const day31 = '("0" [1-9] | [12] [0-9] | "3" [01])';
const day30 = '("0" [1-9] | [12] [0-9] | "30")';
const day28 = '("0" [1-9] | "1" [0-9] | "2" [0-8])';
const leapYear = '([0-9] [0-9] ("0" [48] | [2468] [048] | [13579] [26]) | ([02468] [048] | [13579] [26]) "00")';
const date =
  `([0-9]{4} "-" (("0" [13578] | "1" [02]) "-" ${day31} | ("0" [469] | "11") "-" ${day30} | "02-" ${day28}) | ${leapYear} "-02-29")`;
const hour = '([01] [0-9] | "2" [0-3])';
const sixty = '[0-5] [0-9]';
// Leap seconds (":60", valid only at 23:59 UTC) are left out: a model would write them wrong far more often than right.
const time = `(${hour} ":" ${sixty} ":" ${sixty} ("." [0-9]+)? ([zZ] | [-+] ${hour} (":"? ${sixty})?))`;

/** ajv-formats' regexes (full mode) for the formats below; uri is its fast form (the full one validates). */
const regexFormats: Record<string, { source: string; ignoreCase: boolean }> = {
  email: {
    source: "^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$",
    ignoreCase: true,
  },
  uuid: { source: '^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$', ignoreCase: true },
  ipv4: { source: '^(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$', ignoreCase: false },
  uri: { source: '^(?:[a-z][a-z0-9+\\-.]*:)(?:\\/?\\/)?[^\\s]*$', ignoreCase: true },
};

/** Formats whose grammar is looser than the validator: the grammar holds the shape, validation the rest. */
export const looseFormats = new Set(['uri']);

/** The grammar of a string's content in this format, or undefined for a format the compiler does not know. */
export function formatGrammar(format: string, anyChar: string, rules: RuleSet): string | undefined {
  switch (format) {
    case 'date':
      return date;
    case 'time':
      return time;
    case 'date-time':
      return `${date} [tT ] ${time}`;
    default: {
      const regex = regexFormats[format];
      return regex ? patternGrammar(regex.source, anyChar, rules, { ignoreCase: regex.ignoreCase }) : undefined;
    }
  }
}

let zodDatePattern: string | undefined;

/**
 * Whether a pattern beside a format says nothing more than the format's grammar: zod writes its own regex
 * for `z.iso.date()` next to `format: "date"`, and it accepts exactly the real calendar days the date
 * grammar does, so Hearth's own templates hold their dates without a warning.
 */
export function patternIsFormat(format: string, pattern: string): boolean {
  if (format !== 'date') return false;
  zodDatePattern ??= String((z.toJSONSchema(z.iso.date()) as { pattern?: string }).pattern);
  return pattern === zodDatePattern;
}
