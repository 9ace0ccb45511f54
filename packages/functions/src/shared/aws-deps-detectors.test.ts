import { BatchPutGeofenceCommand, LocationClient } from '@aws-sdk/client-location';
import { RedisDetectorState } from '@ballotstream/core/adapters/redis';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { LINKS } from '../links';
import { buildAwsDeps } from './aws-deps';

// The detector-state and booth-geofence ports (issue 15), apart from aws-deps.test.ts.
process.env.AWS_REGION = 'ap-south-1';
const reader = (links: Record<string, unknown>) => (name: string) => links[name];

describe('the AWS detector state and geofence collection of a Lambda', () => {
  it('keeps the detector state in the Redis of the voter cache link, and refuses without it', async () => {
    const linked = await buildAwsDeps(reader({ [LINKS.cache]: { host: '127.0.0.1', port: 1, tls: false } }));
    const state = linked.detectorState;
    expect(state).toBeInstanceOf(RedisDetectorState);
    await state.close();
    const unlinked = await buildAwsDeps(reader({}));
    expect(() => unlinked.detectorState.close()).toThrow(
      new RegExp(`detectorState: this function is not linked to ${LINKS.cache}`),
    );
  });

  it('puts booth geofences into the collection its link names, and refuses without the link', async () => {
    const location = mockClient(LocationClient);
    location.on(BatchPutGeofenceCommand).resolves({ Errors: [] });
    const deps = await buildAwsDeps(
      reader({
        [LINKS.geofences]: {
          shards: [{ regionId: 'national', part: 0, parts: 1, name: 'ballotstream-prod-booths' }],
        },
      }),
    );
    const ring: [number, number][] = [
      [77.1, 28.6],
      [77.2, 28.6],
      [77.2, 28.7],
      [77.1, 28.6],
    ];
    await deps.geofences.put([{ boothId: 'b-1', regionId: 'r-1', ring }]);
    expect(location.commandCalls(BatchPutGeofenceCommand)[0]!.args[0].input.CollectionName).toBe(
      'ballotstream-prod-booths',
    );
    location.restore();
    const unlinked = await buildAwsDeps(reader({}));
    expect(() => unlinked.geofences.put([])).toThrow(/not linked to BoothGeofenceCollection/);
  });
});
