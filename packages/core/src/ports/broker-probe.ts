import type { HealthProbe } from '@ballotstream/events';

/**
 * The cloud's own publishes to the device broker for its health check: an IoT data-plane
 * `Publish` in AWS (which the rules engine takes like a machine's message), the embedded broker
 * locally. A broker that is down makes `publish` fail or its probes never come back.
 */
export interface BrokerProbe {
  publish(probe: HealthProbe): Promise<void>;
}
