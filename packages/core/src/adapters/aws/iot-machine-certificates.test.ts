import {
  DescribeCertificateCommand,
  IoTClient,
  ListThingPrincipalsCommand,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { certificateIdOf, IotMachineCertificates } from './iot-machine-certificates';

const credentials = { accessKeyId: 'x', secretAccessKey: 'y' };
const active = 'a'.repeat(64);
const revoked = 'b'.repeat(64);
const cert = (id: string) => `arn:aws:iot:ap-south-1:1:cert/${id}`;

describe('the IoT machine certificates', () => {
  it('reads the certificate id from a certificate ARN and nothing from another principal', () => {
    expect(certificateIdOf(cert(active))).toBe(active);
    expect(certificateIdOf('arn:aws:cognito-identity:ap-south-1:1:identity/x')).toBeUndefined();
  });

  it("sets the machine thing's active certificates INACTIVE, leaving a revoked one revoked", async () => {
    const iot = mockClient(IoTClient);
    iot.on(ListThingPrincipalsCommand).resolves({ principals: [cert(active), cert(revoked)] });
    iot.on(DescribeCertificateCommand).callsFake((input: { certificateId: string }) => ({
      certificateDescription: { status: input.certificateId === active ? 'ACTIVE' : 'REVOKED' },
    }));
    iot.on(UpdateCertificateCommand).resolves({});
    const certificates = new IotMachineCertificates(new IoTClient({ region: 'ap-south-1', credentials }));
    expect(await certificates.setActive('m-1', false)).toBe(1);
    expect(iot.commandCalls(ListThingPrincipalsCommand)[0]!.args[0].input).toEqual({ thingName: 'm-1' });
    expect(iot.commandCalls(UpdateCertificateCommand).map((c) => c.args[0].input)).toEqual([
      { certificateId: active, newStatus: 'INACTIVE' },
    ]);
    iot.restore();
  });
});
