import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, startRuntime } from '../src/runtime/runtime';

let runtime: Runtime;
let admin: string;
let northOfficer: string;
const seen: string[] = [];

beforeAll(async () => {
  runtime = await startRuntime({ runSchedules: false });
  runtime.bus.listen((e) => seen.push(e['detail-type']));
  admin = runtime.tokens.mint({ role: 'admin', subject: 'ada' });
  northOfficer = runtime.tokens.mint({ role: 'officer', subject: 'olu', regionId: 'north' });
});
afterAll(async () => {
  await runtime?.stop();
});

async function call(method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${runtime.httpUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const ring = [
  [77.1, 28.6],
  [77.2, 28.6],
  [77.2, 28.7],
  [77.1, 28.6],
];

describe('the admin API', () => {
  it('registers a region, a constituency and a booth, each published and audited', async () => {
    expect((await call('POST', '/admin/regions', admin, { regionId: 'north', name: 'North' })).status).toBe(
      201,
    );
    expect((await call('POST', '/admin/regions', admin, { regionId: 'south', name: 'South' })).status).toBe(
      201,
    );
    expect(
      (
        await call('POST', '/admin/constituencies', admin, {
          constituencyId: 'c-n',
          regionId: 'north',
          name: 'N',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await call('POST', '/admin/constituencies', admin, {
          constituencyId: 'c-s',
          regionId: 'south',
          name: 'S',
        })
      ).status,
    ).toBe(201);
    const booth = await call('POST', '/admin/booths', northOfficer, {
      boothId: 'b-1',
      constituencyId: 'c-n',
      name: 'School',
      location: { lat: 28.65, lon: 77.15 },
      electorate: 1000,
      geofence: ring,
    });
    expect(booth).toMatchObject({ status: 201, body: { boothId: 'b-1', regionId: 'north', version: 1 } });
    await runtime.bus.drain();
    expect(seen).toEqual(expect.arrayContaining(['region.created', 'constituency.created', 'booth.created']));
    const audit = await call('GET', '/audit/verify', admin);
    expect(audit).toMatchObject({ status: 200, body: { intact: true, entries: 5 } });
    const entries = await call('GET', '/audit?limit=10', admin);
    expect((entries.body.entries as { actor: string }[]).at(-1)?.actor).toBe('olu (officer@north)');
  });

  it('answers a bad body with 400 naming each field', async () => {
    const result = await call('POST', '/admin/booths', admin, {
      boothId: 'b-2',
      constituencyId: 'c-n',
      electorate: 'many',
    });
    expect(result.status).toBe(400);
    expect(JSON.stringify(result.body.problems)).toMatch(/electorate/);
  });

  it("refuses an officer another region's booth, and hides it", async () => {
    const created = await call('POST', '/admin/booths', northOfficer, {
      boothId: 'b-9',
      constituencyId: 'c-s',
      name: 'Elsewhere',
      location: { lat: 28.65, lon: 77.15 },
      electorate: 10,
      geofence: ring,
    });
    expect(created.status).toBe(403);
    const list = await call('GET', '/admin/booths?limit=50', northOfficer);
    expect((list.body.items as { regionId: string }[]).every((b) => b.regionId === 'north')).toBe(true);
  });

  it("answers an officer's GET, PATCH and DELETE of another region's record exactly as of a missing one", async () => {
    expect(
      (
        await call('POST', '/admin/booths', admin, {
          boothId: 'b-s',
          constituencyId: 'c-s',
          name: 'South school',
          location: { lat: 28.65, lon: 77.15 },
          electorate: 10,
          geofence: ring,
        })
      ).status,
    ).toBe(201);
    const publicKey = Buffer.alloc(32, 7).toString('base64url');
    expect(
      (await call('POST', '/admin/machines', admin, { machineId: 'm-s', boothId: 'b-s', publicKey })).status,
    ).toBe(201);
    const answer = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${runtime.httpUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${northOfficer}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return `${response.status} ${await response.text()}`;
    };
    const cases = [
      ['booths', 'b-s', { electorate: 'many' }],
      ['booths', 'b-s', { electorate: 11 }],
      ['constituencies', 'c-s', { name: 'x' }],
      ['machines', 'm-s', { boothId: 'b-1' }],
    ] as const;
    for (const [entities, id, body] of cases) {
      for (const [method, payload] of [['GET'], ['PATCH', body], ['DELETE']] as const) {
        const theirs = await answer(method, `/admin/${entities}/${id}`, payload);
        const missing = await answer(method, `/admin/${entities}/no-such-id`, payload);
        expect(theirs.replaceAll(id, 'ID'), `${method} ${entities}`).toBe(
          missing.replaceAll('no-such-id', 'ID'),
        );
        expect(theirs, `${method} ${entities}`).toMatch(/^404 /);
      }
    }
  });

  it('updates a booth and then, once polls open, refuses with the reason', async () => {
    expect((await call('PATCH', '/admin/booths/b-1', admin, { electorate: 1100 })).body).toMatchObject({
      electorate: 1100,
      version: 2,
    });
    const { electionId } = runtime.deps.config;
    const opened = new Date(Date.now() - 3600_000).toISOString();
    const closes = new Date(Date.now() + 3600_000).toISOString();
    const election = await call('POST', '/admin/elections', admin, {
      electionId,
      name: 'Test',
      pollDay: opened.slice(0, 10),
      opensAt: opened,
      closesAt: closes,
      timeZone: 'UTC',
    });
    expect(election.status).toBe(201);
    const frozen = await call('PATCH', '/admin/booths/b-1', admin, { electorate: 1200 });
    expect(frozen).toMatchObject({ status: 409, body: { error: 'frozen' } });
  });
});
