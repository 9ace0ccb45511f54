import { readTallies } from '@ballotstream/core';
import type { Severity } from '@ballotstream/events';
import type { Runtime } from '../runtime/runtime';
import type { CloseOfPollReport } from './close';
import type { Injected } from './config';

/** One injected incident and what the platform said about it. */
export interface IncidentOutcome {
  readonly kind: Injected['kind'];
  readonly subject: string;
  readonly injectedAt: string;
  readonly expected: readonly string[];
  readonly detected: boolean;
  readonly alert?: string;
  readonly delaySeconds?: number;
  /** What the injection did, where the bare kind does not say (e.g. how many probes were refused). */
  readonly detail?: string;
}

/** An alert that was not the detection of any injected incident: the rule that raised it and how bad it said it was. */
export interface FalseAlert {
  readonly rule: string;
  readonly severity: Severity;
  readonly subject: string;
  readonly at: string;
  readonly evidence?: unknown;
}

/** The final report of a simulation run. */
export interface SimulationReport {
  readonly blueprint: string;
  readonly booths: number;
  readonly voters: number;
  readonly speedup: number;
  readonly realSeconds: number;
  /** Real seconds the simulated clock stood still while the simulator caught up with arrivals. */
  readonly heldSeconds: number;
  readonly votes: {
    readonly sent: number;
    readonly accepted: number;
    readonly rejected: Record<string, number>;
    readonly verificationRefusals: Record<string, number>;
  };
  readonly tally: TallyComparison;
  readonly incidents: readonly IncidentOutcome[];
  readonly falseAlerts: readonly FalseAlert[];
  readonly latencyMs: {
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly max: number;
  };
  /** Result records, certification and the public bulletin after polls close. */
  readonly closeOfPoll: CloseOfPollReport;
}

/** The materialised tally against the votes the simulator cast. */
export interface TallyComparison {
  readonly groundTruth: number;
  readonly tallied: number;
  readonly equal: boolean;
  readonly differences: string[];
}

/** An alert as the simulator saw it on the bus. */
export interface SeenAlert {
  readonly kind: string;
  readonly severity: Severity;
  readonly evidence?: unknown;
  readonly machine?: string;
  readonly booth?: string;
  readonly region?: string;
  readonly at: number;
}

/**
 * What the platform said, heard on the bus: every vote accepted or rejected and every alert,
 * with when. Votes cast on a connected gateway and not yet answered are kept by vote id with
 * when each was cast (simulated): the clock holds while the oldest is a couple of minutes old.
 */
export class Observed {
  readonly acceptedAt = new Map<string, number>();
  readonly rejected: Record<string, number> = {};
  readonly alerts: SeenAlert[] = [];
  readonly unanswered = new Map<string, number>();
  /** Votes answered, accepted or rejected. */
  answered = 0;

  constructor(runtime: Runtime) {
    runtime.bus.listen((e) => this.hear(e['detail-type'], e.detail as Record<string, unknown>));
  }

  private hear(type: string, d: Record<string, unknown>): void {
    if (type === 'vote.accepted' || type === 'vote.rejected') this.answered++;
    if (type === 'vote.accepted') {
      this.acceptedAt.set(String(d.voteId), performance.now());
      this.unanswered.delete(String(d.voteId));
    } else if (type === 'vote.rejected') {
      this.rejected[String(d.reason)] = (this.rejected[String(d.reason)] ?? 0) + 1;
      if (d.voteId !== undefined) this.unanswered.delete(String(d.voteId));
    } else if (type === 'alert.raised') {
      this.alerts.push({
        kind: String(d.kind),
        severity: severityOf(d.severity),
        ...(d.machine ? { machine: String(d.machine) } : {}),
        ...(d.booth ? { booth: String(d.booth) } : {}),
        ...(d.region ? { region: String(d.region) } : {}),
        ...(d.evidence === undefined ? {} : { evidence: d.evidence }),
        at: Number(d.firstSeen),
      });
    }
  }

  /** Alerts so far by kind, for the progress line. */
  alertSummary(): string {
    const byKind = new Map<string, number>();
    for (const a of this.alerts) byKind.set(a.kind, (byKind.get(a.kind) ?? 0) + 1);
    return this.alerts.length === 0 ? '0' : [...byKind].map(([k, n]) => `${k} ${n}`).join(', ');
  }
}

// `alert.raised` carries a severity by its schema; anything else is read as the worst, so an
// alert the simulator cannot place is never waved through as a warning.
const severityOf = (s: unknown): Severity => (s === 'info' || s === 'warning' ? s : 'critical');

