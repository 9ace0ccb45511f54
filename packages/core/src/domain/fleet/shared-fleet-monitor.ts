import type { FleetActivity, FleetBehaviour } from '@ballotstream/events';
import type { DetectorState } from '../../ports/detector-state';
import { countWithin } from '../anomaly/rules';
import type { Monitoring } from '../anomaly/thresholds';
import { inCidr, normaliseAddress, type SourceProfile, type Violation } from './fleet-monitor';

/**
 * The fleet security monitor of `FleetMonitor` over shared state (`DetectorState`), for Lambda:
 * every instance counts a machine's refusals, messages and connects in the same windows, and an
 * activity delivered twice (its event id) counts once.
 */
export class SharedFleetMonitor {
  // Evidence only (the last refused topics an officer reads); the counting is shared.
  private readonly deniedTopics = new Map<string, string[]>();

  constructor(
    private readonly thresholds: Monitoring['fleet'],
    private readonly state: DetectorState,
  ) {}

  /** Observes one piece of broker activity, known by `eventId`; returns the violations it completes. */
  async observe(activity: FleetActivity, eventId: string, profile: SourceProfile = {}): Promise<Violation[]> {
    const t = this.thresholds;
    const subject = `f:${activity.clientId}`;
    const at = activity.at;
    const id = activity.clientId;
    switch (activity.kind) {
      case 'publish-denied': {
        const { state } = await this.state.apply(subject, eventId, {
          series: { denied: { at, keepMs: t.authWindowMs } },
        });
        const topics = [...(this.deniedTopics.get(id) ?? []).slice(-4), activity.topic];
        this.deniedTopics.set(id, topics);
        const count = judgedCount(state.series.denied ?? [], at, t.authWindowMs);
        return this.report(eventId, at, [
          over(id, 'authorization-failures', count, t.maxAuthFailures, { windowMs: t.authWindowMs, topics }),
        ]);
      }
      case 'published': {
        const { state } = await this.state.apply(subject, eventId, {
          series: { published: { at, keepMs: t.windowMs } },
        });
        const count = judgedCount(state.series.published ?? [], at, t.windowMs);
        // "More than" the allowance: the allowance itself is fine.
        return this.report(eventId, at, [
          over(id, 'message-rate', count, t.maxMessages + 1, {
            windowMs: t.windowMs,
            maxMessages: t.maxMessages,
          }),
        ]);
      }
      case 'connected': {
        const address = normaliseAddress(activity.address);
        // The session before this connect; IoT Core itself closes the older of two sessions of one
        // client id, so a read a moment stale only delays what the next connect reports.
        const before = (await this.state.read(subject, [])).values;
        const { state } = await this.state.apply(subject, eventId, {
          counters: { sessions: 1 },
          fields: { address },
          series: { connects: { at, keepMs: t.windowMs } },
        });
        const found: Candidate[] = [];
        if (Number(before.sessions ?? 0) > 0 && before.address !== undefined && before.address !== address) {
          found.push(violation(id, 'two-places', 2, 1, { addresses: [before.address, address] }));
        }
        const allowed = profile.allowedSources;
        if (allowed !== undefined && allowed.length > 0 && !allowed.some((cidr) => inCidr(address, cidr))) {
          found.push(violation(id, 'unexpected-source', 1, 0, { address, allowed }));
        }
        const connects = judgedCount(state.series.connects ?? [], at, t.windowMs);
        found.push(over(id, 'reconnect-storm', connects, t.maxConnects, { windowMs: t.windowMs }));
        return this.report(eventId, at, found);
      }
      case 'disconnected':
        await this.state.apply(subject, eventId, { counters: { sessions: -1 } });
        return [];
    }
  }

  private async report(eventId: string, at: number, candidates: readonly Candidate[]): Promise<Violation[]> {
    const out: Violation[] = [];
    for (const c of candidates) {
      if (c === undefined) continue;
      const windowMs =
        c.behaviour === 'authorization-failures' ? this.thresholds.authWindowMs : this.thresholds.windowMs;
      // One violation per behaviour and machine per window: Detect, too, alarms once until cleared.
      if (await this.state.claimReport(`fleet|${c.machineId}|${c.behaviour}`, eventId, at, windowMs))
        out.push({ ...c, at });
    }
    return out;
  }
}

type Candidate = Omit<Violation, 'at'> | undefined;

function over(
  machineId: string,
  behaviour: FleetBehaviour,
  value: number,
  threshold: number,
  evidence: Record<string, unknown>,
): Candidate {
  if (value < threshold) return undefined;
  return violation(machineId, behaviour, value, threshold, { count: value, ...evidence });
}

function violation(
  machineId: string,
  behaviour: FleetBehaviour,
  metricValue: number,
  threshold: number,
  evidence: Record<string, unknown>,
): Candidate {
  return { machineId, behaviour, metricValue, threshold, evidence };
}

/** The instants within the window ending at this one, or at the newest if another instance added later ones. */
function judgedCount(times: readonly number[], at: number, windowMs: number): number {
  const newest = times[times.length - 1] ?? at;
  return Math.max(countWithin(times, at, windowMs), countWithin(times, newest, windowMs));
}
