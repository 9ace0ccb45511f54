import type { FleetActivity, FleetBehaviour } from '@ballotstream/events';
import type { Monitoring } from '../anomaly/thresholds';

/** A behaviour outside a machine's profile, as Device Defender Detect would report it. */
export interface Violation {
  readonly machineId: string;
  readonly behaviour: FleetBehaviour;
  readonly metricValue: number;
  readonly threshold: number;
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly at: number;
}

/** What the registry says a machine may connect from; nothing means any address. */
export interface SourceProfile {
  /** IPv4 CIDR blocks (or exact addresses) the booth's uplink uses. */
  readonly allowedSources?: readonly string[];
}

interface ClientState {
  denied: number[];
  published: number[];
  connects: number[];
  sessions: number;
  address?: string;
  lastDeniedTopics: string[];
}

/**
 * The fleet security monitor: Device Defender Detect's cloud-side behaviours (authorization
 * failures, message rate, source address, connection attempts) computed from what the broker
 * sees, plus a machine connecting from a second place while its session is live. The same
 * code runs on IoT lifecycle events in AWS and on the local broker's activity.
 */
export class FleetMonitor {
  private readonly clients = new Map<string, ClientState>();
  private readonly lastFired = new Map<string, number>();

  constructor(private readonly thresholds: Monitoring['fleet']) {}

  /** Observes one piece of broker activity; returns the violations it completes. */
  observe(activity: FleetActivity, profile: SourceProfile = {}): Violation[] {
    const t = this.thresholds;
    const state = this.client(activity.clientId);
    const at = activity.at;
    const out: (Violation | undefined)[] = [];
    switch (activity.kind) {
      case 'publish-denied': {
        slide(state.denied, at, t.authWindowMs);
        state.lastDeniedTopics = [...state.lastDeniedTopics.slice(-4), activity.topic];
        out.push(
          this.over(
            activity.clientId,
            'authorization-failures',
            state.denied.length,
            t.maxAuthFailures,
            at,
            { windowMs: t.authWindowMs, topics: state.lastDeniedTopics },
            t.authWindowMs,
          ),
        );
        break;
      }
      case 'published': {
        slide(state.published, at, t.windowMs);
        // "More than" the allowance: the allowance itself is fine.
        out.push(
          this.over(activity.clientId, 'message-rate', state.published.length, t.maxMessages + 1, at, {
            windowMs: t.windowMs,
            maxMessages: t.maxMessages,
          }),
        );
        break;
      }
      case 'connected': {
        slide(state.connects, at, t.windowMs);
        const address = normaliseAddress(activity.address);
        if (state.sessions > 0 && state.address !== undefined && state.address !== address) {
          out.push(
            this.violation(activity.clientId, 'two-places', 2, 1, at, {
              addresses: [state.address, address],
            }),
          );
        }
        state.sessions++;
        state.address = address;
        const allowed = profile.allowedSources;
        if (allowed !== undefined && allowed.length > 0 && !allowed.some((cidr) => inCidr(address, cidr))) {
          out.push(this.violation(activity.clientId, 'unexpected-source', 1, 0, at, { address, allowed }));
        }
        out.push(
          this.over(activity.clientId, 'reconnect-storm', state.connects.length, t.maxConnects, at, {
            windowMs: t.windowMs,
          }),
        );
        break;
      }
      case 'disconnected':
        state.sessions = Math.max(0, state.sessions - 1);
        break;
    }
    return out.filter((v): v is Violation => v !== undefined);
  }

  private over(
    machineId: string,
    behaviour: FleetBehaviour,
    value: number,
    threshold: number,
    at: number,
    evidence: Record<string, unknown>,
    windowMs = this.thresholds.windowMs,
  ): Violation | undefined {
    if (value < threshold) return undefined;
    return this.violation(
      machineId,
      behaviour,
      value,
      threshold,
      at,
      { count: value, ...evidence },
      windowMs,
    );
  }

  private violation(
    machineId: string,
    behaviour: FleetBehaviour,
    metricValue: number,
    threshold: number,
    at: number,
    evidence: Record<string, unknown>,
    windowMs = this.thresholds.windowMs,
  ): Violation | undefined {
    // One violation per behaviour and machine per window: Detect, too, alarms once until cleared.
    const key = `${machineId}|${behaviour}`;
    const last = this.lastFired.get(key);
    if (last !== undefined && at - last < windowMs) return undefined;
    this.lastFired.set(key, at);
    return { machineId, behaviour, metricValue, threshold, evidence, at };
  }

  private client(clientId: string): ClientState {
    let state = this.clients.get(clientId);
    if (state === undefined) {
      state = { denied: [], published: [], connects: [], sessions: 0, lastDeniedTopics: [] };
      this.clients.set(clientId, state);
    }
    return state;
  }
}

function slide(times: number[], at: number, windowMs: number): void {
  times.push(at);
  let drop = 0;
  while (drop < times.length && times[drop]! <= at - windowMs) drop++;
  if (drop > 0) times.splice(0, drop);
}

/** Strips the IPv4-mapped IPv6 prefix Node reports for IPv4 peers. */
export function normaliseAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** Whether an IPv4 address lies in a CIDR block (`10.0.0.0/8`) or equals an exact address. */
export function inCidr(address: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/') as [string, string | undefined];
  if (bitsText === undefined) return normaliseAddress(address) === base;
  const a = ipv4(normaliseAddress(address));
  const b = ipv4(base);
  const bits = Number(bitsText);
  if (a === undefined || b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

function ipv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const part of parts) {
    const v = Number(part);
    if (!/^\d{1,3}$/.test(part) || v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}
