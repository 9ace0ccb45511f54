import { type ControlMessage, topics } from '@ballotstream/events';
import type { MachineCommands } from '../../ports/machine-commands';

/** Whatever can publish to machines: the embedded broker. */
export interface MachineChannel {
  publish(topic: string, payload: string, options: { retain?: boolean; qos?: 0 | 1 }): Promise<void>;
}

/** Sends control messages through the embedded broker, retained, as IoT Core's retained publish does. */
export class LocalMachineCommands implements MachineCommands {
  constructor(
    private readonly stage: string,
    private readonly channel: MachineChannel,
  ) {}

  async sendControl(message: ControlMessage): Promise<void> {
    await this.channel.publish(topics.control(this.stage, message.machineId), JSON.stringify(message), {
      retain: true,
      qos: 1,
    });
  }
}