/** The materialised per-constituency tally against `truth` (votes cast by `constituency#candidate`). */
export async function compareTally(
  runtime: Runtime,
  electionId: string,
  truth: ReadonlyMap<string, number>,
): Promise<TallyComparison> {
  const report = await readTallies(runtime.deps.records, electionId, 'constituency');
  const tallied = new Map<string, number>();
  for (const line of report.lines)
    if (line.votes > 0) tallied.set(`${line.scope}#${line.candidateId}`, line.votes);
  const differences: string[] = [];
  for (const key of new Set([...truth.keys(), ...tallied.keys()])) {
    if ((truth.get(key) ?? 0) !== (tallied.get(key) ?? 0))
      differences.push(`${key}: cast ${truth.get(key) ?? 0}, tallied ${tallied.get(key) ?? 0}`);
  }
  const sum = (m: ReadonlyMap<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  return {
    groundTruth: sum(truth),
    tallied: sum(tallied),
    equal: differences.length === 0,
    differences: differences.slice(0, 20),
  };
}

/** The windows after an incident in which alerts on its subject are its own, not false. */
export interface OwnershipWindows {
  /** The fleet monitor's window: how long a related alert may trail the injection. */
  readonly fleetWindowMs: number;
  readonly tallyWindowMs: number;
  readonly settleMs: number;
}

/**
 * Each incident against the alerts that name its machine, booth or region after it began, and
 * every alert no incident owns as a false alert.
 */
export function judgeIncidents(
  injected: readonly Injected[],
  alerts: readonly SeenAlert[],
  windows: OwnershipWindows,
): { incidents: IncidentOutcome[]; falseAlerts: FalseAlert[] } {
  const used = new Set<SeenAlert>();
  const incidents = injected.map((incident) => judgeIncident(incident, alerts, windows, used));
  const falseAlerts = alerts
    .filter((a) => !used.has(a))
    .map((a) => ({
      rule: a.kind,
      severity: a.severity,
      subject: a.machine ?? a.booth ?? a.region ?? '',
      at: new Date(a.at).toISOString(),
      ...(a.evidence === undefined ? {} : { evidence: a.evidence }),
    }));
  return { incidents, falseAlerts };
}

function judgeIncident(
  incident: Injected,
  alerts: readonly SeenAlert[],
  windows: OwnershipWindows,
  used: Set<SeenAlert>,
): IncidentOutcome {
  const names = (a: SeenAlert) =>
    incident.boothIds.length === 0 ||
    (incident.machineId !== undefined && a.machine === incident.machineId) ||
    (a.booth !== undefined && incident.boothIds.includes(a.booth));
  const match = alerts.find(
    (a) => incident.expected.includes(a.kind) && a.at >= incident.at - 60_000 && names(a),
  );
  // An expected alert on the subject from the incident on is this incident's (one raised
  // before it began is a false alert); a related one only while the injection ran and one
  // fleet window after.
  // An incident with an end (the secondary region back) owns its expected alerts until the
  // tally has had two windows to backfill and agree, not for the rest of the day.
  const relatedUntil = (incident.endedAt ?? incident.at) + windows.fleetWindowMs;
  const expectedUntil =
    incident.kind === 'secondary-outage' && incident.endedAt !== undefined
      ? incident.endedAt + 2 * windows.tallyWindowMs + windows.settleMs
      : Number.POSITIVE_INFINITY;
  for (const a of alerts) {
    if (!names(a) || a.at < incident.at - 60_000) continue;
    if (incident.expected.includes(a.kind) && (a.at <= expectedUntil || aboutOutage(incident, a)))
      used.add(a);
    else if (incident.related?.includes(a.kind) && a.at <= relatedUntil) used.add(a);
  }
  return {
    kind: incident.kind,
    subject: incident.machineId ?? incident.boothIds.slice(0, 3).join(',') ?? 'country',
    injectedAt: new Date(incident.at).toISOString(),
    expected: incident.expected,
    detected: match !== undefined,
    ...(match === undefined
      ? {}
      : { alert: match.kind, delaySeconds: Math.max(0, (match.at - incident.at) / 1000) }),
    ...(incident.detail === undefined ? {} : { detail: incident.detail }),
  };
}

/**
 * A divergence about a tally window that overlaps the outage is the outage's, however
 * late it is raised: the regions still disagree on the votes the secondary missed, because the
 * backfill has not caught up yet (slow on a loaded machine), not because of anything new.
 */
function aboutOutage(incident: Injected, a: SeenAlert): boolean {
  if (incident.kind !== 'secondary-outage' || incident.endedAt === undefined) return false;
  const { windowStart, windowEnd } = (a.evidence ?? {}) as { windowStart?: unknown; windowEnd?: unknown };
  return (
    typeof windowStart === 'number' &&
    typeof windowEnd === 'number' &&
    windowStart < incident.endedAt &&
    windowEnd > incident.at
  );
}

const percentile = (sorted: readonly number[], q: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

/** Cast → accepted latency percentiles (real ms) of every vote that was accepted. */
export function latencyOf(
  castAt: ReadonlyMap<string, number>,
  acceptedAt: ReadonlyMap<string, number>,
): SimulationReport['latencyMs'] {
  const latencies = [...castAt]
    .flatMap(([id, t]) => (acceptedAt.has(id) ? [acceptedAt.get(id)! - t] : []))
    .sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 0.5),
    p90: percentile(latencies, 0.9),
    p99: percentile(latencies, 0.99),
    max: latencies.at(-1) ?? 0,
  };
}
