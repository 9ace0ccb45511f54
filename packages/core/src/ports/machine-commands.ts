import type { ControlMessage } from '@ballotstream/events';

/**
 * Commands from the cloud to a machine: its block state as a retained control message (an IoT
 * Core retained publish in AWS, the embedded broker locally), so a machine that reconnects
 * learns its state at once.
 */
export interface MachineCommands {
  sendControl(message: ControlMessage): Promise<void>;
}
