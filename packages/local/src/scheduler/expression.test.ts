import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidScheduleError, nextFireTime, type ParsedSchedule, parseSchedule } from './expression';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function utc(iso: string): number {
  return Date.parse(`${iso}Z`);
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

function next(expr: string, after: string): string | undefined {
  return iso(nextFireTime(parseSchedule(expr), utc(after)));
}

function errorOf(expr: string): InvalidScheduleError {
  try {
    parseSchedule(expr);
  } catch (error) {
    if (error instanceof InvalidScheduleError) return error;
    throw error;
  }
  throw new Error(`expected "${expr}" to be rejected`);
}

describe('parseSchedule', () => {
  describe('rate', () => {
    it('parses singular units for a value of 1', () => {
      expect(parseSchedule('rate(1 minute)')).toEqual({ kind: 'rate', everyMs: MINUTE });
      expect(parseSchedule('rate(1 hour)')).toEqual({ kind: 'rate', everyMs: HOUR });
      expect(parseSchedule('rate(1 day)')).toEqual({ kind: 'rate', everyMs: DAY });
    });

    it('parses plural units for values above 1', () => {
      expect(parseSchedule('rate(5 minutes)')).toEqual({ kind: 'rate', everyMs: 5 * MINUTE });
      expect(parseSchedule('rate(12 hours)')).toEqual({ kind: 'rate', everyMs: 12 * HOUR });
      expect(parseSchedule('rate(2 days)')).toEqual({ kind: 'rate', everyMs: 2 * DAY });
    });

    it('tolerates surrounding whitespace', () => {
      expect(parseSchedule('  rate(5 minutes) ')).toEqual({ kind: 'rate', everyMs: 5 * MINUTE });
    });

    it('rejects a plural unit for 1 and says to use the singular', () => {
      expect(errorOf('rate(1 minutes)').message).toContain('singular unit: rate(1 minute)');
      expect(errorOf('rate(1 days)').message).toContain('rate(1 day)');
    });

    it('rejects a singular unit for more than 1 and says to use the plural', () => {
      expect(errorOf('rate(5 minute)').message).toContain('plural unit: rate(5 minutes)');
    });

    it('rejects zero', () => {
      expect(errorOf('rate(0 minutes)').message).toContain('greater than 0');
    });

    it('rejects negative and fractional values', () => {
      expect(errorOf('rate(-1 minutes)').message).toContain('positive whole number');
      expect(errorOf('rate(1.5 hours)').message).toContain('positive whole number');
    });

    it('rejects units AWS does not support', () => {
      expect(errorOf('rate(30 seconds)').message).toContain('unknown rate unit "seconds"');
      expect(errorOf('rate(2 weeks)').message).toContain('unknown rate unit "weeks"');
    });

    it('rejects a rate without a unit', () => {
      expect(errorOf('rate(5)').message).toContain('needs a value and a unit');
      expect(errorOf('rate()').message).toContain('needs a value and a unit');
    });
  });

  describe('cron', () => {
    it('expands steps, ranges, lists and names into sorted values', () => {
      expect(parseSchedule('cron(0/15 8-10,22 ? JAN,MAR-APR MON-FRI 2025)')).toEqual({
        kind: 'cron',
        minutes: [0, 15, 30, 45],
        hours: [8, 9, 10, 22],
        dayOfMonth: { kind: 'any' },
        months: [1, 3, 4],
        dayOfWeek: { kind: 'weekdays', weekdays: [2, 3, 4, 5, 6] },
        years: [2025],
      });
    });

    it('treats a star as the whole range of a field', () => {
      const schedule = parseSchedule('cron(* * * * ? *)');
      if (schedule.kind !== 'cron') throw new Error('expected cron');
      expect(schedule.minutes).toHaveLength(60);
      expect(schedule.hours).toHaveLength(24);
      expect(schedule.dayOfMonth).toEqual({
        kind: 'days',
        days: Array.from({ length: 31 }, (_, i) => i + 1),
      });
      expect(schedule.months).toHaveLength(12);
      expect(schedule.years[0]).toBe(1970);
      expect(schedule.years.at(-1)).toBe(2199);
    });

    it('starts a step from a value and runs it to the end of the field', () => {
      const schedule = parseSchedule('cron(5/20 */6 1-10/3 * ? *)');
      if (schedule.kind !== 'cron') throw new Error('expected cron');
      expect(schedule.minutes).toEqual([5, 25, 45]);
      expect(schedule.hours).toEqual([0, 6, 12, 18]);
      expect(schedule.dayOfMonth).toEqual({ kind: 'days', days: [1, 4, 7, 10] });
    });

    it('numbers weekdays from 1 for Sunday to 7 for Saturday', () => {
      const schedule = parseSchedule('cron(0 0 ? * SUN,sat,3 *)');
      if (schedule.kind !== 'cron') throw new Error('expected cron');
      expect(schedule.dayOfWeek).toEqual({ kind: 'weekdays', weekdays: [1, 3, 7] });
    });

    it('wraps ranges that run past the end of a field', () => {
      const schedule = parseSchedule('cron(0 22-1 ? NOV-FEB FRI-MON *)');
      if (schedule.kind !== 'cron') throw new Error('expected cron');
      expect(schedule.hours).toEqual([0, 1, 22, 23]);
      expect(schedule.months).toEqual([1, 2, 11, 12]);
      expect(schedule.dayOfWeek).toEqual({ kind: 'weekdays', weekdays: [1, 2, 6, 7] });
    });

    it('parses the L, W and # day forms', () => {
      const dayOfMonth = (field: string) =>
        (parseSchedule(`cron(0 0 ${field} * ? *)`) as { dayOfMonth: unknown }).dayOfMonth;
      const dayOfWeek = (field: string) =>
        (parseSchedule(`cron(0 0 ? * ${field} *)`) as { dayOfWeek: unknown }).dayOfWeek;
      expect(dayOfMonth('L')).toEqual({ kind: 'last' });
      expect(dayOfMonth('LW')).toEqual({ kind: 'last-weekday' });
      expect(dayOfMonth('15W')).toEqual({ kind: 'nearest-weekday', day: 15 });
      expect(dayOfWeek('L')).toEqual({ kind: 'weekdays', weekdays: [7] });
      expect(dayOfWeek('6L')).toEqual({ kind: 'last-of-month', weekday: 6 });
      expect(dayOfWeek('FRIL')).toEqual({ kind: 'last-of-month', weekday: 6 });
      expect(dayOfWeek('2#1')).toEqual({ kind: 'nth-of-month', weekday: 2, nth: 1 });
      expect(dayOfWeek('TUE#3')).toEqual({ kind: 'nth-of-month', weekday: 3, nth: 3 });
    });

    it('rejects five-field Unix cron and points at the missing year field', () => {
      const { message } = errorOf('cron(0 8 * * ?)');
      expect(message).toContain('cron needs 6 fields');
      expect(message).toContain('got 5');
      expect(message).toContain('year field');
    });

    it('rejects too many fields and an empty body', () => {
      expect(errorOf('cron(0 8 * * ? * *)').message).toContain('got 7');
      expect(errorOf('cron()').message).toContain('got 0');
    });

    it('requires exactly one of day-of-month and day-of-week to be "?"', () => {
      expect(errorOf('cron(0 8 * * * *)').message).toContain(
        'exactly one of day-of-month ("*") and day-of-week ("*")',
      );
      expect(errorOf('cron(0 8 ? * ? *)').message).toContain('must be "?"');
      expect(errorOf('cron(0 8 1 * MON *)').message).toContain('must be "?"');
    });

    it('rejects "?" outside the day fields', () => {
      expect(errorOf('cron(? 8 * * ? *)').message).toContain(
        'minutes: "?" is only allowed in day-of-month or day-of-week',
      );
    });

    it('names the field and the allowed range for out-of-range values', () => {
      expect(errorOf('cron(60 * * * ? *)').message).toContain('minutes: 60 is outside 0-59');
      expect(errorOf('cron(0 24 * * ? *)').message).toContain('hours: 24 is outside 0-23');
      expect(errorOf('cron(0 0 32 * ? *)').message).toContain('day-of-month: 32 is outside 1-31');
      expect(errorOf('cron(0 0 0 * ? *)').message).toContain('day-of-month: 0 is outside 1-31');
      expect(errorOf('cron(0 0 * 13 ? *)').message).toContain('month: 13 is outside 1-12');
      expect(errorOf('cron(0 0 ? * 8 *)').message).toContain('day-of-week: 8 is outside 1-7');
      expect(errorOf('cron(0 0 ? * 0 *)').message).toContain('day-of-week: 0 is outside 1-7');
      expect(errorOf('cron(0 0 * * ? 1969)').message).toContain('year: 1969 is outside 1970-2199');
      expect(errorOf('cron(0 0 * * ? 2200)').message).toContain('year: 2200 is outside 1970-2199');
    });

    it('names unknown month and weekday names', () => {
      expect(errorOf('cron(0 0 * JANUARY ? *)').message).toContain(
        'month: "JANUARY" is not a number or one of JAN',
      );
      expect(errorOf('cron(0 0 ? * FUN *)').message).toContain(
        'day-of-week: "FUN" is not a number or one of SUN',
      );
      expect(errorOf('cron(x 0 * * ? *)').message).toContain('minutes: "x" is not a number');
    });

    it('rejects malformed steps and ranges', () => {
      expect(errorOf('cron(*/0 * * * ? *)').message).toContain(
        'step after "/" must be a positive whole number',
      );
      expect(errorOf('cron(1/2/3 * * * ? *)').message).toContain('more than one "/"');
      expect(errorOf('cron(1-2-3 * * * ? *)').message).toContain('not a valid range');
      expect(errorOf('cron(0 0 * * ? 2030-2025)').message).toContain('year range "2030-2025" runs backwards');
      expect(errorOf('cron(1,,2 * * * ? *)').message).toContain('minutes: "" is not a number');
    });

    it('rejects L, W and # forms inside lists and ranges with a message saying so', () => {
      expect(errorOf('cron(0 0 1,L * ? *)').message).toContain('supported only on their own');
      expect(errorOf('cron(0 0 L-3 * ? *)').message).toContain('day-of-month "L-3"');
      expect(errorOf('cron(0 0 ? * 2#1,3#1 *)').message).toContain('day-of-week "2#1,3#1"');
      expect(errorOf('cron(0 0 ? * 2#6 *)').message).toContain('between 1 and 5');
      expect(errorOf('cron(0 0 32W * ? *)').message).toContain('day-of-month: 32 is outside 1-31');
    });
  });

  describe('at', () => {
    it('parses a one-time UTC timestamp', () => {
      expect(parseSchedule('at(2025-03-01T09:30:15)')).toEqual({
        kind: 'at',
        atMs: utc('2025-03-01T09:30:15'),
      });
    });

    it('accepts a leap day in a leap year', () => {
      expect(parseSchedule('at(2024-02-29T00:00:00)')).toEqual({
        kind: 'at',
        atMs: utc('2024-02-29T00:00:00'),
      });
    });

    it('rejects dates that do not exist', () => {
      expect(errorOf('at(2025-02-29T00:00:00)').message).toContain('day 29 does not exist in 2025-02');
      expect(errorOf('at(2024-04-31T00:00:00)').message).toContain('day 31 does not exist in 2024-04');
      expect(errorOf('at(2024-13-01T00:00:00)').message).toContain('month 13');
    });

    it('rejects impossible times of day', () => {
      expect(errorOf('at(2024-01-01T24:00:00)').message).toContain('hour 24');
      expect(errorOf('at(2024-01-01T00:60:00)').message).toContain('minute 60');
      expect(errorOf('at(2024-01-01T00:00:60)').message).toContain('second 60');
    });

    it('rejects other timestamp formats', () => {
      expect(errorOf('at(2024-01-01 00:00:00)').message).toContain('yyyy-mm-ddThh:mm:ss');
      expect(errorOf('at(2024-01-01T00:00:00Z)').message).toContain('yyyy-mm-ddThh:mm:ss');
      expect(errorOf('at(2024-01-01)').message).toContain('yyyy-mm-ddThh:mm:ss');
    });
  });

  it('rejects expressions that are not rate, cron or at', () => {
    expect(errorOf('every 5 minutes').message).toContain('expected rate(...), cron(...) or at(...)');
    expect(errorOf('RATE(5 minutes)').message).toContain('expected rate(...)');
    expect(errorOf('').message).toContain('expected rate(...)');
  });

  it('throws an InvalidScheduleError that carries its name and the expression', () => {
    const error = errorOf('rate(0 minutes)');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('InvalidScheduleError');
    expect(error.expression).toBe('rate(0 minutes)');
    expect(error.message).toMatch(/^Invalid schedule expression "rate\(0 minutes\)": /);
  });
});

describe('nextFireTime', () => {
  describe('cron', () => {
    it('fires every five minutes on the next multiple of five', () => {
      expect(next('cron(0/5 * * * ? *)', '2024-11-05T10:02:30')).toBe('2024-11-05T10:05:00.000Z');
      expect(next('cron(*/5 * * * ? *)', '2024-11-05T10:57:00')).toBe('2024-11-05T11:00:00.000Z');
      expect(next('cron(0/5 * * * ? *)', '2024-12-31T23:59:59.999')).toBe('2025-01-01T00:00:00.000Z');
    });

    it('fires strictly after the given time, never at it', () => {
      expect(next('cron(0/5 * * * ? *)', '2024-11-05T10:05:00')).toBe('2024-11-05T10:10:00.000Z');
      expect(next('cron(0/5 * * * ? *)', '2024-11-05T10:04:59.999')).toBe('2024-11-05T10:05:00.000Z');
    });

    it('fires at 08:00 on weekdays and skips the weekend', () => {
      const weekdays = 'cron(0 8 ? * MON-FRI *)';
      expect(next(weekdays, '2024-11-08T07:59:59')).toBe('2024-11-08T08:00:00.000Z');
      expect(next(weekdays, '2024-11-08T08:00:00')).toBe('2024-11-11T08:00:00.000Z');
      expect(next(weekdays, '2024-11-09T12:00:00')).toBe('2024-11-11T08:00:00.000Z');
    });

    it('fires at the last minute of every hour', () => {
      expect(next('cron(59 * * * ? *)', '2024-11-05T10:58:59.999')).toBe('2024-11-05T10:59:00.000Z');
      expect(next('cron(59 * * * ? *)', '2024-11-05T10:59:00')).toBe('2024-11-05T11:59:00.000Z');
      expect(next('cron(59 23 * * ? *)', '2024-12-31T23:59:00')).toBe('2025-01-01T23:59:00.000Z');
    });

    it('honours the year field and stops once the years run out', () => {
      const schedule = 'cron(0 12 1 JAN ? 2030-2031)';
      expect(next(schedule, '2024-06-01T00:00:00')).toBe('2030-01-01T12:00:00.000Z');
      expect(next(schedule, '2030-01-01T12:00:00')).toBe('2031-01-01T12:00:00.000Z');
      expect(next(schedule, '2031-01-01T12:00:00')).toBeUndefined();
      expect(next('cron(0 0 * * ? 2020)', '2024-01-01T00:00:00')).toBeUndefined();
    });

    it('returns undefined for a date that never exists', () => {
      expect(next('cron(0 0 30 2 ? *)', '2024-01-01T00:00:00')).toBeUndefined();
    });

    it('skips months that lack the requested day', () => {
      expect(next('cron(0 0 31 * ? *)', '2024-04-01T00:00:00')).toBe('2024-05-31T00:00:00.000Z');
      expect(next('cron(0 0 29 2 ? *)', '2025-01-01T00:00:00')).toBe('2028-02-29T00:00:00.000Z');
    });

    it('fires on the last day of the month with L', () => {
      expect(next('cron(0 0 L * ? *)', '2024-02-10T00:00:00')).toBe('2024-02-29T00:00:00.000Z');
      expect(next('cron(0 0 L * ? *)', '2023-02-10T00:00:00')).toBe('2023-02-28T00:00:00.000Z');
    });

    it('fires on the last weekday of the month with LW', () => {
      expect(next('cron(0 0 LW * ? *)', '2024-08-01T00:00:00')).toBe('2024-08-30T00:00:00.000Z');
      expect(next('cron(0 0 LW * ? *)', '2024-03-01T00:00:00')).toBe('2024-03-29T00:00:00.000Z');
    });

    it('fires on the weekday nearest a day with W, without leaving the month', () => {
      expect(next('cron(0 0 15W * ? *)', '2024-06-01T00:00:00')).toBe('2024-06-14T00:00:00.000Z');
      expect(next('cron(0 0 1W * ? *)', '2024-05-31T00:00:00')).toBe('2024-06-03T00:00:00.000Z');
      expect(next('cron(0 0 1W * ? *)', '2024-08-31T00:00:00')).toBe('2024-09-02T00:00:00.000Z');
      expect(next('cron(0 0 31W * ? *)', '2024-09-01T00:00:00')).toBe('2024-10-31T00:00:00.000Z');
    });

    it('fires on the last given weekday of the month with nL', () => {
      expect(next('cron(0 18 ? * 6L *)', '2024-11-01T00:00:00')).toBe('2024-11-29T18:00:00.000Z');
    });

    it('fires on the nth given weekday of the month with n#k', () => {
      expect(next('cron(0 9 ? * 2#1 *)', '2024-11-05T00:00:00')).toBe('2024-12-02T09:00:00.000Z');
      expect(next('cron(0 9 ? * TUE#1 *)', '2024-11-01T00:00:00')).toBe('2024-11-05T09:00:00.000Z');
    });

    it('fires on Saturdays with a lone L in day-of-week', () => {
      expect(next('cron(0 0 ? * L *)', '2024-11-05T00:00:00')).toBe('2024-11-09T00:00:00.000Z');
    });

    it('fires within wrapped hour ranges', () => {
      expect(next('cron(0 22-1 * * ? *)', '2024-11-05T02:00:00')).toBe('2024-11-05T22:00:00.000Z');
      expect(next('cron(0 22-1 * * ? *)', '2024-11-05T23:30:00')).toBe('2024-11-06T00:00:00.000Z');
    });

    it('agrees with a minute-by-minute search', () => {
      const minutes = fc.uniqueArray(fc.integer({ min: 0, max: 59 }), { minLength: 1, maxLength: 4 });
      const hours = fc.uniqueArray(fc.integer({ min: 0, max: 23 }), { minLength: 1, maxLength: 3 });
      const weekdays = fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 3 });
      const after = fc.integer({ min: utc('2020-01-01T00:00:00'), max: utc('2030-01-01T00:00:00') });
      fc.assert(
        fc.property(minutes, hours, weekdays, after, (m, h, w, afterMs) => {
          const schedule = parseSchedule(`cron(${m.join(',')} ${h.join(',')} ? * ${w.join(',')} *)`);
          let expected = Math.floor(afterMs / MINUTE) * MINUTE + MINUTE;
          for (;;) {
            const date = new Date(expected);
            if (
              m.includes(date.getUTCMinutes()) &&
              h.includes(date.getUTCHours()) &&
              w.includes(date.getUTCDay() + 1)
            ) {
              break;
            }
            expected += MINUTE;
          }
          expect(nextFireTime(schedule, afterMs)).toBe(expected);
        }),
        { numRuns: 50 },
      );
    });
  });

  describe('rate', () => {
    const everyFive: ParsedSchedule = { kind: 'rate', everyMs: 5 * MINUTE };

    it('fires one period after the given time when there is no anchor', () => {
      expect(nextFireTime(everyFive, 1_000)).toBe(1_000 + 5 * MINUTE);
    });

    it('fires on the anchor grid, strictly after the given time', () => {
      const anchor = utc('2024-11-05T10:00:00');
      expect(iso(nextFireTime(everyFive, utc('2024-11-05T10:12:00'), anchor))).toBe(
        '2024-11-05T10:15:00.000Z',
      );
      expect(iso(nextFireTime(everyFive, utc('2024-11-05T10:15:00'), anchor))).toBe(
        '2024-11-05T10:20:00.000Z',
      );
      expect(iso(nextFireTime(everyFive, utc('2024-11-05T10:14:59.999'), anchor))).toBe(
        '2024-11-05T10:15:00.000Z',
      );
    });

    it('does not fire at the anchor itself but one period after it', () => {
      const anchor = utc('2024-11-05T10:00:00');
      expect(iso(nextFireTime(everyFive, anchor, anchor))).toBe('2024-11-05T10:05:00.000Z');
      expect(iso(nextFireTime(everyFive, utc('2024-11-05T09:00:00'), anchor))).toBe(
        '2024-11-05T10:05:00.000Z',
      );
    });

    it('keeps to the anchor grid for multi-day rates', () => {
      const schedule = parseSchedule('rate(2 days)');
      const anchor = utc('2024-11-01T06:00:00');
      expect(iso(nextFireTime(schedule, utc('2024-11-04T00:00:00'), anchor))).toBe(
        '2024-11-05T06:00:00.000Z',
      );
    });

    it('always lands on the grid within one period after the given time', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 10_000 }),
          fc.integer({ min: 0, max: 1e12 }),
          fc.integer({ min: 0, max: 1e12 }),
          (minutes, anchor, afterMs) => {
            const everyMs = minutes * MINUTE;
            const fire = nextFireTime({ kind: 'rate', everyMs }, afterMs, anchor);
            if (fire === undefined) throw new Error('rate schedules always fire again');
            expect(fire).toBeGreaterThan(afterMs);
            expect(fire).toBeGreaterThan(anchor);
            expect((fire - anchor) % everyMs).toBe(0);
            expect(fire - everyMs <= Math.max(afterMs, anchor)).toBe(true);
          },
        ),
      );
    });
  });

  describe('at', () => {
    const once = parseSchedule('at(2025-03-01T09:30:00)');

    it('fires at its time when that is still ahead', () => {
      expect(iso(nextFireTime(once, utc('2025-03-01T09:29:59')))).toBe('2025-03-01T09:30:00.000Z');
    });

    it('never fires again once its time has been reached', () => {
      expect(nextFireTime(once, utc('2025-03-01T09:30:00'))).toBeUndefined();
      expect(nextFireTime(once, utc('2026-01-01T00:00:00'))).toBeUndefined();
    });
  });
});
