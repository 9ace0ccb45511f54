import { alertRaised, type HealthProbe } from '@ballotstream/events';
import type { Config } from '../config';
import { type BrokerHealth, probeBroker, recordProbe } from '../domain/monitoring/broker-health';
import { checkDependencies, platformProbes } from '../domain/system/dependency-health';
import { type BrokerProbe, type Clock, eventOf, type RecordStore, type VoterCache } from '../ports';
import { type Outcome, outcome } from './outcome';

/** What `/health` reports of the dependencies: the platform's state and each one's. */
export interface HealthAnswer {
  readonly status: 'ok' | 'degraded';
  readonly dependencies: Readonly<Record<string, 'up' | 'down'>>;
}

/** The platform's own health checks: its dependencies, and the broker's round trip. */
export function systemUseCases(
  ports: {
    readonly records: RecordStore;
    readonly clock: Clock;
    readonly cache: VoterCache;
    readonly brokerProbe: BrokerProbe;
  },
  config: Pick<Config, 'monitoring'>,
) {
  const { records, clock } = ports;
  const alertDeps = { records, clock, alerting: config.monitoring.alerting };
  return {
    /**
     * Asks each dependency whether it answers: one that does not raises a de-duplicated national
     * alert (announced when new), and one that is back clears it.
     */
    async health(): Promise<Outcome<HealthAnswer>> {
      const report = await checkDependencies(alertDeps, platformProbes(ports));
      return outcome(
        { status: report.status, dependencies: report.dependencies },
        report.raised.map((a) => eventOf(alertRaised, a)),
      );
    },
    /** Publishes `messages` probes to the broker and waits for all of them to come back through its rule. */
    probeBroker: (options: {
      readonly messages: number;
      readonly timeoutMs: number;
    }): Promise<BrokerHealth> => probeBroker({ probe: ports.brokerProbe, records, clock }, options),
    /** Notes one probe message that came back through the broker. */
    recordProbe: (probe: HealthProbe, receivedAt: number) => recordProbe(records, probe, receivedAt),
  };
}
