import { type HealthProbe, topics } from '@ballotstream/events';
import type { BrokerProbe } from '../../ports/broker-probe';
import type { MachineChannel } from './local-machine-commands';

/** Publishes health probes into the embedded broker, whose rules take them as IoT Core's would. */
export class LocalBrokerProbe implements BrokerProbe {
  constructor(
    private readonly stage: string,
    private readonly channel: MachineChannel,
  ) {}

  async publish(probe: HealthProbe): Promise<void> {
    await this.channel.publish(topics.healthProbe(this.stage, probe.probeId), JSON.stringify(probe), {
      qos: 1,
    });
  }
}
