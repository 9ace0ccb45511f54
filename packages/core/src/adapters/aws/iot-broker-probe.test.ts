import { describe, expect, it } from 'vitest';
import { probePublishOf } from './iot-broker-probe';

describe('the IoT broker probe', () => {
  it('publishes each probe through IoT Core on the stage health topic, QoS 1 and not retained', () => {
    const request = probePublishOf('election-2026', { probeId: 'p-123456789', seq: 2, sentAt: 5 });
    expect(request).toMatchObject({
      topic: 'ballotstream/election-2026/health/p-123456789',
      qos: 1,
      retain: false,
    });
    expect(JSON.parse(new TextDecoder().decode(request.payload as Uint8Array))).toEqual({
      probeId: 'p-123456789',
      seq: 2,
      sentAt: 5,
    });
  });
});
