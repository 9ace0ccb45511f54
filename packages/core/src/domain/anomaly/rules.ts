import type { AlertSubject, AnomalyRule, Severity } from '@ballotstream/events';
import type { Monitoring, PollHours } from './thresholds';

/** What a rule found: which rule, how bad, about what, and the evidence an officer reads. */
export interface Finding {
  readonly rule: AnomalyRule;
  readonly severity: Severity;
  readonly subject: AlertSubject;
  readonly evidence: Readonly<Record<string, unknown>>;
}

type Subject = AlertSubject;

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

/** Whether an instant falls inside the poll hours of the election's time zone. */
export function withinPollHours(at: number, hours: PollHours): boolean {
  const local = new Date(at + hours.utcOffsetMinutes * 60_000);
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  const opens = minutesOf(hours.opens);
  const closes = minutesOf(hours.closes);
  // Polls that close after midnight wrap around it.
  return opens <= closes ? minute >= opens && minute < closes : minute >= opens || minute < closes;
}

/** A booth's own poll hours: the election's, closing later where the booth closes late. */
export function hoursOfBooth(hours: PollHours, boothId: string | undefined): PollHours {
  const closes = boothId === undefined ? undefined : hours.boothCloses?.[boothId];
  return closes === undefined ? hours : { ...hours, closes };
}

/** Counts the instants of a sorted list that fall within (now - windowMs, now]. */
export function countWithin(times: readonly number[], now: number, windowMs: number): number {
  let n = 0;
  for (let i = times.length - 1; i >= 0 && times[i]! > now - windowMs; i--) if (times[i]! <= now) n++;
  return n;
}

/** Vote rate: more accepted votes on one machine within the window than people can cast. */
export function voteRateRule(
  subject: Subject,
  voteTimes: readonly number[],
  now: number,
  t: Monitoring['votes'],
): Finding | undefined {
  const votes = countWithin(voteTimes, now, t.rateWindowMs);
  if (votes <= t.maxPerWindow) return undefined;
  return {
    rule: 'vote-rate',
    severity: 'critical',
    subject,
    evidence: { votes, windowMs: t.rateWindowMs, maxPerWindow: t.maxPerWindow },
  };
}

/**
 * Burst after silence: the machine cast nothing for `silenceMs`, then `burstVotes` or more in
 * `burstWindowMs` (stuffing after a booth was captured, or a dump of votes held back). The burst
 * is the run of votes since the last gap of `silenceMs`, and it must have begun within the window.
 */
export function burstAfterSilenceRule(
  subject: Subject,
  voteTimes: readonly number[],
  now: number,
  t: Monitoring['votes'],
): Finding | undefined {
  let start = voteTimes.length - 1;
  while (start > 0 && voteTimes[start]! - voteTimes[start - 1]! < t.silenceMs) start--;
  const before = voteTimes[start - 1];
  const burstStart = voteTimes[start];
  // A machine never heard from before has no silence to measure; its first votes are no burst.
  if (before === undefined || burstStart === undefined || burstStart <= now - t.burstWindowMs)
    return undefined;
  const burstVotes = voteTimes.length - start;
  if (burstVotes < t.burstVotes) return undefined;
  return {
    rule: 'burst-after-silence',
    severity: 'critical',
    subject,
    evidence: { silenceMs: burstStart - before, burstVotes, burstWindowMs: t.burstWindowMs },
  };
}

const DEFAULT_QUEUE_GRACE_MINUTES = 30;

/** A vote cast (accepted or refused for it) before the polls open or after the closing queue has voted. */
export function outsidePollHoursRule(subject: Subject, at: number, election: PollHours): Finding | undefined {
  const hours = hoursOfBooth(election, subject.boothId);
  const grace = (hours.queueGraceMinutes ?? DEFAULT_QUEUE_GRACE_MINUTES) * 60_000;
  // A vote in the grace after closing is one from the queue that was in line at the close.
  if (withinPollHours(at, hours) || withinPollHours(at - grace, hours)) return undefined;
  return {
    rule: 'outside-poll-hours',
    severity: 'critical',
    subject,
    evidence: { at: new Date(at).toISOString(), opens: hours.opens, closes: hours.closes },
  };
}

/**
 * Turnout above the booth's electorate: more votes than people registered there, beyond the
 * visitors (voters registered elsewhere) verified there, since anyone may vote at any booth.
 */
export function turnoutRule(
  subject: Subject,
  votes: number,
  electorate: number | undefined,
  visitors = 0,
): Finding | undefined {
  if (electorate === undefined || votes <= electorate + visitors) return undefined;
  return {
    rule: 'turnout-above-electorate',
    severity: 'critical',
    subject,
    evidence: { votes, electorate, visitors },
  };
}

/** Repeated verification refusals at one booth within the window. */
export function verificationRefusalsRule(
  subject: Subject,
  refusalTimes: readonly number[],
  now: number,
  t: Monitoring['verification'],
  reasons: Readonly<Record<string, number>> = {},
): Finding | undefined {
  const refusals = countWithin(refusalTimes, now, t.windowMs);
  if (refusals < t.maxRefusals) return undefined;
  return {
    rule: 'verification-refusals',
    severity: 'warning',
    subject,
    evidence: { refusals, windowMs: t.windowMs, reasons },
  };
}

