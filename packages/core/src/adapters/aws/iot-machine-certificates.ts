import {
  DescribeCertificateCommand,
  type IoTClient,
  ListThingPrincipalsCommand,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import { allItems } from '../../domain/shared/pages';
import type { MachineCertificates } from '../../ports/machine-certificates';

/** The certificate id of an IoT certificate ARN (`arn:aws:iot:<region>:<account>:cert/<id>`), if it is one. */
export function certificateIdOf(principalArn: string): string | undefined {
  return /:cert\/([0-9a-fA-F]{64})$/.exec(principalArn)?.[1];
}

/**
 * Sets a machine's certificates ACTIVE or INACTIVE through the IoT control plane. A machine is
 * a thing named by its machine id; the certificates attached to it are the ones it connects
 * with, so a rotated certificate (attached beside the old one for a while) is covered too.
 * IoT Core refuses new connections with a certificate set INACTIVE and, within a few minutes,
 * closes those it holds (UpdateCertificate in the IoT API reference).
 */
export class IotMachineCertificates implements MachineCertificates {
  constructor(private readonly client: IoTClient) {}

  async setActive(machineId: string, active: boolean): Promise<number> {
    const wanted = active ? 'ACTIVE' : 'INACTIVE';
    let changed = 0;
    for (const certificateId of await this.certificatesOf(machineId)) {
      const described = await this.client.send(new DescribeCertificateCommand({ certificateId }));
      const status = described.certificateDescription?.status;
      // A revoked certificate stays revoked, and one already in the wanted state is left alone.
      if (status === wanted || status === 'REVOKED') continue;
      await this.client.send(new UpdateCertificateCommand({ certificateId, newStatus: wanted }));
      changed++;
    }
    return changed;
  }

  private async certificatesOf(machineId: string): Promise<string[]> {
    const principals = await allItems(async (nextToken) => {
      const page = await this.client.send(
        new ListThingPrincipalsCommand({ thingName: machineId, ...(nextToken ? { nextToken } : {}) }),
      );
      return { items: page.principals ?? [], next: page.nextToken };
    });
    return principals.flatMap((arn) => certificateIdOf(arn) ?? []);
  }
}
