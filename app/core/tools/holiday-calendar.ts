/**
 * Which calendar days are working days in a country (and region): Saturdays and Sundays off, and the public
 * holidays date-holidays knows — which keeps the rules (Russia's New Year holidays, the US Thanksgiving and
 * its observed substitutes, regional days) so Hearth does not write calendars by hand. Days are plain ISO
 * dates in the country's own calendar; no time zone enters.
 */
import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import { HearthError } from '../../../schemas/index.js';

export interface Holiday {
  date: string;
  name: string;
}

/** Holiday types that are days off work (date-holidays also lists school days off and observances). */
const daysOff = new Set(['public', 'bank']);

export class HolidayCalendar {
  private readonly holidays: Holidays | undefined;
  private readonly years = new Map<number, Map<string, string>>();
  /** What the calendar is, for results: `RU`, `US-CA`, or `weekends only`. */
  readonly label: string;

  constructor(country?: string, region?: string) {
    if (!country) {
      if (region) throw new HearthError('BAD_REQUEST', `A region (${region}) needs its country too, such as country US with region ${region}.`);
      this.label = 'weekends only';
      return;
    }
    const known = new Holidays();
    const countries = known.getCountries('en');
    if (!(country in countries)) throw new HearthError('BAD_REQUEST', `There is no holiday calendar for country "${country}": use an ISO 3166 code such as RU, US, DE.`, { country });
    if (region) {
      const regions = known.getStates(country, 'en') ?? {};
      if (!(region in regions)) {
        const some = Object.keys(regions).slice(0, 12).join(', ');
        throw new HearthError('BAD_REQUEST', `${countries[country]} has no region "${region}" in the holiday calendar${some ? `; its regions include ${some}` : ' (it has no regions)'}.`, { country, region });
      }
    }
    this.holidays = region ? new Holidays(country, region, { types: ['public', 'bank'] }) : new Holidays(country, { types: ['public', 'bank'] });
    this.label = region ? `${country}-${region}` : country;
  }

  /** The holiday that makes this day a day off, if any. */
  holidayOn(date: string): string | undefined {
    const year = Number(date.slice(0, 4));
    // A holiday of several days that began in December is listed with the year it began in.
    return this.year(year).get(date) ?? this.year(year - 1).get(date);
  }

  isWeekend(date: string): boolean {
    return DateTime.fromISO(date, { zone: 'utc' }).weekday >= 6;
  }

  isBusinessDay(date: string): boolean {
    return !this.isWeekend(date) && this.holidayOn(date) === undefined;
  }

  /** Holidays on weekdays between two days, both included, in order. */
  holidaysBetween(from: string, to: string): Holiday[] {
    const found: Holiday[] = [];
    for (let day = DateTime.fromISO(from, { zone: 'utc' }); day.toISODate()! <= to; day = day.plus({ days: 1 })) {
      const date = day.toISODate()!;
      const name = this.holidayOn(date);
      if (name !== undefined && !this.isWeekend(date)) found.push({ date, name });
    }
    return found;
  }

  /** The year's days off as `YYYY-MM-DD → name`, each multi-day holiday (Новогодние каникулы) spread over its days. */
  private year(year: number): Map<string, string> {
    let days = this.years.get(year);
    if (days) return days;
    days = new Map();
    for (const holiday of this.holidays?.getHolidays(year) ?? []) {
      if (!daysOff.has(holiday.type)) continue;
      // `date` is the local day it begins ("2027-01-02 00:00:00"); start/end span its days (end exclusive).
      const length = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / 86_400_000));
      const first = DateTime.fromISO(holiday.date.slice(0, 10), { zone: 'utc' });
      for (let i = 0; i < length; i++) {
        const date = first.plus({ days: i }).toISODate()!;
        if (!days.has(date)) days.set(date, holiday.name);
      }
    }
    this.years.set(year, days);
    return days;
  }
}
