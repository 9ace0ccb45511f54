/**
 * EventBridge Scheduler and EventBridge rule schedule expressions: `rate(...)`, `cron(...)` and `at(...)`.
 *
 * Parsing is strict in the same places AWS is strict (singular units for 1, exactly one `?` day field,
 * six cron fields) so that a schedule accepted locally is also accepted when deployed. All times are UTC.
 */

export type ScheduleExpression = string;

/** Day-of-month rule; `L`, `LW` and `nW` are Quartz-style extensions that AWS supports. */
export type DayOfMonthRule =
  | { readonly kind: 'any' }
  | { readonly kind: 'days'; readonly days: readonly number[] }
  | { readonly kind: 'last' }
  | { readonly kind: 'last-weekday' }
  | { readonly kind: 'nearest-weekday'; readonly day: number };

/** Day-of-week rule, with 1 = Sunday through 7 = Saturday as in AWS cron. */
export type DayOfWeekRule =
  | { readonly kind: 'any' }
  | { readonly kind: 'weekdays'; readonly weekdays: readonly number[] }
  | { readonly kind: 'last-of-month'; readonly weekday: number }
  | { readonly kind: 'nth-of-month'; readonly weekday: number; readonly nth: number };

export type CronSchedule = {
  readonly kind: 'cron';
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly dayOfMonth: DayOfMonthRule;
  readonly months: readonly number[];
  readonly dayOfWeek: DayOfWeekRule;
  readonly years: readonly number[];
};

export type ParsedSchedule =
  | { readonly kind: 'rate'; readonly everyMs: number }
  | CronSchedule
  | { readonly kind: 'at'; readonly atMs: number };

export class InvalidScheduleError extends Error {
  override readonly name = 'InvalidScheduleError';
  readonly expression: string;

  constructor(expression: string, reason: string) {
    super(`Invalid schedule expression "${expression}": ${reason}`);
    this.expression = expression;
  }
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

const RATE_UNITS: {
  readonly [unit: string]: { readonly ms: number; readonly singular: string } | undefined;
} = {
  minute: { ms: MINUTE_MS, singular: 'minute' },
  minutes: { ms: MINUTE_MS, singular: 'minute' },
  hour: { ms: HOUR_MS, singular: 'hour' },
  hours: { ms: HOUR_MS, singular: 'hour' },
  day: { ms: DAY_MS, singular: 'day' },
  days: { ms: DAY_MS, singular: 'day' },
};

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

type FieldSpec = {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
};

const MINUTES: FieldSpec = { name: 'minutes', min: 0, max: 59 };
const HOURS: FieldSpec = { name: 'hours', min: 0, max: 23 };
const DAY_OF_MONTH: FieldSpec = { name: 'day-of-month', min: 1, max: 31 };
const MONTH: FieldSpec = { name: 'month', min: 1, max: 12, names: MONTH_NAMES };
const DAY_OF_WEEK: FieldSpec = { name: 'day-of-week', min: 1, max: 7, names: WEEKDAY_NAMES };
// AWS accepts years 1970-2199; the upper bound also keeps the next-fire search finite.
const YEAR: FieldSpec = { name: 'year', min: 1970, max: 2199 };

/** Parses a `rate(...)`, `cron(...)` or `at(...)` expression, throwing InvalidScheduleError that says what is wrong. */
export function parseSchedule(expr: ScheduleExpression): ParsedSchedule {
  const text = expr.trim();
  const match = /^(rate|cron|at)\((.*)\)$/s.exec(text);
  if (match === null) {
    throw new InvalidScheduleError(expr, 'expected rate(...), cron(...) or at(...)');
  }
  const [, kind, body = ''] = match;
  const fail = (reason: string): never => {
    throw new InvalidScheduleError(expr, reason);
  };
  if (kind === 'rate') return parseRate(body.trim(), fail);
  if (kind === 'cron') return parseCron(body.trim(), fail);
  return parseAt(body.trim(), fail);
}

type Fail = (reason: string) => never;

function parseRate(body: string, fail: Fail): ParsedSchedule {
  const match = /^(\S+)\s+(\S+)$/.exec(body);
  if (match === null) return fail('rate needs a value and a unit, as in rate(5 minutes)');
  const [, valueText = '', unitText = ''] = match;
  if (!/^\d+$/.test(valueText)) return fail(`rate value "${valueText}" must be a positive whole number`);
  const value = Number(valueText);
  if (value === 0) return fail('rate value must be greater than 0');
  const unit = RATE_UNITS[unitText];
  if (unit === undefined) {
    return fail(`unknown rate unit "${unitText}"; use minute(s), hour(s) or day(s)`);
  }
  if (value === 1 && unitText !== unit.singular) {
    return fail(`a rate of 1 takes the singular unit: rate(1 ${unit.singular})`);
  }
  if (value > 1 && unitText === unit.singular) {
    return fail(`a rate of ${value} takes the plural unit: rate(${value} ${unit.singular}s)`);
  }
  const everyMs = value * unit.ms;
  if (!Number.isSafeInteger(everyMs)) return fail(`rate value ${valueText} is too large`);
  return { kind: 'rate', everyMs };
}

function parseAt(body: string, fail: Fail): ParsedSchedule {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (match === null) return fail(`at() needs a time formatted yyyy-mm-ddThh:mm:ss, got "${body}"`);
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12) return fail(`month ${month} is not between 01 and 12`);
  if (day < 1 || day > daysInMonth(year, month)) {
    return fail(`day ${day} does not exist in ${year}-${String(month).padStart(2, '0')}`);
  }
  if (hour > 23) return fail(`hour ${hour} is not between 00 and 23`);
  if (minute > 59) return fail(`minute ${minute} is not between 00 and 59`);
  if (second > 59) return fail(`second ${second} is not between 00 and 59`);
  return { kind: 'at', atMs: Date.UTC(year, month - 1, day, hour, minute, second) };
}

