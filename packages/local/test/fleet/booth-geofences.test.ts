import { importCsv } from '@ballotstream/core';
import { LocalGeofenceCollection } from '@ballotstream/core/adapters/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, startRuntime } from '../../src/runtime/runtime';

let runtime: Runtime;
let admin: string;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  runtime = await startRuntime({ runSchedules: false });
  admin = runtime.tokens.mint({ role: 'admin', subject: 'ada' });
  await call('POST', '/admin/regions', { regionId: 'north', name: 'North' });
  await call('POST', '/admin/constituencies', { constituencyId: 'c-n', regionId: 'north', name: 'N' });
});
afterAll(async () => {
  await runtime?.stop();
});

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${runtime.httpUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const square = (lon: number, lat: number, d = 0.002): [number, number][] => [
  [lon, lat],
  [lon + d, lat],
  [lon + d, lat + d],
  [lon, lat + d],
  [lon, lat],
];

const collection = () => new LocalGeofenceCollection(runtime.deps.records);

describe('the booth geofence collection', () => {
  it('takes the polygon of a booth registered through the admin API, and its change', async () => {
    const created = await call('POST', '/admin/booths', {
      boothId: 'b-1',
      constituencyId: 'c-n',
      name: 'School',
      location: { lat: 28.601, lon: 77.101 },
      electorate: 900,
      geofence: square(77.1, 28.6),
    });
    expect(created.status).toBe(201);
    await runtime.bus.drain();
    expect(await collection().get('b-1')).toEqual(square(77.1, 28.6));

    const changed = await call('PATCH', '/admin/booths/b-1', { geofence: square(77.1, 28.6, 0.004) });
    expect(changed.status).toBe(200);
    await runtime.bus.drain();
    expect(await collection().get('b-1')).toEqual(square(77.1, 28.6, 0.004));
  });

  it('takes the polygons of booths imported from a CSV file', async () => {
    const polygon = (ring: [number, number][]) => ring.map(([lon, lat]) => `${lon} ${lat}`).join(';');
    const csv = [
      'boothId,constituencyId,name,address,lat,lon,electorate,geofence',
      `b-2,c-n,Hall,,28.701,77.201,500,${polygon(square(77.2, 28.7))}`,
      `b-3,c-n,Library,,28.801,77.301,700,${polygon(square(77.3, 28.8))}`,
    ].join('\n');
    const report = await importCsv(runtime.deps, {
      entity: 'booth',
      file: 'booths.csv',
      actor: 'import:booths.csv',
      open: async function* () {
        yield csv;
      },
    });
    expect(report.written).toBe(2);
    await runtime.bus.drain();
    expect(await collection().get('b-2')).toEqual(square(77.2, 28.7));
    expect(await collection().get('b-3')).toEqual(square(77.3, 28.8));
  });
});