/**
 * Repeat voter: one voter (by refusal tag) refused as already voted at several different booths
 * within the window; a booth alone sees only one refusal and stays below its own threshold.
 */
export function repeatVoterRule(
  subject: Subject,
  refusedAt: ReadonlyMap<string, number>,
  now: number,
  t: Monitoring['verification'],
): Finding | undefined {
  const booths = [...refusedAt].filter(([, at]) => at > now - t.repeatWindowMs && at <= now).map(([b]) => b);
  if (booths.length < t.repeatBooths) return undefined;
  return {
    rule: 'repeat-voter',
    severity: 'critical',
    subject,
    evidence: { booths: booths.sort(), windowMs: t.repeatWindowMs },
  };
}

/** Bad signatures or ballot tokens from one machine within the window. */
export function badCredentialsRule(
  subject: Subject,
  badTimes: readonly number[],
  now: number,
  t: Monitoring['credentials'],
  reasons: Readonly<Record<string, number>> = {},
): Finding | undefined {
  const bad = countWithin(badTimes, now, t.windowMs);
  if (bad < t.maxBad) return undefined;
  return {
    rule: 'bad-credentials',
    severity: 'critical',
    subject,
    evidence: { bad, windowMs: t.windowMs, reasons },
  };
}

/** What the liveness rule knows of a machine. */
export interface Liveness {
  readonly lastSeenAt: number;
  readonly connected: boolean;
  /** When it disconnected, while it is disconnected. */
  readonly disconnectedAt?: number;
  /** When it published its signed result record: its poll is over, so going quiet is expected. */
  readonly pollClosedAt?: number;
}

/** A machine offline, or silent, for too long while the polls are open and before it closed its own. */
export function livenessRule(
  subject: Subject,
  machine: Liveness,
  now: number,
  t: Monitoring['liveness'],
  election: PollHours,
): Finding | undefined {
  if (!withinPollHours(now, hoursOfBooth(election, subject.boothId))) return undefined;
  if (machine.pollClosedAt !== undefined) return undefined;
  if (
    !machine.connected &&
    machine.disconnectedAt !== undefined &&
    now - machine.disconnectedAt >= t.offlineAfterMs
  ) {
    return {
      rule: 'machine-offline',
      severity: 'warning',
      subject,
      evidence: {
        offlineMs: now - machine.disconnectedAt,
        lastSeenAt: new Date(machine.lastSeenAt).toISOString(),
      },
    };
  }
  if (now - machine.lastSeenAt >= t.silentAfterMs) {
    return {
      rule: 'machine-silent',
      severity: 'warning',
      subject,
      evidence: {
        silentMs: now - machine.lastSeenAt,
        lastSeenAt: new Date(machine.lastSeenAt).toISOString(),
      },
    };
  }
  return undefined;
}

/** A machine left its booth's geofence. */
export function offGeofenceRule(
  subject: Subject,
  geofenceId: string,
  position: readonly [number, number],
  sampleTime: string,
): Finding {
  return {
    rule: 'off-geofence',
    severity: 'critical',
    subject,
    evidence: { geofenceId, position, sampleTime },
  };
}

/** The two regions' vote stores disagree on a window. */
export function regionsDivergedRule(diverged: {
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly primaryVotes: number | null;
  readonly secondaryVotes: number | null;
}): Finding {
  return {
    rule: 'regions-diverged',
    severity: 'critical',
    subject: { regionId: 'national' },
    evidence: { ...diverged },
  };
}

/**
 * Trend: a booth's candidate shares far from its constituency's. A candidate fires only when the
 * gap is both large in absolute terms and many standard errors of the booth's own sample, so
 * small booths and ordinary local swings stay quiet.
 */
export function boothTrendRule(
  subject: Subject,
  booth: ReadonlyMap<string, number>,
  constituency: ReadonlyMap<string, number>,
  t: Monitoring['trend'],
): Finding | undefined {
  const boothTotal = sum(booth.values());
  const constituencyTotal = sum(constituency.values());
  // Compare the booth with the rest of its constituency, so a big booth does not hide itself.
  const restTotal = constituencyTotal - boothTotal;
  if (boothTotal < t.minBoothVotes || restTotal < t.minBoothVotes) return undefined;
  let worst: { candidateId: string; boothShare: number; restShare: number; z: number } | undefined;
  for (const candidateId of new Set([...booth.keys(), ...constituency.keys()])) {
    const b = booth.get(candidateId) ?? 0;
    const rest = (constituency.get(candidateId) ?? 0) - b;
    const boothShare = b / boothTotal;
    const restShare = rest / restTotal;
    const gap = Math.abs(boothShare - restShare);
    const p = Math.min(Math.max(restShare, 1 / restTotal), 1 - 1 / restTotal);
    const z = gap / Math.sqrt((p * (1 - p)) / boothTotal);
    if (gap >= t.minShareGap && z >= t.minZ && (worst === undefined || z > worst.z))
      worst = { candidateId, boothShare, restShare, z };
  }
  if (worst === undefined) return undefined;
  return {
    rule: 'booth-trend',
    severity: 'warning',
    subject,
    evidence: {
      candidateId: worst.candidateId,
      boothShare: round(worst.boothShare),
      constituencyShare: round(worst.restShare),
      z: round(worst.z),
      boothVotes: boothTotal,
    },
  };
}

function sum(values: Iterable<number>): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

const round = (n: number): number => Math.round(n * 1000) / 1000;
