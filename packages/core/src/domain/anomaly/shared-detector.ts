import type { DetectorState } from '../../ports/detector-state';
import { boothSubject, cooldownKey, type ObservedVote, type Placement, subjectOf } from './detector';
import {
  badCredentialsRule,
  boothTrendRule,
  burstAfterSilenceRule,
  type Finding,
  livenessRule,
  outsidePollHoursRule,
  repeatVoterRule,
  turnoutRule,
  verificationRefusalsRule,
  voteRateRule,
} from './rules';
import type { Monitoring } from './thresholds';

// Ingest refusals that mean a forged or replayed vote, not a late or malformed one.
const BAD_CREDENTIALS = new Set([
  'bad-signature',
  'no-token',
  'unknown-token',
  'token-reused',
  'token-other-machine',
]);
// Verification refusals that say someone tried to vote who may not; a bad read alone is not one.
const SUSPECT_REFUSALS = new Set([
  'forged',
  'revoked',
  'expired',
  'wrong-election',
  'unknown-voter',
  'biometric-mismatch',
  'already-voted',
]);

const PLACEMENT_FIELDS = ['machineId', 'boothId', 'constituencyId', 'regionId'] as const;

export interface SharedAnomalyDetectorOptions {
  readonly monitoring: Monitoring;
  /** Where the windows and counters live; every instance over the same state acts as one. */
  readonly state: DetectorState;
  /** The same rule on the same subject is reported at most once per this interval. */
  readonly cooldownMs?: number;
}

/**
 * The anomaly rules of `AnomalyDetector` over shared state (`DetectorState`), for the watchers in
 * Lambda: each observation carries its event id, which counts it once however often it is
 * delivered, and the windows and counters are the same for every instance. A late event is judged
 * against the newest instant of its window too, so instances that see a stream out of order still
 * find what one instance finds in order.
 */
export class SharedAnomalyDetector {
  private readonly m: Monitoring;
  private readonly state: DetectorState;
  private readonly cooldownMs: number;
  private readonly keepMs: number;
  // Subjects this instance already added to the sweep's indexes: SADD is idempotent, this only
  // spares a command per vote. Bounded, and emptied when full, so a long run stays small.
  private readonly indexed = new Set<string>();

  constructor(options: SharedAnomalyDetectorOptions) {
    this.m = options.monitoring;
    this.state = options.state;
    this.cooldownMs = options.cooldownMs ?? 60_000;
    const v = this.m.votes;
    this.keepMs = Math.max(v.rateWindowMs, v.burstWindowMs, this.m.credentials.windowMs);
  }

  /** An accepted vote (event id: its vote id); `electorate` is the booth's, when the registry knows it. */
  async voteAccepted(
    vote: ObservedVote,
    eventId: string,
    at: number,
    electorate?: number,
  ): Promise<Finding[]> {
    const [machine, booth] = await Promise.all([
      this.state.apply(`m:${vote.machineId}`, eventId, {
        fields: placementFields(vote),
        maxima: { lastSeenAt: at },
        series: { votes: { at, keepMs: this.keepMs, keepOneBefore: true } },
      }),
      this.state.apply(`b:${vote.boothId}`, eventId, {
        counters: { votes: 1, [`cand:${vote.candidateId}`]: 1 },
        fields: {
          ...placementFields({ ...vote, machineId: undefined }),
          ...(electorate === undefined ? {} : { electorate: String(electorate) }),
        },
      }),
      this.index('machines', vote.machineId),
      this.index('booths', vote.boothId),
    ]);
    const subject = subjectOf(vote);
    const times = machine.state.series.votes ?? [];
    const b = booth.state.values;
    return this.report(eventId, [
      judged(times, at, (ts, t) => voteRateRule(subject, ts, t, this.m.votes)),
      judged(times, at, (ts, t) => burstAfterSilenceRule(subject, ts, t, this.m.votes)),
      { at, finding: outsidePollHoursRule(subject, at, this.m.pollHours) },
      {
        at,
        finding: turnoutRule(
          boothSubject(vote),
          numberOf(b.votes),
          b.electorate === undefined ? undefined : Number(b.electorate),
          numberOf(b.visitors),
        ),
      },
    ]);
  }

  /** A voter verified at a booth (event id: the event's); a visitor widens what its turnout may reach. */
  async voterVerified(
    placement: Placement & { boothId: string },
    eventId: string,
    visitor: boolean,
  ): Promise<void> {
    if (!visitor) return;
    await this.state.apply(`b:${placement.boothId}`, eventId, {
      counters: { visitors: 1 },
      fields: placementFields({ ...placement, machineId: undefined }),
    });
  }

