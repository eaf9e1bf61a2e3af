/**
 * `date_calc`: the date arithmetic a plan needs, done by well-kept libraries instead of the model — luxon for
 * calendar durations, hours across daylight-saving changes and time zones; date-holidays (holiday-calendar.ts)
 * for business days in a country. Every result says which holidays and weekends it stepped over, so the user
 * can see why "10 business days" landed where it did.
 */
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { HearthError } from '../../../schemas/index.js';
import { HolidayCalendar, type Holiday } from './holiday-calendar.js';
import type { Tool } from './tool.js';
import { CountryCode, IsoDate, RegionCode, TimeOfDay, TimeZoneName } from './tool-input.js';

const amount = (max: number) => z.number().int().min(0).max(max).optional();

const DateCalcInput = z.object({
  operation: z
    .enum(['add', 'subtract', 'difference', 'next_business_day', 'is_business_day', 'convert_time_zone'])
    .describe('add / subtract a duration to `date`; difference from `date` to `to_date`; next_business_day after `date`; is_business_day of `date`; convert_time_zone of `date` `time` from `time_zone` to `to_time_zone`.'),
  date: IsoDate.describe('The date (YYYY-MM-DD): the start, or the day asked about.'),
  time: TimeOfDay.optional().describe('A time of day on `date` (HH:MM), for hours and time zones.'),
  time_zone: TimeZoneName.optional().describe('The time zone of `date` and `time` (IANA, e.g. Europe/Moscow); default the user’s.'),
  to_date: IsoDate.optional().describe('For difference: the end date.'),
  to_time_zone: TimeZoneName.optional().describe('For convert_time_zone: the zone to convert to.'),
  years: amount(100),
  months: amount(1200),
  weeks: amount(5200),
  days: amount(36500),
  hours: amount(876000),
  business_days: amount(10000).describe('Working days: weekends and the country’s public holidays are skipped.'),
  country: CountryCode.optional().describe('The country whose public holidays count (RU, US, …): the one the documents’ terms are under; default the user’s.'),
  region: RegionCode.optional().describe('A region of the country with holidays of its own (US: CA, NY; DE: BY).'),
});
type DateCalcInput = z.infer<typeof DateCalcInput>;

export interface DateCalcDefaults {
  /** The user's country for business days when the call names none. */
  country?: string | undefined;
  /** The user's time zone when the call names none. Default UTC. */
  timeZone?: string | undefined;
}

/**
 * The user's country and time zone: `HEARTH_COUNTRY` and `HEARTH_TIME_ZONE` when set, else the machine's own (its
 * locale's region, its zone) — what a person at this desktop means by "business days" and "at 10:00".
 */
export function userDateDefaults(env: NodeJS.ProcessEnv = process.env): DateCalcDefaults {
  const system = Intl.DateTimeFormat().resolvedOptions();
  const country = env.HEARTH_COUNTRY ?? new Intl.Locale(system.locale).maximize().region;
  const timeZone = env.HEARTH_TIME_ZONE ?? system.timeZone;
  if (env.HEARTH_COUNTRY !== undefined && !/^[A-Za-z]{2}$/.test(env.HEARTH_COUNTRY)) {
    throw new HearthError('BAD_REQUEST', `HEARTH_COUNTRY must be a two-letter country code such as RU or US, not "${env.HEARTH_COUNTRY}".`);
  }
  if (env.HEARTH_TIME_ZONE !== undefined && !IANAZone.isValidZone(env.HEARTH_TIME_ZONE)) {
    throw new HearthError('BAD_REQUEST', `HEARTH_TIME_ZONE must be an IANA time zone such as Europe/Moscow, not "${env.HEARTH_TIME_ZONE}".`);
  }
  return { ...(country ? { country: country.toUpperCase() } : {}), ...(timeZone && IANAZone.isValidZone(timeZone) ? { timeZone } : {}) };
}

