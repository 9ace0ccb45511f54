import type { AlertSubject, AnomalyRule } from '@ballotstream/events';
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

/** A vote as the detector sees it: where it was cast and for whom, never by whom. */
export interface ObservedVote {
  readonly machineId: string;
  readonly boothId: string;
  readonly constituencyId: string;
  readonly regionId: string;
  readonly candidateId: string;
}

/** Where a machine stands, for the subject of a finding. */
export interface Placement {
  readonly machineId?: string;
  readonly boothId?: string;
  readonly constituencyId?: string;
  readonly regionId?: string;
}

// Ingest refusals that mean a forged or replayed vote, not a late or malformed one.
const BAD_CREDENTIALS = new Set([
  'bad-signature',
  'no-token',
  'unknown-token',
  'token-reused',
  'token-other-machine',
  // A signed vote with a real token for a candidate or constituency not on the machine's ballot.
  'off-ballot',
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

interface MachineState {
  placement: Placement;
  voteTimes: number[];
  badTimes: number[];
  badReasons: Record<string, number>;
  lastSeenAt: number;
  connected: boolean;
  disconnectedAt?: number;
}

interface BoothState {
  placement: Placement;
  votes: number;
  electorate?: number;
  /** Voters verified here who are registered at another booth. */
  visitors: number;
  candidates: Map<string, number>;
  refusalTimes: number[];
  refusalReasons: Record<string, number>;
}

export interface AnomalyDetectorOptions {
  readonly monitoring: Monitoring;
  /** The same rule on the same subject fires at most once per this interval (the alert counts up). */
  readonly cooldownMs?: number;
}

/**
 * Runs the anomaly rules over a stream of observations. It keeps only the sliding windows the
 * rules need, so the simulator can feed it a whole election-day and the handlers can feed it
 * live events; every method returns the findings the observation caused.
 */
export class AnomalyDetector {
  private readonly machines = new Map<string, MachineState>();
  private readonly booths = new Map<string, BoothState>();
  private readonly constituencies = new Map<string, Map<string, number>>();
  private readonly lastFired = new Map<string, number>();
  /** Per voter refusal tag: the booths that refused it as already voted, and when. */
  private readonly repeatRefusals = new Map<string, Map<string, number>>();
  private readonly repeatReported = new Map<string, number>();
  private readonly m: Monitoring;
  private readonly cooldownMs: number;
  private readonly keepMs: number;

  constructor(options: AnomalyDetectorOptions) {
    this.m = options.monitoring;
    this.cooldownMs = options.cooldownMs ?? 60_000;
    const v = this.m.votes;
    this.keepMs = Math.max(v.rateWindowMs, v.burstWindowMs, this.m.credentials.windowMs);
  }

  /** An accepted vote; `electorate` is the booth's registered voters, when the registry knows it. */
  voteAccepted(vote: ObservedVote, at: number, electorate?: number): Finding[] {
    const machine = this.machine(vote, at);
    machine.lastSeenAt = Math.max(machine.lastSeenAt, at);
    pushTrimmed(machine.voteTimes, at, this.keepMs, true);
    const booth = this.booth(vote);
    booth.votes++;
    if (electorate !== undefined) booth.electorate = electorate;
    booth.candidates.set(vote.candidateId, (booth.candidates.get(vote.candidateId) ?? 0) + 1);
    const c = this.constituencies.get(vote.constituencyId) ?? new Map<string, number>();
    c.set(vote.candidateId, (c.get(vote.candidateId) ?? 0) + 1);
    this.constituencies.set(vote.constituencyId, c);

    const subject = subjectOf(vote);
    return this.fire(at, [
      voteRateRule(subject, machine.voteTimes, at, this.m.votes),
      burstAfterSilenceRule(subject, machine.voteTimes, at, this.m.votes),
      outsidePollHoursRule(subject, at, this.m.pollHours),
      turnoutRule(boothSubject(vote), booth.votes, booth.electorate, booth.visitors),
    ]);
  }

  /** A voter verified at a booth; a visitor (registered elsewhere) widens what its turnout may reach. */
  voterVerified(placement: Placement & { boothId: string }, visitor: boolean): void {
    if (visitor) this.booth(placement).visitors++;
  }

  /** Ingest refused a vote from a machine. */
  voteRejected(placement: Placement & { machineId: string }, reason: string, at: number): Finding[] {
    const machine = this.machine(placement, at);
    machine.lastSeenAt = Math.max(machine.lastSeenAt, at);
    const subject = subjectOf(placement);
    if (reason === 'outside-poll-hours')
      return this.fire(at, [outsidePollHoursRule(subject, at, this.m.pollHours)]);
    if (!BAD_CREDENTIALS.has(reason)) return [];
    pushTrimmed(machine.badTimes, at, this.m.credentials.windowMs, false);
    machine.badReasons[reason] = (machine.badReasons[reason] ?? 0) + 1;
    return this.fire(at, [
      badCredentialsRule(subject, machine.badTimes, at, this.m.credentials, machine.badReasons),
    ]);
  }

  /** A booth refused a verification. */
  voterRejected(
    placement: Placement & { boothId: string },
    reason: string,
    at: number,
    voterTag?: string,
  ): Finding[] {
    if (!SUSPECT_REFUSALS.has(reason)) return [];
    const booth = this.booth(placement);
    pushTrimmed(booth.refusalTimes, at, this.m.verification.windowMs, false);
    booth.refusalReasons[reason] = (booth.refusalReasons[reason] ?? 0) + 1;
    const repeat =
      reason === 'already-voted' && voterTag !== undefined ? this.repeatVoter(placement, voterTag, at) : [];
    return this.fire(at, [
      ...repeat,
      verificationRefusalsRule(
        boothSubject(placement),
        booth.refusalTimes,
        at,
        this.m.verification,
        booth.refusalReasons,
      ),
    ]);
  }

  /** The machine was heard from (a fix, a message, a connect). */
  seen(placement: Placement & { machineId: string }, at: number): void {
    const machine = this.machine(placement, at);
    machine.lastSeenAt = Math.max(machine.lastSeenAt, at);
  }

  connected(placement: Placement & { machineId: string }, at: number): void {
    const machine = this.machine(placement, at);
    machine.connected = true;
    delete machine.disconnectedAt;
    machine.lastSeenAt = Math.max(machine.lastSeenAt, at);
  }

  disconnected(placement: Placement & { machineId: string }, at: number): void {
    const machine = this.machine(placement, at);
    machine.connected = false;
    machine.disconnectedAt = at;
  }

  /** Runs the rules that look at time passing (liveness) and at totals (trend); on a schedule. */
  sweep(now: number): Finding[] {
    const found: (Finding | undefined)[] = [];
    for (const machine of this.machines.values()) {
      found.push(
        livenessRule(
          subjectOf(machine.placement),
          {
            lastSeenAt: machine.lastSeenAt,
            connected: machine.connected,
            ...(machine.disconnectedAt === undefined ? {} : { disconnectedAt: machine.disconnectedAt }),
          },
          now,
          this.m.liveness,
          this.m.pollHours,
        ),
      );
    }
    for (const booth of this.booths.values()) {
      const c = this.constituencies.get(booth.placement.constituencyId ?? '');
      if (c !== undefined)
        found.push(boothTrendRule(boothSubject(booth.placement), booth.candidates, c, this.m.trend));
    }
    return this.fire(now, found);
  }

  /** Forgets a machine (retired, or moved to another booth). */
  forget(machineId: string): void {
    this.machines.delete(machineId);
  }

  // One finding per voter within the window, however many more booths turn them away.
  private repeatVoter(placement: Placement & { boothId: string }, tag: string, at: number): Finding[] {
    const t = this.m.verification;
    const booths = this.repeatRefusals.get(tag) ?? new Map<string, number>();
    booths.set(placement.boothId, at);
    for (const [booth, when] of booths) if (when <= at - t.repeatWindowMs) booths.delete(booth);
    this.repeatRefusals.set(tag, booths);
    const reported = this.repeatReported.get(tag);
    if (reported !== undefined && at - reported < t.repeatWindowMs) return [];
    const finding = repeatVoterRule(boothSubject(placement), booths, at, t);
    if (finding === undefined) return [];
    this.repeatReported.set(tag, at);
    return [finding];
  }

  private fire(at: number, candidates: readonly (Finding | undefined)[]): Finding[] {
    const out: Finding[] = [];
    for (const finding of candidates) {
      if (finding === undefined) continue;
      const key = cooldownKey(finding.rule, finding.subject);
      const last = this.lastFired.get(key);
      if (last !== undefined && at - last < this.cooldownMs) continue;
      this.lastFired.set(key, at);
      out.push(finding);
    }
    return out;
  }

  private machine(placement: Placement & { machineId?: string }, at: number): MachineState {
    const id = placement.machineId ?? '';
    let state = this.machines.get(id);
    if (state === undefined) {
      state = {
        placement: { ...placement },
        voteTimes: [],
        badTimes: [],
        badReasons: {},
        lastSeenAt: at,
        connected: true,
      };
      this.machines.set(id, state);
    } else if (placement.regionId !== undefined) {
      state.placement = { ...state.placement, ...placement };
    }
    return state;
  }

  private booth(placement: Placement): BoothState {
    const id = placement.boothId ?? '';
    let state = this.booths.get(id);
    if (state === undefined) {
      state = {
        placement: { ...placement, machineId: undefined },
        votes: 0,
        visitors: 0,
        candidates: new Map(),
        refusalTimes: [],
        refusalReasons: {},
      };
      this.booths.set(id, state);
    }
    return state;
  }
}

/** What a finding is about: the narrowest place it names. */
export function subjectOf(p: Placement): AlertSubject {
  return {
    ...(p.regionId === undefined ? {} : { regionId: p.regionId }),
    ...(p.constituencyId === undefined ? {} : { constituencyId: p.constituencyId }),
    ...(p.boothId === undefined ? {} : { boothId: p.boothId }),
    ...(p.machineId === undefined ? {} : { machineId: p.machineId }),
  };
}

/** A placement's booth, without its machine. */
export function boothSubject(p: Placement): AlertSubject {
  return subjectOf({ ...p, machineId: undefined });
}

/** The key a rule's cooldown is kept under for one subject. */
export function cooldownKey(rule: AnomalyRule, s: AlertSubject): string {
  return `${rule}|${s.regionId ?? ''}|${s.boothId ?? ''}|${s.machineId ?? ''}`;
}

/**
 * Appends an instant (kept sorted; late arrivals are slotted in) and drops those older than the
 * window, keeping one earlier instant when asked so a burst can measure the silence before it.
 */
function pushTrimmed(times: number[], at: number, windowMs: number, keepOneBefore: boolean): void {
  let i = times.length;
  while (i > 0 && times[i - 1]! > at) i--;
  times.splice(i, 0, at);
  const latest = times[times.length - 1]!;
  let drop = 0;
  while (drop < times.length && times[drop]! <= latest - windowMs) drop++;
  if (keepOneBefore && drop > 0) drop--;
  if (drop > 0) times.splice(0, drop);
}
