import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { describeIssues } from '@ballotstream/events/issues';
import { z } from 'zod';
import { monitoringSchema } from './domain/anomaly/thresholds';
import { ConfigError } from './errors';

// This module is read by `sst.config.ts` as well as the local runtime: zod and node: only.

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM');
const awsRegion = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as ap-south-1');

/** One election, described in one file: the same file deploys a stage to AWS and runs it locally. */
export const blueprintSchema = z
  .object({
    /** The stage name: `sst deploy --stage <stage>` and the local data directory use it. */
    stage: z.string().regex(/^[a-z][a-z0-9-]{0,40}$/, 'must be lower-case letters, digits and "-"'),
    electionId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
    name: z.string().min(1).max(200),
    aws: z
      .object({ primaryRegion: awsRegion, secondaryRegion: awsRegion })
      .refine(
        (a) => a.primaryRegion !== a.secondaryRegion,
        'the secondary region must differ from the primary',
      ),
    poll: z
      .object({
        day: z.iso.date(),
        opens: hhmm,
        closes: hhmm,
        /** An IANA time zone, e.g. Asia/Kolkata. */
        timeZone: z.string().refine(validTimeZone, 'must be an IANA time zone such as Asia/Kolkata'),
        /** Booths that close later than `closes` (issue 20): booth id → its own closing time. */
        lateBooths: z.record(z.string(), hhmm).default({}),
      })
      .refine((p) => p.opens < p.closes, 'polls must close after they open')
      .refine(
        (p) => Object.values(p.lateBooths).every((late) => late > p.closes),
        'a late-closing booth must close after the election closes',
      ),
    /** Votes keep their time only to this bucket (ballot secrecy). */
    secrecy: z.object({ bucketSeconds: z.number().int().min(10).max(3600) }),
    /** Running results are officers' until the polls close, unless the election publishes them as counted. */
    results: z.object({ publicBeforeClose: z.boolean().default(false) }).prefault({}),
    tally: z.object({ windowMinutes: z.number().int().min(1).max(120) }).prefault({ windowMinutes: 15 }),
    /** Anomaly, fleet and alerting thresholds (see `domain/anomaly/thresholds.ts`); poll hours come from `poll`. */
    thresholds: monitoringSchema.omit({ pollHours: true }).prefault({}),
    /** The size the capacity plan is made for. */
    scale: z
      .object({
        voters: z.number().int().positive(),
        /** Expected turnout, 0–1: the votes of the day are voters × turnout. */
        turnout: z.number().gt(0).max(1),
        booths: z.number().int().positive(),
        machinesPerBooth: z.number().int().positive().default(1),
        /** Peak rate over the day's average (a morning rush). */
        peakFactor: z.number().min(1).max(10),
        /**
         * Booths per region (state), by region id: Amazon Location is sharded by it
         * (`domain/capacity/location-shards.ts`); without it, the booths are one national region.
         */
        boothsByRegion: z
          .record(
            z.string().regex(/^[A-Za-z0-9._-]{1,40}$/, 'a region id AWS resource names can hold'),
            z.number().int().positive(),
          )
          .optional(),
      })
      .refine(
        (s) =>
          s.boothsByRegion === undefined ||
          Object.values(s.boothsByRegion).reduce((a, b) => a + b, 0) === s.booths,
        { message: 'boothsByRegion must add up to booths', path: ['boothsByRegion'] },
      ),
    /** CSV files to import at start-up, relative to this file; each optional. */
    data: z
      .object({
        regions: z.string(),
        constituencies: z.string(),
        candidates: z.string(),
        booths: z.string(),
        machines: z.string(),
        officers: z.string(),
        voters: z.string(),
      })
      .partial()
      .prefault({}),
  })
  .strict();
export type Blueprint = z.infer<typeof blueprintSchema>;

/** The order data files are imported in: each refers only to what comes before it. */
export const blueprintDataOrder = [
  'regions',
  'constituencies',
  'candidates',
  'booths',
  'machines',
  'officers',
  'voters',
] as const;

/** Validates a parsed blueprint, naming every bad field. */
export function parseBlueprint(value: unknown, source = 'blueprint'): Blueprint {
  const parsed = blueprintSchema.safeParse(value);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error, { whole: '(file)' });
    throw new ConfigError(`${source} is not a valid election blueprint:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}

/** Reads and validates a blueprint file; its data paths come back absolute. */
export function loadBlueprint(path: string): Blueprint {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      `cannot read blueprint ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const blueprint = parseBlueprint(value, path);
  const base = dirname(resolve(path));
  const data = Object.fromEntries(
    Object.entries(blueprint.data).map(([k, v]) => [k, isAbsolute(v!) ? v : resolve(base, v!)]),
  );
  return { ...blueprint, data };
}

/** The UTC offset of a time zone on a day, in minutes (330 for Asia/Kolkata). */
export function utcOffsetMinutes(timeZone: string, day: string): number {
  const at = new Date(`${day}T12:00:00Z`);
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name ?? '');
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/** When polls open and close, as ISO times with the election's offset. */
export function pollTimes(blueprint: Blueprint): { opensAt: string; closesAt: string } {
  return {
    opensAt: pollTimeAt(blueprint, blueprint.poll.opens),
    closesAt: pollTimeAt(blueprint, blueprint.poll.closes),
  };
}

