import {
  type IoTDataPlaneClient,
  PublishCommand,
  type PublishCommandInput,
} from '@aws-sdk/client-iot-data-plane';
import { type HealthProbe, topics } from '@ballotstream/events';
import type { BrokerProbe } from '../../ports/broker-probe';

/** The IoT data-plane request for a health probe: QoS 1, not retained (exported for its shape test). */
export function probePublishOf(stage: string, probe: HealthProbe): PublishCommandInput {
  return {
    topic: topics.healthProbe(stage, probe.probeId),
    qos: 1,
    retain: false,
    contentType: 'application/json',
    payload: new TextEncoder().encode(JSON.stringify(probe)),
  };
}

/** Publishes health probes through IoT Core's data plane, whose rules engine hands them to the probe rule. */
export class IotBrokerProbe implements BrokerProbe {
  constructor(
    private readonly client: IoTDataPlaneClient,
    private readonly stage: string,
  ) {}

  async publish(probe: HealthProbe): Promise<void> {
    await this.client.send(new PublishCommand(probePublishOf(this.stage, probe)));
  }
}