  /** Ingest refused a vote from a machine. */
  async voteRejected(
    placement: Placement & { machineId: string },
    reason: string,
    eventId: string,
    at: number,
  ): Promise<Finding[]> {
    const subject = subjectOf(placement);
    const bad = BAD_CREDENTIALS.has(reason);
    const [machine] = await Promise.all([
      this.state.apply(`m:${placement.machineId}`, eventId, {
        fields: placementFields(placement),
        maxima: { lastSeenAt: at },
        ...(bad
          ? {
              counters: { [`bad:${reason}`]: 1 },
              series: { bad: { at, keepMs: this.m.credentials.windowMs } },
            }
          : {}),
      }),
      this.index('machines', placement.machineId),
    ]);
    if (reason === 'outside-poll-hours')
      return this.report(eventId, [{ at, finding: outsidePollHoursRule(subject, at, this.m.pollHours) }]);
    if (!bad) return [];
    const reasons = prefixed(machine.state.values, 'bad:');
    return this.report(eventId, [
      judged(machine.state.series.bad ?? [], at, (ts, t) =>
        badCredentialsRule(subject, ts, t, this.m.credentials, reasons),
      ),
    ]);
  }

  /** A booth refused a verification. */
  async voterRejected(
    placement: Placement & { boothId: string },
    reason: string,
    eventId: string,
    at: number,
    voterTag?: string,
  ): Promise<Finding[]> {
    if (!SUSPECT_REFUSALS.has(reason)) return [];
    const t = this.m.verification;
    const repeat = reason === 'already-voted' && voterTag !== undefined;
    const [booth, voter] = await Promise.all([
      this.state.apply(`b:${placement.boothId}`, eventId, {
        fields: placementFields({ ...placement, machineId: undefined }),
        counters: { [`refusal:${reason}`]: 1 },
        series: { refusals: { at, keepMs: t.windowMs } },
      }),
      repeat
        ? this.state.apply(`v:${voterTag}`, eventId, { maxima: { [`b:${placement.boothId}`]: at } })
        : undefined,
    ]);
    const subject = boothSubject(placement);
    const found: Judged[] = [];
    if (voter !== undefined) {
      const refusedAt = new Map(
        Object.entries(prefixed(voter.state.values, 'b:')).filter(([, when]) => when > at - t.repeatWindowMs),
      );
      const finding = repeatVoterRule(subject, refusedAt, at, t);
      // One report per voter within the window, however many more booths turn them away.
      if (
        finding !== undefined &&
        (await this.state.claimReport(`repeat|${voterTag}`, eventId, at, t.repeatWindowMs))
      )
        found.push({ at, finding });
    }
    const reasons = prefixed(booth.state.values, 'refusal:');
    found.push(
      judged(booth.state.series.refusals ?? [], at, (ts, now) =>
        verificationRefusalsRule(subject, ts, now, t, reasons),
      ),
    );
    return this.report(eventId, found);
  }

  /** The machine was heard from (a fix, a message). */
  async seen(placement: Placement & { machineId: string }, eventId: string, at: number): Promise<void> {
    await Promise.all([
      this.state.apply(`m:${placement.machineId}`, eventId, {
        fields: placementFields(placement),
        maxima: { lastSeenAt: at },
      }),
      this.index('machines', placement.machineId),
    ]);
  }

  /** The machine published its signed result record: its poll is closed, and liveness no longer applies. */
  async pollClosed(placement: Placement & { machineId: string }, eventId: string, at: number): Promise<void> {
    await Promise.all([
      this.state.apply(`m:${placement.machineId}`, eventId, {
        fields: { ...placementFields(placement), pollClosedAt: String(at) },
        maxima: { lastSeenAt: at },
      }),
      this.index('machines', placement.machineId),
    ]);
  }

  /**
   * The machine connected; the newest of connects and disconnects decides its state, by
   * `happenedAt` (the broker's time, the same on a redelivery) when given, else by `at`.
   */
  async connected(
    placement: Placement & { machineId: string },
    eventId: string,
    at: number,
    happenedAt = at,
  ): Promise<void> {
    await this.presence(placement, eventId, at, happenedAt, { connected: '1', disconnectedAt: '' });
  }

  /** The machine disconnected (ordered as `connected` is). */
  async disconnected(
    placement: Placement & { machineId: string },
    eventId: string,
    at: number,
    happenedAt = at,
  ): Promise<void> {
    await this.presence(placement, eventId, at, happenedAt, { connected: '0', disconnectedAt: String(at) });
  }