/** Each late-closing booth's own closing time, as the ISO time its booth record carries. */
export function lateBoothCloses(blueprint: Blueprint): Record<string, string> {
  return Object.fromEntries(
    Object.entries(blueprint.poll.lateBooths).map(([boothId, hhmm]) => [
      boothId,
      pollTimeAt(blueprint, hhmm),
    ]),
  );
}

/** A local clock time of the poll day as an ISO time with the election's offset. */
function pollTimeAt(blueprint: Blueprint, hhmm: string): string {
  const offset = utcOffsetMinutes(blueprint.poll.timeZone, blueprint.poll.day);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const suffix = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  const at = (hhmm: string) =>
    hhmm === '24:00'
      ? new Date(Date.parse(`${blueprint.poll.day}T23:59:59${suffix}`) + 1000).toISOString()
      : `${blueprint.poll.day}T${hhmm}:00${suffix}`;
  return at(hhmm);
}

/** What a mock poll adds to the stage and the election id, so its data never meets the real one's. */
export const MOCK_SUFFIX = '-mock';

const minutesOfDay = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
const hhmmOf = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * The blueprint of a mock poll, a rehearsal as officials hold one: the polls open now (the
 * election's time zone) for as long as the real ones last, ending at midnight at the latest;
 * the stage and election id carry `-mock`, so every record, key and the data directory are the
 * rehearsal's own, and the election's name says it is a mock poll.
 */
export function mockPoll(blueprint: Blueprint, now: number): Blueprint {
  const offset = utcOffsetMinutes(blueprint.poll.timeZone, new Date(now).toISOString().slice(0, 10));
  const local = new Date(now + offset * 60_000).toISOString();
  const opens = minutesOfDay(local.slice(11, 16));
  const shift = (hhmm: string) =>
    hhmmOf(Math.min(24 * 60, minutesOfDay(hhmm) - minutesOfDay(blueprint.poll.opens) + opens));
  const closes = shift(blueprint.poll.closes);
  return {
    ...blueprint,
    stage: `${blueprint.stage}${MOCK_SUFFIX}`.slice(0, 41),
    electionId: `${blueprint.electionId}${MOCK_SUFFIX}`,
    name: `MOCK POLL: ${blueprint.name}`.slice(0, 200),
    poll: {
      ...blueprint.poll,
      day: local.slice(0, 10),
      opens: hhmmOf(opens),
      closes,
      // Late-closing booths keep their lateness, within the same day.
      lateBooths: Object.fromEntries(
        Object.entries(blueprint.poll.lateBooths)
          .map(([boothId, hhmm]) => [boothId, shift(hhmm)] as const)
          .filter(([, hhmm]) => hhmm > closes),
      ),
    },
  };
}

/** The poll hours in hours, for the capacity plan. */
export function pollHoursOf(blueprint: Blueprint): number {
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  return (minutes(blueprint.poll.closes) - minutes(blueprint.poll.opens)) / 60;
}

/** The runtime settings a blueprint implies (the local runtime's `config`, Lambda's environment). */
export function blueprintSettings(blueprint: Blueprint) {
  return {
    stage: blueprint.stage,
    electionId: blueprint.electionId,
    bucketMs: blueprint.secrecy.bucketSeconds * 1000,
    tallyWindowMs: blueprint.tally.windowMinutes * 60_000,
    publicRunningResults: blueprint.results.publicBeforeClose,
    monitoring: {
      ...blueprint.thresholds,
      pollHours: {
        opens: blueprint.poll.opens,
        closes: blueprint.poll.closes,
        utcOffsetMinutes: utcOffsetMinutes(blueprint.poll.timeZone, blueprint.poll.day),
        ...(Object.keys(blueprint.poll.lateBooths).length === 0
          ? {}
          : { boothCloses: blueprint.poll.lateBooths }),
      },
    },
  };
}

/** The same settings as the environment variables `loadConfig` reads, for the SST stage's functions. */
export function blueprintEnvironment(blueprint: Blueprint): Record<string, string> {
  const settings = blueprintSettings(blueprint);
  return {
    BALLOTSTREAM_STAGE: settings.stage,
    BALLOTSTREAM_ELECTION_ID: settings.electionId,
    BALLOTSTREAM_BUCKET_MS: String(settings.bucketMs),
    BALLOTSTREAM_TALLY_WINDOW_MS: String(settings.tallyWindowMs),
    BALLOTSTREAM_PUBLIC_RUNNING_RESULTS: String(settings.publicRunningResults),
    BALLOTSTREAM_MONITORING: JSON.stringify(settings.monitoring),
    // Each function names its own region through AWS_REGION; verification starts owned by the primary.
    BALLOTSTREAM_PRIMARY_REGION: blueprint.aws.primaryRegion,
    BALLOTSTREAM_SECONDARY_REGION: blueprint.aws.secondaryRegion,
  };
}

/** The election record a blueprint registers. */
export function blueprintElection(blueprint: Blueprint) {
  return {
    electionId: blueprint.electionId,
    name: blueprint.name,
    pollDay: blueprint.poll.day,
    ...pollTimes(blueprint),
    timeZone: blueprint.poll.timeZone,
  };
}

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