export function dateCalcTool(defaults: DateCalcDefaults = {}): Tool<DateCalcInput, Record<string, unknown>> {
  return {
    name: 'date_calc',
    title: 'Calculate dates',
    description:
      'Date arithmetic with real calendars: add or subtract years, months, weeks, days, hours and business days (weekends and the public holidays of a country such as RU or US skipped); the calendar and business days between two dates; the next business day; whether a day is a business day; a time converted between time zones. Use it instead of counting days yourself.',
    input: DateCalcInput,
    sideEffects: false,
    async run(input) {
      return calculate(input, defaults);
    },
  };
}

function calculate(input: DateCalcInput, defaults: DateCalcDefaults): { output: Record<string, unknown>; summary: string } {
  const zone = zoneOf(input.time_zone ?? defaults.timeZone ?? 'UTC');
  const calendar = new HolidayCalendar(input.country ?? defaults.country, input.region);
  const start = DateTime.fromISO(`${input.date}T${input.time ?? '00:00'}`, { zone });
  if (!start.isValid) throw new HearthError('BAD_REQUEST', `${input.date} ${input.time ?? ''} is not a time in ${zone}: ${start.invalidExplanation ?? start.invalidReason}.`);

  switch (input.operation) {
    case 'add':
    case 'subtract':
      return shift(input, start, calendar, input.operation === 'add' ? 1 : -1);
    case 'difference': {
      if (!input.to_date) throw new HearthError('BAD_REQUEST', 'difference needs `to_date`, the end date.');
      return difference(input.date, input.to_date, calendar);
    }
    case 'next_business_day': {
      const skipped: Skipped = { holidays: [], weekendDays: 0 };
      const day = stepBusinessDays(input.date, 1, 1, calendar, skipped);
      return {
        output: { date: day, weekday: weekdayOf(day), holidays_skipped: skipped.holidays, weekend_days_skipped: skipped.weekendDays, calendar: calendar.label },
        summary: `next business day after ${input.date} (${calendar.label}) → ${day}`,
      };
    }
    case 'is_business_day': {
      const holiday = calendar.holidayOn(input.date);
      const weekend = calendar.isWeekend(input.date);
      const business = !weekend && holiday === undefined;
      const reason = business ? 'a working day' : weekend ? `a ${weekdayOf(input.date)}` : `a public holiday: ${holiday}`;
      return {
        output: { date: input.date, weekday: weekdayOf(input.date), business_day: business, reason, ...(holiday ? { holiday } : {}), calendar: calendar.label },
        summary: `${input.date} is ${business ? '' : 'not '}a business day (${calendar.label}): ${reason}`,
      };
    }
    case 'convert_time_zone': {
      if (!input.to_time_zone) throw new HearthError('BAD_REQUEST', 'convert_time_zone needs `to_time_zone`, the zone to convert to.');
      const converted = start.setZone(zoneOf(input.to_time_zone));
      return {
        output: { from: start.toISO(), to: converted.toISO(), date: converted.toISODate(), time: converted.toFormat('HH:mm'), time_zone: converted.zoneName, offset: converted.toFormat('ZZ') },
        summary: `${start.toFormat('yyyy-MM-dd HH:mm')} ${start.zoneName} → ${converted.toFormat('yyyy-MM-dd HH:mm')} ${converted.zoneName}`,
      };
    }
  }
}

interface Skipped {
  holidays: Holiday[];
  weekendDays: number;
}

