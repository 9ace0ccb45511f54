import { z } from 'zod';

const ms = z.number().int().nonnegative();
const count = z.number().int().positive();

/**
 * Poll hours as local clock times of the election's time zone; `24:00` closes at midnight.
 * The embedded default keeps the polls open all day so a demo at any hour stays quiet.
 */
export const pollHoursSchema = z.object({
  opens: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'must be HH:MM'),
  closes: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'must be HH:MM'),
  /** The election's offset from UTC in minutes (India: 330). */
  utcOffsetMinutes: z.number().int().min(-720).max(840),
  /**
   * Voters already queued when polls close still vote; their votes within this many minutes
   * after closing are not "outside poll hours" (30 when not set).
   */
  queueGraceMinutes: z.number().int().min(0).max(240).optional(),
  /** Booths that close later than the election: booth id → its own closing time (HH:MM). */
  boothCloses: z
    .record(z.string(), z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'must be HH:MM'))
    .optional(),
});
export type PollHours = z.infer<typeof pollHoursSchema>;

/**
 * Every threshold of the anomaly rules, the fleet monitor and alerting. The defaults sit well
 * beyond clean traffic (a machine is capped near 5 votes a minute by design), so an honest
 * election-day stays quiet; the blueprint may tighten them per election.
 */
export const monitoringSchema = z.object({
  pollHours: pollHoursSchema.prefault({ opens: '00:00', closes: '24:00', utcOffsetMinutes: 0 }),
  votes: z
    .object({
      /** More accepted votes than this within `rateWindowMs` on one machine is beyond people. */
      maxPerWindow: count.default(8),
      rateWindowMs: ms.default(60_000),
      /** A machine silent this long and then casting `burstVotes` within `burstWindowMs`. */
      silenceMs: ms.default(30 * 60_000),
      burstVotes: count.default(6),
      burstWindowMs: ms.default(60_000),
    })
    .prefault({}),
  verification: z
    .object({
      /** Refusals at one booth within the window that point at people trying their luck. */
      maxRefusals: count.default(8),
      windowMs: ms.default(10 * 60_000),
      /** One voter refused as already voted at this many different booths is trying to vote again. */
      repeatBooths: count.default(3),
      repeatWindowMs: ms.default(60 * 60_000),
    })
    .prefault({}),
  credentials: z
    .object({
      /** Bad signatures or ballot tokens from one machine within the window. */
      maxBad: count.default(3),
      windowMs: ms.default(10 * 60_000),
    })
    .prefault({}),
  liveness: z
    .object({
      /** A machine seen before and heard from by nothing (votes, fixes, connects) for this long. */
      silentAfterMs: ms.default(20 * 60_000),
      /** A machine disconnected and not back for this long. */
      offlineAfterMs: ms.default(5 * 60_000),
    })
    .prefault({}),
  trend: z
    .object({
      /** Booths with fewer votes than this are too small to compare. */
      minBoothVotes: count.default(100),
      /** A candidate's share at the booth differs from the constituency's by at least this... */
      minShareGap: z.number().min(0).max(1).default(0.25),
      /** ...and by at least this many standard errors of the booth's sample. */
      minZ: z.number().positive().default(6),
    })
    .prefault({}),
  fleet: z
    .object({
      windowMs: ms.default(60_000),
      /**
       * Authorization failures are counted over their own, longer window. A machine's gateway
       * only ever publishes under its own topics, so any refusal is a probe or a misconfigured
       * machine; counted per minute, a prober pacing itself below the allowance (four a minute,
       * for hours) was never reported. Five minutes is Device Defender Detect's shortest window.
       */
      authWindowMs: ms.default(5 * 60_000),
      maxAuthFailures: count.default(5),
      /** Messages a machine may publish per window (votes + fixes + heartbeats). */
      maxMessages: count.default(120),
      maxConnects: count.default(6),
      /** The fastest a machine's GPS fixes are forwarded to the tracker. */
      positionMinIntervalMs: ms.default(5_000),
      /**
       * Votes a blocked machine sends within this long of its block may have been cast before the
       * retained block reached it; one refused later means it ignores the block (hard block).
       */
      softBlockGraceMs: ms.default(60_000),
    })
    .prefault({}),
  alerting: z
    .object({
      /** Repeats of one subject within this window count up the open alert instead of a new one. */
      dedupeWindowMs: ms.default(15 * 60_000),
      /** At most this many non-critical notifications per officer per throttle window. */
      maxPerOfficer: count.default(6),
      throttleWindowMs: ms.default(10 * 60_000),
      /** Unacknowledged critical / warning alerts go to the national desk after this long. */
      escalateCriticalAfterMs: ms.default(2 * 60_000),
      escalateWarningAfterMs: ms.default(15 * 60_000),
    })
    .prefault({}),
  closeOfPoll: z
    .object({
      /** A machine's result record not in this long after polls close is a warning... */
      missingWarningAfterMs: ms.default(15 * 60_000),
      /** ...and this long after, a critical alert. */
      missingCriticalAfterMs: ms.default(45 * 60_000),
    })
    .prefault({}),
});
export type Monitoring = z.infer<typeof monitoringSchema>;

/** The monitoring settings with every default, for tests and the simulator. */
export function defaultMonitoring(overrides: z.input<typeof monitoringSchema> = {}): Monitoring {
  return monitoringSchema.parse(overrides);
}

/**
 * The thresholds for a day played `pace` times faster than people vote (the demo): each count
 * per window grows with the pace, since a paced booth casts that many times the votes and
 * messages a minute; durations (silence, liveness, escalation) stay, being waited in real time.
 */
export function monitoringAtPace(m: Monitoring, pace: number): Monitoring {
  const scaled = (n: number) => Math.ceil(n * pace);
  return {
    ...m,
    votes: { ...m.votes, maxPerWindow: scaled(m.votes.maxPerWindow), burstVotes: scaled(m.votes.burstVotes) },
    fleet: { ...m.fleet, maxMessages: scaled(m.fleet.maxMessages) },
  };
}