  /** Runs the rules that look at time passing (liveness) and at totals (trend); on a schedule. */
  async sweep(now: number): Promise<Finding[]> {
    const [machines, booths] = await Promise.all([
      this.state.members('machines'),
      this.state.members('booths'),
    ]);
    const found: Judged[] = [];
    const machineStates = await Promise.all(machines.map((id) => this.state.read(`m:${id}`, [])));
    for (const { values } of machineStates) {
      found.push({
        at: now,
        finding: livenessRule(
          subjectOf(placementOf(values)),
          {
            lastSeenAt: numberOf(values.lastSeenAt),
            connected: values.connected !== '0',
            ...(values.disconnectedAt ? { disconnectedAt: Number(values.disconnectedAt) } : {}),
            ...(values.pollClosedAt ? { pollClosedAt: Number(values.pollClosedAt) } : {}),
          },
          now,
          this.m.liveness,
          this.m.pollHours,
        ),
      });
    }
    const boothStates = await Promise.all(booths.map((id) => this.state.read(`b:${id}`, [])));
    // A constituency's counts are its booths' (each vote counted once in its booth), summed here
    // rather than kept as a third state change on every vote.
    const placed = boothStates.map(({ values }) => ({
      placement: placementOf(values),
      cands: candidatesOf(values),
    }));
    const constituencies = new Map<string, Map<string, number>>();
    for (const { placement, cands } of placed) {
      if (placement.constituencyId === undefined) continue;
      const total = constituencies.get(placement.constituencyId) ?? new Map<string, number>();
      for (const [candidateId, votes] of cands) total.set(candidateId, (total.get(candidateId) ?? 0) + votes);
      constituencies.set(placement.constituencyId, total);
    }
    for (const { placement, cands } of placed) {
      if (placement.constituencyId === undefined) continue;
      const constituency = constituencies.get(placement.constituencyId)!;
      found.push({
        at: now,
        finding: boothTrendRule(boothSubject(placement), cands, constituency, this.m.trend),
      });
    }
    return this.report(`sweep@${now}`, found);
  }

  private async index(name: string, subject: string): Promise<void> {
    const key = `${name}|${subject}`;
    if (this.indexed.has(key)) return;
    await this.state.index(name, [subject]);
    if (this.indexed.size >= 100_000) this.indexed.clear();
    this.indexed.add(key);
  }

  private async presence(
    placement: Placement & { machineId: string },
    eventId: string,
    at: number,
    happenedAt: number,
    fields: Record<string, string>,
  ): Promise<void> {
    await Promise.all([
      this.state.apply(`m:${placement.machineId}`, eventId, {
        fields: placementFields(placement),
        maxima: { lastSeenAt: at },
        latest: { at: happenedAt, fields },
      }),
      this.index('machines', placement.machineId),
    ]);
  }

  private async report(eventId: string, candidates: readonly Judged[]): Promise<Finding[]> {
    const out = await Promise.all(
      candidates.map(async ({ at, finding }) =>
        finding !== undefined &&
        (await this.state.claimReport(
          cooldownKey(finding.rule, finding.subject),
          eventId,
          at,
          this.cooldownMs,
        ))
          ? finding
          : undefined,
      ),
    );
    return out.filter((f): f is Finding => f !== undefined);
  }
}

interface Judged {
  readonly at: number;
  readonly finding: Finding | undefined;
}

/**
 * Judges a window rule at this event's instant and, when other instances already added later
 * instants, at the newest one too: an event handled late still completes the window it belongs to.
 */
function judged(
  times: readonly number[],
  at: number,
  rule: (times: readonly number[], now: number) => Finding | undefined,
): Judged {
  const upTo = (t: number) => times.filter((x) => x <= t);
  const finding = rule(upTo(at), at);
  if (finding !== undefined) return { at, finding };
  const newest = times[times.length - 1];
  if (newest === undefined || newest <= at) return { at, finding: undefined };
  return { at: newest, finding: rule(times, newest) };
}

function placementFields(p: Placement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of PLACEMENT_FIELDS) if (p[k] !== undefined) out[k] = p[k];
  return out;
}

function placementOf(values: Readonly<Record<string, string>>): Placement {
  const out: Record<string, string> = {};
  for (const k of PLACEMENT_FIELDS) if (values[k] !== undefined && values[k] !== '') out[k] = values[k];
  return out;
}

function numberOf(value: string | undefined): number {
  return value === undefined ? 0 : Number(value);
}

function prefixed(values: Readonly<Record<string, string>>, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(values))
    if (k.startsWith(prefix)) out[k.slice(prefix.length)] = Number(v);
  return out;
}

function candidatesOf(values: Readonly<Record<string, string>>): Map<string, number> {
  return new Map(Object.entries(prefixed(values, 'cand:')));
}
