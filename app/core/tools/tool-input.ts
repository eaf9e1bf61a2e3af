/**
 * The pieces tool inputs are made of, chosen so that the JSON Schema a model is held to and the zod schema
 * its call is validated by say the same thing: a call the local grammar lets through is a call the registry
 * accepts. Every string is bounded (random or small models would otherwise write inside one forever), ids
 * and addresses are patterns (which the grammar compiles) rather than formats (which it only outlines).
 */
import { z } from 'zod';

/**
 * Free text of at most `max` characters. The grammar counts maxLength in code points (as JSON Schema does)
 * and zod's `.max()` counts UTF-16 units, so one emoji would pass the one and fail the other: the check is
 * by code points, and the JSON Schema carries the same `maxLength`.
 */
export function text(max: number, min = 0): z.ZodType<string> {
  return z
    .string()
    .refine((value) => {
      const length = [...value].length;
      return length >= min && length <= max;
    }, min > 0 ? `between ${min} and ${max} characters` : `at most ${max} characters`)
    .meta({ ...(min > 0 ? { minLength: min } : {}), maxLength: max });
}

/** An id of something Hearth keeps (a document, a report, an artifact): letters, digits, `-`, `_`, `.`, `:`. */
export const EntityId = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'an id: 1–64 letters, digits, "-", "_", "." or ":"');

/** A calendar day as ISO 8601 (`2027-03-01`): zod's own pattern, which the grammar holds day for day. */
export const IsoDate = z.iso.date();

/** A time of day on the 24-hour clock (`09:30`). */
export const TimeOfDay = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'a time of day as HH:MM (00:00–23:59)');

/** An IANA time zone name's shape (`Europe/Moscow`, `America/Argentina/Buenos_Aires`, `UTC`); the zone itself is checked when used. */
export const TimeZoneName = z.string().regex(/^[A-Za-z][A-Za-z0-9_+-]{0,29}(\/[A-Za-z0-9_+-]{1,30}){0,2}$/, 'an IANA time zone such as Europe/Moscow or UTC');

/** An ISO 3166-1 alpha-2 country code (`RU`, `US`). */
export const CountryCode = z.string().regex(/^[A-Z]{2}$/, 'a two-letter country code such as RU or US');

/** A region within a country as date-holidays names it (the ISO 3166-2 subdivision: `CA`, `NY`, `BY`). */
export const RegionCode = z.string().regex(/^[A-Z0-9]{1,3}$/, 'a region code such as CA or NY');

/** A mail address, ASCII only: what every mail client takes, and a pattern the grammar holds exactly. */
export const MailAddress = z
  .string()
  .regex(/^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63}){1,4}$/, 'a mail address such as ana@example.com');
