import {
  type IoTDataPlaneClient,
  PublishCommand,
  type PublishCommandInput,
} from '@aws-sdk/client-iot-data-plane';
import { type ControlMessage, topics } from '@ballotstream/events';
import type { MachineCommands } from '../../ports/machine-commands';

/** The IoT data-plane request for a control message: QoS 1 and retained (exported for its shape test). */
export function controlPublishOf(stage: string, message: ControlMessage): PublishCommandInput {
  return {
    topic: topics.control(stage, message.machineId),
    qos: 1,
    retain: true,
    contentType: 'application/json',
    payload: new TextEncoder().encode(JSON.stringify(message)),
  };
}

/** Sends control messages through IoT Core as retained publishes the gateway receives on connect. */
export class IotMachineCommands implements MachineCommands {
  constructor(
    private readonly client: IoTDataPlaneClient,
    private readonly stage: string,
  ) {}

  async sendControl(message: ControlMessage): Promise<void> {
    await this.client.send(new PublishCommand(controlPublishOf(this.stage, message)));
  }
}