function parseCron(body: string, fail: Fail): CronSchedule {
  const fields = body === '' ? [] : body.split(/\s+/);
  if (fields.length !== 6) {
    return fail(
      `cron needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}` +
        (fields.length === 5 ? '; AWS cron has a year field, add "*" at the end' : ''),
    );
  }
  const [minutes = '', hours = '', dayOfMonth = '', month = '', dayOfWeek = '', year = ''] = fields;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    return fail(`exactly one of day-of-month ("${dayOfMonth}") and day-of-week ("${dayOfWeek}") must be "?"`);
  }
  return {
    kind: 'cron',
    minutes: parseList(minutes, MINUTES, fail),
    hours: parseList(hours, HOURS, fail),
    dayOfMonth: parseDayOfMonth(dayOfMonth, fail),
    months: parseList(month, MONTH, fail),
    dayOfWeek: parseDayOfWeek(dayOfWeek, fail),
    years: parseList(year, YEAR, fail),
  };
}

function parseDayOfMonth(field: string, fail: Fail): DayOfMonthRule {
  if (field === '?') return { kind: 'any' };
  if (field === 'L') return { kind: 'last' };
  if (field === 'LW') return { kind: 'last-weekday' };
  const nearest = /^(\d+)W$/.exec(field);
  if (nearest !== null) {
    return { kind: 'nearest-weekday', day: parseValue(nearest[1] ?? '', DAY_OF_MONTH, fail) };
  }
  if (/[LW]/.test(field)) {
    return fail(`day-of-month "${field}": L, LW and nW (such as 15W) are supported only on their own`);
  }
  return { kind: 'days', days: parseList(field, DAY_OF_MONTH, fail) };
}

function parseDayOfWeek(field: string, fail: Fail): DayOfWeekRule {
  if (field === '?') return { kind: 'any' };
  // A lone L is the last day of the week, which AWS numbers 7 (Saturday).
  if (field === 'L') return { kind: 'weekdays', weekdays: [7] };
  const last = /^(\w+)L$/i.exec(field);
  if (last !== null) {
    return { kind: 'last-of-month', weekday: parseValue(last[1] ?? '', DAY_OF_WEEK, fail) };
  }
  const nth = /^(\w+)#(\d+)$/.exec(field);
  if (nth !== null) {
    const weekday = parseValue(nth[1] ?? '', DAY_OF_WEEK, fail);
    const occurrence = Number(nth[2]);
    if (occurrence < 1 || occurrence > 5) {
      return fail(`day-of-week "${field}": the number after # must be between 1 and 5`);
    }
    return { kind: 'nth-of-month', weekday, nth: occurrence };
  }
  // No weekday name contains an L, so any L left here is the last-weekday form misused.
  if (field.includes('#') || /L/i.test(field)) {
    return fail(`day-of-week "${field}": L, nL and n#k (such as 6L or 2#1) are supported only on their own`);
  }
  return { kind: 'weekdays', weekdays: parseList(field, DAY_OF_WEEK, fail) };
}

/** Expands a comma-separated list of values, ranges and steps into the sorted set of values it covers. */
function parseList(field: string, spec: FieldSpec, fail: Fail): number[] {
  if (field === '?') return fail(`${spec.name}: "?" is only allowed in day-of-month or day-of-week`);
  const values = new Set<number>();
  for (const item of field.split(',')) {
    for (const value of parseItem(item, spec, fail)) values.add(value);
  }
  return [...values].sort((a, b) => a - b);
}

function parseItem(item: string, spec: FieldSpec, fail: Fail): number[] {
  const [rangeText = '', stepText, ...extra] = item.split('/');
  if (extra.length > 0) return fail(`${spec.name} "${item}" has more than one "/"`);
  const step = stepText === undefined ? 1 : parseStep(stepText, item, spec, fail);
  let start: number;
  let end: number;
  if (rangeText === '*') {
    start = spec.min;
    end = spec.max;
  } else if (rangeText.includes('-')) {
    const [from = '', to = '', ...more] = rangeText.split('-');
    if (more.length > 0) return fail(`${spec.name} "${item}" is not a valid range`);
    start = parseValue(from, spec, fail);
    end = parseValue(to, spec, fail);
  } else {
    start = parseValue(rangeText, spec, fail);
    // "5/15" means from 5 to the end of the field in steps of 15.
    end = stepText === undefined ? start : spec.max;
  }
  if (end < start && spec === YEAR) return fail(`year range "${rangeText}" runs backwards`);
  return walk(start, end, step, spec);
}

