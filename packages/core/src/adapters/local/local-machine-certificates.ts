import type { MachineCertificates } from '../../ports/machine-certificates';

/** Whatever holds the machines' certificate statuses: the embedded broker. */
export interface CertificateChannel {
  /** Sets the certificates named by this machine id ACTIVE or INACTIVE; true when that changed anything. */
  setCertificateActive(machineId: string, active: boolean): boolean;
}

/**
 * Sets a machine's certificates ACTIVE or INACTIVE at the embedded broker, which refuses a
 * certificate while it is inactive and drops the connections it holds, as IoT Core does. Local
 * certificates are issued per connection by the election CA, each naming the machine, so the
 * machine id stands for all of them.
 */
export class LocalMachineCertificates implements MachineCertificates {
  constructor(private readonly channel: CertificateChannel) {}

  async setActive(machineId: string, active: boolean): Promise<number> {
    return this.channel.setCertificateActive(machineId, active) ? 1 : 0;
  }
}