function shift(input: DateCalcInput, start: DateTime, calendar: HolidayCalendar, sign: 1 | -1) {
  const duration = { years: input.years ?? 0, months: input.months ?? 0, weeks: input.weeks ?? 0, days: input.days ?? 0, hours: input.hours ?? 0 };
  // Calendar units keep the wall-clock time (a day across a DST change is 23 or 25 hours); hours are exact.
  let moved = sign > 0 ? start.plus(duration) : start.minus(duration);
  const skipped: Skipped = { holidays: [], weekendDays: 0 };
  if (input.business_days) {
    const day = stepBusinessDays(moved.toISODate()!, input.business_days, sign, calendar, skipped);
    const [year, month, dayOfMonth] = day.split('-').map(Number) as [number, number, number];
    moved = moved.set({ year, month, day: dayOfMonth });
  }
  const timed = input.time !== undefined || duration.hours > 0 || input.time_zone !== undefined;
  const date = moved.toISODate()!;
  const described = describeDuration(input);
  return {
    output: {
      date,
      weekday: weekdayOf(date),
      ...(timed ? { time: moved.toFormat('HH:mm'), time_zone: moved.zoneName, iso: moved.toISO() } : {}),
      business_day: calendar.isBusinessDay(date),
      holidays_skipped: skipped.holidays,
      weekend_days_skipped: skipped.weekendDays,
      calendar: calendar.label,
    },
    summary: `${input.date}${input.time ? ` ${input.time}` : ''} ${sign > 0 ? '+' : '−'} ${described} → ${date}${timed ? ` ${moved.toFormat('HH:mm')}` : ''}${skipped.holidays.length ? ` (skipping ${skipped.holidays.length} holiday${skipped.holidays.length === 1 ? '' : 's'})` : ''}`,
  };
}

/** `count` business days from `from` (not counting it) in the direction of `sign`, noting what was stepped over. */
function stepBusinessDays(from: string, count: number, sign: 1 | -1, calendar: HolidayCalendar, skipped: Skipped): string {
  let day = DateTime.fromISO(from, { zone: 'utc' });
  for (let left = count; left > 0; ) {
    day = day.plus({ days: sign });
    const date = day.toISODate()!;
    if (calendar.isWeekend(date)) skipped.weekendDays++;
    else {
      const holiday = calendar.holidayOn(date);
      if (holiday !== undefined) skipped.holidays.push({ date, name: holiday });
      else left--;
    }
  }
  return day.toISODate()!;
}

function difference(from: string, to: string, calendar: HolidayCalendar) {
  const [early, late, sign] = from <= to ? [from, to, 1] : [to, from, -1];
  const days = DateTime.fromISO(late, { zone: 'utc' }).diff(DateTime.fromISO(early, { zone: 'utc' }), 'days').days;
  let business = 0;
  // Business days after the first date up to and including the last: adding that many to `from` gives `to`.
  for (let day = DateTime.fromISO(early, { zone: 'utc' }).plus({ days: 1 }); day.toISODate()! <= late; day = day.plus({ days: 1 })) {
    if (calendar.isBusinessDay(day.toISODate()!)) business++;
  }
  const holidays = calendar.holidaysBetween(DateTime.fromISO(early, { zone: 'utc' }).plus({ days: 1 }).toISODate()!, late);
  return {
    output: { from, to, calendar_days: sign * days, business_days: sign * business, weeks: Math.trunc(days / 7) * sign, holidays_between: holidays, calendar: calendar.label },
    summary: `${from} → ${to}: ${sign * days} calendar days, ${sign * business} business days (${calendar.label})`,
  };
}

function describeDuration(input: DateCalcInput): string {
  const parts = (['years', 'months', 'weeks', 'days', 'hours', 'business_days'] as const)
    .filter((unit) => input[unit])
    .map((unit) => `${input[unit]} ${input[unit] === 1 ? unit.replace('_', ' ').replace(/s$/, '') : unit.replace('_', ' ')}`);
  return parts.join(' ') || 'nothing';
}

function zoneOf(name: string): string {
  if (!IANAZone.isValidZone(name)) throw new HearthError('BAD_REQUEST', `"${name}" is not a time zone: use an IANA name such as Europe/Moscow, America/New_York or UTC.`, { timeZone: name });
  return name;
}

function weekdayOf(date: string): string {
  return DateTime.fromISO(date, { zone: 'utc' }).setLocale('en').toFormat('cccc');
}