// Ranges such as FRI-MON or 22-2 wrap around the end of the field, as they do in Quartz cron.
function walk(start: number, end: number, step: number, spec: FieldSpec): number[] {
  const span = spec.max - spec.min + 1;
  const length = end >= start ? end - start : end - start + span;
  const values: number[] = [];
  for (let offset = 0; offset <= length; offset += step) {
    values.push(((start - spec.min + offset) % span) + spec.min);
  }
  return values;
}

function parseStep(text: string, item: string, spec: FieldSpec, fail: Fail): number {
  if (!/^\d+$/.test(text) || Number(text) === 0) {
    return fail(`${spec.name} "${item}": the step after "/" must be a positive whole number`);
  }
  return Number(text);
}

function parseValue(text: string, spec: FieldSpec, fail: Fail): number {
  const nameIndex = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (nameIndex >= 0) return nameIndex + 1;
  if (!/^\d+$/.test(text)) {
    const hint = spec.names === undefined ? 'a number' : `a number or one of ${spec.names.join(', ')}`;
    return fail(`${spec.name}: "${text}" is not ${hint}`);
  }
  const value = Number(text);
  if (value < spec.min || value > spec.max) {
    return fail(`${spec.name}: ${value} is outside ${spec.min}-${spec.max}`);
  }
  return value;
}

/** Returns the first time the schedule fires strictly after `afterMs` (UTC), or undefined when it never fires again. */
export function nextFireTime(
  schedule: ParsedSchedule,
  afterMs: number,
  anchorMs?: number,
): number | undefined {
  switch (schedule.kind) {
    case 'rate': {
      // The anchor is when counting starts, so fires land one, two, three... periods after it.
      const anchor = anchorMs ?? afterMs;
      const periods = Math.max(1, Math.floor((afterMs - anchor) / schedule.everyMs) + 1);
      return anchor + periods * schedule.everyMs;
    }
    case 'at':
      return schedule.atMs > afterMs ? schedule.atMs : undefined;
    case 'cron':
      return nextCronTime(schedule, afterMs);
  }
}

function nextCronTime(cron: CronSchedule, afterMs: number): number | undefined {
  // Cron fires on whole minutes, so the earliest candidate is the minute after the one containing afterMs.
  const earliest = Math.floor(afterMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  for (const year of cron.years) {
    if (Date.UTC(year + 1, 0, 1) <= earliest) continue;
    for (const month of cron.months) {
      if (Date.UTC(year, month, 1) <= earliest) continue;
      for (let day = 1; day <= daysInMonth(year, month); day++) {
        if (Date.UTC(year, month - 1, day + 1) <= earliest || !dayMatches(cron, year, month, day)) continue;
        for (const hour of cron.hours) {
          if (Date.UTC(year, month - 1, day, hour + 1) <= earliest) continue;
          for (const minute of cron.minutes) {
            const candidate = Date.UTC(year, month - 1, day, hour, minute);
            if (candidate >= earliest) return candidate;
          }
        }
      }
    }
  }
  return undefined;
}

function dayMatches(cron: CronSchedule, year: number, month: number, day: number): boolean {
  // Exactly one of the two day fields is "?", so the other one alone decides.
  if (cron.dayOfMonth.kind !== 'any') return dayOfMonthMatches(cron.dayOfMonth, year, month, day);
  return dayOfWeekMatches(cron.dayOfWeek, year, month, day);
}

function dayOfMonthMatches(rule: DayOfMonthRule, year: number, month: number, day: number): boolean {
  const lastDay = daysInMonth(year, month);
  switch (rule.kind) {
    case 'any':
      return true;
    case 'days':
      return rule.days.includes(day);
    case 'last':
      return day === lastDay;
    case 'last-weekday':
      return day === nearestWeekday(year, month, lastDay);
    case 'nearest-weekday':
      return rule.day <= lastDay && day === nearestWeekday(year, month, rule.day);
  }
}

function dayOfWeekMatches(rule: DayOfWeekRule, year: number, month: number, day: number): boolean {
  const weekday = weekdayOf(year, month, day);
  switch (rule.kind) {
    case 'any':
      return true;
    case 'weekdays':
      return rule.weekdays.includes(weekday);
    case 'last-of-month':
      return weekday === rule.weekday && day + 7 > daysInMonth(year, month);
    case 'nth-of-month':
      return weekday === rule.weekday && Math.ceil(day / 7) === rule.nth;
  }
}

// The weekday closest to `day` without leaving the month, as Quartz defines W.
function nearestWeekday(year: number, month: number, day: number): number {
  const weekday = weekdayOf(year, month, day);
  if (weekday === 7) return day === 1 ? day + 2 : day - 1;
  if (weekday === 1) return day === daysInMonth(year, month) ? day - 2 : day + 1;
  return day;
}

// 1 = Sunday ... 7 = Saturday, AWS's numbering.
function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
