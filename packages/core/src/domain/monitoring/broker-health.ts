import type { HealthProbe } from '@ballotstream/events';
import type { BrokerProbe } from '../../ports/broker-probe';
import type { Clock } from '../../ports/clock';
import type { RecordStore } from '../../ports/record-store';
import { randomBase64url } from '../crypto/random';
import { recordKeys } from '../shared/keys';

/** What one probe of the broker found: `up` only when every message it sent came back. */
export interface BrokerHealth {
  readonly status: 'up' | 'down';
  readonly probeId: string;
  readonly sent: number;
  readonly received: number;
  /** From the first publish to the last message read back (or to giving up). */
  readonly elapsedMs: number;
  /** Why publishing failed, in words that name no internal detail. */
  readonly problem?: 'publish-failed' | 'not-all-returned';
}

export interface ProbeBrokerDeps {
  readonly probe: BrokerProbe;
  readonly records: RecordStore;
  readonly clock: Clock;
  /** Waits between reads of the probe's records (a timer; tests may pass a faster one). */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface ProbeOptions {
  readonly messages: number;
  /** How long to wait for the messages to come back before calling the broker down. */
  readonly timeoutMs: number;
  readonly pollMs?: number;
}

// Probe records are kept a day at most: DynamoDB's TTL removes them.
const PROBE_TTL_S = 24 * 3600;

/**
 * Publishes `messages` probes to the broker's health topic and reads back how many of them its
 * rule recorded: the broker is up only when all came back within `timeoutMs`. A broker that
 * refuses the publish is down at once, so one probe tells.
 */
export async function probeBroker(deps: ProbeBrokerDeps, options: ProbeOptions): Promise<BrokerHealth> {
  const probeId = randomBase64url(12);
  const started = deps.clock.now();
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const down = (problem: BrokerHealth['problem'], received: number): BrokerHealth => ({
    status: 'down',
    probeId,
    sent: options.messages,
    received,
    elapsedMs: deps.clock.now() - started,
    problem,
  });
  try {
    await Promise.all(
      Array.from({ length: options.messages }, (_, seq) =>
        deps.probe.publish({ probeId, seq, sentAt: started }),
      ),
    );
  } catch {
    return down('publish-failed', 0);
  }
  let received = 0;
  for (;;) {
    const page = await deps.records.query('ledger', recordKeys.healthProbePartition(probeId), {
      limit: options.messages,
    });
    received = page.records.length;
    if (received >= options.messages) {
      return {
        status: 'up',
        probeId,
        sent: options.messages,
        received,
        elapsedMs: deps.clock.now() - started,
      };
    }
    if (deps.clock.now() - started >= options.timeoutMs) return down('not-all-returned', received);
    await sleep(options.pollMs ?? 50);
  }
}

/** The probe rule's work: note that one probe message came back through the broker. */
export async function recordProbe(
  records: RecordStore,
  probe: HealthProbe,
  receivedAt: number,
): Promise<void> {
  await records.put('ledger', {
    ...recordKeys.healthProbe(probe.probeId, probe.seq),
    receivedAt,
    expiresAtSeconds: Math.floor(receivedAt / 1000) + PROBE_TTL_S,
  });
}
