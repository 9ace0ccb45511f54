import { recordKeys } from '../../domain/shared/keys';
import { partitionRecords } from '../../domain/shared/pages';
import type { MachineCertificates } from '../../ports/machine-certificates';
import type { RecordStore } from '../../ports/record-store';

/** Whatever holds the machines' certificate statuses: the embedded broker. */
export interface CertificateChannel {
  /** Sets the certificates named by this machine id ACTIVE or INACTIVE; true when that changed anything. */
  setCertificateActive(machineId: string, active: boolean): boolean;
}

/**
 * Sets a machine's certificates ACTIVE or INACTIVE at the embedded broker, which refuses a
 * certificate while it is inactive and drops the connections it holds, as IoT Core does. Local
 * certificates are issued per connection by the election CA, each naming the machine, so the
 * machine id stands for all of them. The status is kept in the `fleet` table, as IoT Core keeps
 * it in its registry, so a restarted runtime hands its broker the machines it must still refuse.
 */
export class LocalMachineCertificates implements MachineCertificates {
  constructor(
    private readonly channel: CertificateChannel,
    private readonly records: RecordStore,
  ) {}

  async setActive(machineId: string, active: boolean): Promise<number> {
    const key = recordKeys.inactiveCertificate(machineId);
    const wasInactive = (await this.records.get('fleet', key)) !== undefined;
    // Written before the broker hears it, so a crash in between still refuses the machine.
    if (active) await this.records.delete('fleet', key);
    else await this.records.put('fleet', { ...key });
    this.channel.setCertificateActive(machineId, active);
    return wasInactive === active ? 1 : 0;
  }
}

/** The machines whose certificates are INACTIVE, for a starting broker to refuse. */
export async function inactiveMachineCertificates(records: RecordStore): Promise<string[]> {
  const machines: string[] = [];
  for await (const record of partitionRecords(records, 'fleet', recordKeys.inactiveCertificatesPartition()))
    machines.push(record.sk);
  return machines;
}
