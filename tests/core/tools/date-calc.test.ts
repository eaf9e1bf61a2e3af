/**
 * date_calc through the registry, as an agent calls it: business days over Russia's New Year holidays and the
 * US Thanksgiving (and California's day after), the holidays it stepped over listed; differences that agree
 * with adding; hours across a daylight-saving change against calendar days; time zones; bad zones and
 * countries named.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localOwner } from '../../../app/core/index.js';
import { openDatabase, type Db } from '../../../app/core/storage/index.js';
import { Telemetry } from '../../../app/core/telemetry/index.js';
import { ToolRegistry, dateCalcTool, userDateDefaults, type ToolCallOutcome } from '../../../app/core/tools/index.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';

let temp: { dir: string; cleanup(): Promise<void> };
let db: Db;
let telemetry: Telemetry;
let registry: ToolRegistry;
let calls = 0;

beforeAll(async () => {
  temp = await makeTempDir();
  db = openDatabase(path.join(temp.dir, 'data'));
  telemetry = new Telemetry(db);
  // The user's own settings: in Moscow, so calls without a country or zone use Russia's.
  registry = new ToolRegistry(db, [dateCalcTool({ country: 'RU', timeZone: 'Europe/Moscow' })], telemetry);
});
afterAll(async () => {
  await telemetry.dispose();
  db.close();
  await temp.cleanup();
});

async function dateCalc(input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const outcome = await call(input);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.output as Record<string, unknown>;
}

function call(input: Record<string, unknown>): Promise<ToolCallOutcome> {
  return registry.call({ callKey: `c${++calls}`, name: 'date_calc', input }, { caller: localOwner, spaceId: 'space-1', runId: 'run-1', signal: new AbortController().signal });
}

describe('business days', () => {
  it('steps over the Russian New Year holidays and lists them', async () => {
    const result = await dateCalc({ operation: 'add', date: '2026-12-28', business_days: 10, country: 'RU' });
    // Dec 29, 30, 31; Jan 1–8 off (New Year, the New Year holidays, Orthodox Christmas); Jan 11–15, 18, 19.
    expect(result).toMatchObject({ date: '2027-01-19', weekday: 'Tuesday', business_day: true, calendar: 'RU', weekend_days_skipped: 6 });
    expect(result.holidays_skipped).toEqual([
      { date: '2027-01-01', name: 'Новый год' },
      { date: '2027-01-04', name: 'Новогодние каникулы' },
      { date: '2027-01-05', name: 'Новогодние каникулы' },
      { date: '2027-01-06', name: 'Новогодние каникулы' },
      { date: '2027-01-07', name: 'Рождество Христово' },
      { date: '2027-01-08', name: 'Новогодние каникулы' },
    ]);
  });

  it('uses the user’s country when the call names none', async () => {
    expect(await dateCalc({ operation: 'next_business_day', date: '2026-12-31' })).toMatchObject({ date: '2027-01-11', weekday: 'Monday' });
    expect(await dateCalc({ operation: 'is_business_day', date: '2027-01-05' })).toMatchObject({ business_day: false, reason: 'a public holiday: Новогодние каникулы' });
  });

  it('steps over US Thanksgiving, and California’s day after it too', async () => {
    const federal = await dateCalc({ operation: 'add', date: '2026-11-20', business_days: 10, country: 'US' });
    expect(federal).toMatchObject({ date: '2026-12-07', holidays_skipped: [{ date: '2026-11-26', name: 'Thanksgiving Day' }], calendar: 'US' });
    const california = await dateCalc({ operation: 'add', date: '2026-11-20', business_days: 10, country: 'US', region: 'CA' });
    expect(california).toMatchObject({ date: '2026-12-08', calendar: 'US-CA' });
    expect(california.holidays_skipped).toEqual([
      { date: '2026-11-26', name: 'Thanksgiving Day' },
      { date: '2026-11-27', name: 'Day after Thanksgiving Day' },
    ]);
  });

  it('counts the business days between two dates as adding them would', async () => {
    expect(await dateCalc({ operation: 'difference', date: '2026-12-28', to_date: '2027-01-19', country: 'RU' })).toMatchObject({ calendar_days: 22, business_days: 10, weeks: 3 });
    expect(await dateCalc({ operation: 'difference', date: '2026-12-07', to_date: '2026-11-20', country: 'US' })).toMatchObject({ calendar_days: -17, business_days: -10 });
    expect(await dateCalc({ operation: 'subtract', date: '2027-01-11', business_days: 1, country: 'RU' })).toMatchObject({ date: '2026-12-31' });
  });

  it('with no country, skips weekends only', async () => {
    const result = await dateCalc({ operation: 'add', date: '2026-12-28', business_days: 10, country: 'US' });
    expect(result.date).toBe('2027-01-12'); // only New Year's Day off in the US
    const registryWithout = new ToolRegistry(db, [dateCalcTool()], telemetry);
    const outcome = await registryWithout.call({ callKey: 'x', name: 'date_calc', input: { operation: 'add', date: '2026-12-28', business_days: 10 } }, { caller: localOwner, spaceId: 'space-1', runId: 'run-1', signal: new AbortController().signal });
    expect(outcome).toMatchObject({ ok: true, output: { date: '2027-01-11', calendar: 'weekends only', holidays_skipped: [] } });
  });
});

describe('durations and time zones', () => {
  it('adds 24 hours across the US daylight-saving change as an hour later on the clock, and a day as the same time', async () => {
    // Clocks in New York go from 02:00 to 03:00 on 2027-03-14.
    expect(await dateCalc({ operation: 'add', date: '2027-03-13', time: '12:00', time_zone: 'America/New_York', hours: 24 })).toMatchObject({ date: '2027-03-14', time: '13:00', iso: '2027-03-14T13:00:00.000-04:00' });
    expect(await dateCalc({ operation: 'add', date: '2027-03-13', time: '12:00', time_zone: 'America/New_York', days: 1 })).toMatchObject({ date: '2027-03-14', time: '12:00' });
  });

  it('converts a time between zones, with the offsets of that day', async () => {
    // Moscow keeps UTC+3 all year; New York is on daylight time by late March.
    expect(await dateCalc({ operation: 'convert_time_zone', date: '2027-03-29', time: '09:00', time_zone: 'Europe/Moscow', to_time_zone: 'America/New_York' })).toMatchObject({ date: '2027-03-29', time: '02:00', offset: '-04:00' });
    expect(await dateCalc({ operation: 'convert_time_zone', date: '2027-01-15', time: '09:00', to_time_zone: 'America/New_York' })).toMatchObject({ time: '01:00', offset: '-05:00' });
  });

  it('adds months as calendars do, to the month’s last day when the day is not there', async () => {
    expect(await dateCalc({ operation: 'add', date: '2027-01-31', months: 1 })).toMatchObject({ date: '2027-02-28' });
    expect(await dateCalc({ operation: 'add', date: '2028-01-31', months: 1 })).toMatchObject({ date: '2028-02-29' });
    expect(await dateCalc({ operation: 'subtract', date: '2027-03-01', years: 1, weeks: 2 })).toMatchObject({ date: '2026-02-15' });
  });
});

describe('what it refuses', () => {
  it('names an unknown time zone, country or region, and a difference without its end', async () => {
    expect(await call({ operation: 'add', date: '2027-01-01', days: 1, time_zone: 'Mars/Olympus' })).toMatchObject({ ok: false, problem: 'failed', error: expect.stringContaining('"Mars/Olympus" is not a time zone') });
    expect(await call({ operation: 'add', date: '2027-01-01', business_days: 1, country: 'XX' })).toMatchObject({ ok: false, error: expect.stringContaining('no holiday calendar for country "XX"') });
    expect(await call({ operation: 'add', date: '2027-01-01', business_days: 1, country: 'US', region: 'ZZ' })).toMatchObject({ ok: false, error: expect.stringContaining('no region "ZZ"') });
    expect(await call({ operation: 'difference', date: '2027-01-01' })).toMatchObject({ ok: false, error: expect.stringContaining('needs `to_date`') });
  });

  it('refuses a day that is not in the calendar before running', async () => {
    expect(await call({ operation: 'is_business_day', date: '2027-02-29' })).toMatchObject({ ok: false, problem: 'invalid-input', error: expect.stringMatching(/\n\/date: /) });
  });
});

describe('the user’s defaults', () => {
  it('come from HEARTH_COUNTRY and HEARTH_TIME_ZONE, else the machine’s locale and zone; a bad value is named', () => {
    expect(userDateDefaults({ HEARTH_COUNTRY: 'ru', HEARTH_TIME_ZONE: 'Europe/Moscow' })).toEqual({ country: 'RU', timeZone: 'Europe/Moscow' });
    const system = Intl.DateTimeFormat().resolvedOptions();
    expect(userDateDefaults({})).toMatchObject({ timeZone: system.timeZone });
    expect(() => userDateDefaults({ HEARTH_COUNTRY: 'Russia' })).toThrow(/HEARTH_COUNTRY .* "Russia"/);
    expect(() => userDateDefaults({ HEARTH_TIME_ZONE: 'Moscow' })).toThrow(/HEARTH_TIME_ZONE .* "Moscow"/);
  });
});
