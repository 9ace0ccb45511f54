import { describe, expect, it } from 'vitest';
import { MemoryRecordStore } from '../../adapters/local/memory-record-store';
import { verifyRecordedAudit } from '../audit/audit-chain';
import { recordKeys } from '../shared/keys';
import { findMachine } from '../shared/registry';
import {
  changeEvent,
  createEntity,
  findEntities,
  getEntity,
  type RegistryActor,
  type RegistryDeps,
  updateEntity,
} from './manage-registry';

const admin: RegistryActor = { subject: 'ada', role: 'admin' };
const northOfficer: RegistryActor = { subject: 'olu', role: 'officer', regionId: 'north' };
const square = [
  [77.1, 28.6],
  [77.2, 28.6],
  [77.2, 28.7],
  [77.1, 28.6],
];
const boothBody = (boothId: string, constituencyId = 'c-north-1') => ({
  boothId,
  constituencyId,
  name: `Booth ${boothId}`,
  location: { lat: 28.65, lon: 77.15 },
  electorate: 1200,
  geofence: square,
});

function setup(now = Date.parse('2026-05-01T00:00:00Z')) {
  const clock = { now: () => now };
  const deps: RegistryDeps = {
    records: new MemoryRecordStore(),
    clock,
    config: { electionId: 'general-2026' },
  };
  return { deps, clock };
}

async function seedRegions(deps: RegistryDeps) {
  for (const regionId of ['north', 'south']) {
    await createEntity(deps, { entity: 'region', body: { regionId, name: regionId }, actor: admin });
    await createEntity(deps, {
      entity: 'constituency',
      body: { constituencyId: `c-${regionId}-1`, regionId, name: `${regionId} one` },
      actor: admin,
    });
  }
  await createEntity(deps, {
    entity: 'election',
    body: {
      electionId: 'general-2026',
      name: 'General 2026',
      pollDay: '2026-05-10',
      opensAt: '2026-05-10T07:00:00+05:30',
      closesAt: '2026-05-10T18:00:00+05:30',
      timeZone: 'Asia/Kolkata',
    },
    actor: admin,
  });
}

describe('managing the registry', () => {
  it('creates a booth, fills its region from the constituency and describes its booth.created event', async () => {
    const { deps } = setup();
    await seedRegions(deps);
    const result = await createEntity(deps, { entity: 'booth', body: boothBody('b-1'), actor: admin });
    expect(result).toMatchObject({
      ok: true,
      value: { stored: { boothId: 'b-1', regionId: 'north', version: 1 } },
    });
    if (!result.ok) throw new Error('expected a booth');
    expect(changeEvent(0, result.value)).toMatchObject({
      detailType: 'booth.created',
      detail: { id: 'b-1', actor: 'ada (admin)' },
    });
  });

  it('names the field of an invalid booth', async () => {
    const { deps } = setup();
    await seedRegions(deps);
    const result = await createEntity(deps, {
      entity: 'booth',
      body: { ...boothBody('b-1'), electorate: -3, geofence: square.slice(0, 3) },
      actor: admin,
    });
    expect(result.ok).toBe(false);
    if (result.ok || result.error.reason !== 'invalid') throw new Error('expected invalid');
    expect(result.error.problems.join('\n')).toMatch(/electorate/);
    expect(result.error.problems.join('\n')).toMatch(/geofence/);
  });

  it('refuses a booth in a constituency nobody registered', async () => {
    const { deps } = setup();
    await seedRegions(deps);
    const result = await createEntity(deps, {
      entity: 'booth',
      body: boothBody('b-1', 'c-nowhere'),
      actor: admin,
    });
    expect(result).toMatchObject({
      ok: false,
      error: { reason: 'unknown-reference', field: 'constituencyId' },
    });
  });

  it('refuses to register the same booth twice', async () => {
    const { deps } = setup();
    await seedRegions(deps);
    await createEntity(deps, { entity: 'booth', body: boothBody('b-1'), actor: admin });
    const again = await createEntity(deps, { entity: 'booth', body: boothBody('b-1'), actor: admin });
    expect(again).toMatchObject({ ok: false, error: { reason: 'already-exists' } });
  });

  it('updates a booth, bumping its version and naming the changed fields', async () => {
    const { deps } = setup();
    await seedRegions(deps);
    await createEntity(deps, { entity: 'booth', body: boothBody('b-1'), actor: admin });
    const result = await updateEntity(deps, {
      entity: 'booth',
      id: 'b-1',
      patch: { electorate: 1500 },
      actor: admin,
    });
    expect(result).toMatchObject({ ok: true, value: { stored: { electorate: 1500, version: 2 } } });
    if (!result.ok) throw new Error('expected an update');
    expect(changeEvent(0, result.value)).toMatchObject({
      detailType: 'booth.updated',
      detail: { fields: ['electorate'] },
    });
  });

  it('freezes candidates and booths once polls open, with the reason', async () => {
    const { deps, clock } = setup();
    await seedRegions(deps);
    await createEntity(deps, { entity: 'booth', body: boothBody('b-1'), actor: admin });
    clock.now = () => Date.parse('2026-05-10T01:30:00Z'); // 07:00 in Kolkata
    const update = await updateEntity(deps, {
      entity: 'booth',
      id: 'b-1',
      patch: { electorate: 9 },
      actor: admin,
    });
    expect(update).toMatchObject({ ok: false, error: { reason: 'frozen' } });
    if (!update.ok) expect(JSON.stringify(update.error)).toMatch(/polls of general-2026 opened/);
    const candidate = await createEntity(deps, {
      entity: 'candidate',
      body: { candidateId: 'k-1', constituencyId: 'c-north-1', name: 'K', party: 'P', ballotOrder: 1 },
      actor: admin,
    });
    expect(candidate).toMatchObject({ ok: false, error: { reason: 'frozen' } });
    const officer = await createEntity(deps, {
      entity: 'officer',
      body: {
        officerId: 'o-1',
        name: 'O',
        regionId: 'north',
        phone: '+919812345678',
        email: 'o@example.org',
      },
      actor: admin,
    });
    expect(officer.ok).toBe(true);
  });

  it('lets an officer change booths of their own region only', async () => {
    const { deps } = setup();
    await seedRegions(deps);
    expect(
      (await createEntity(deps, { entity: 'booth', body: boothBody('b-1'), actor: northOfficer })).ok,
    ).toBe(true);
    const south = await createEntity(deps, {
      entity: 'booth',
      body: boothBody('b-2', 'c-south-1'),
      actor: northOfficer,
    });
    expect(south).toMatchObject({ ok: false, error: { reason: 'out-of-scope' } });
    const constituency = await createEntity(deps, {
      entity: 'constituency',
      body: { constituencyId: 'c-north-2', regionId: 'north', name: 'x' },
      actor: northOfficer,
    });
    expect(constituency).toMatchObject({ ok: false, error: { reason: 'out-of-scope' } });
  });

  it("hides another region's booths from an officer", async () => {
    const { deps } = setup();
    await seedRegions(deps);
    await createEntity(deps, { entity: 'booth', body: boothBody('b-1'), actor: admin });
    await createEntity(deps, { entity: 'booth', body: boothBody('b-2', 'c-south-1'), actor: admin });
    const south = await getEntity(deps, { entity: 'booth', id: 'b-2', actor: northOfficer });
    expect(south).toMatchObject({ ok: false, error: { reason: 'not-found' } });
    const listed = await findEntities(deps, { entity: 'booth', actor: northOfficer, limit: 10 });
    expect(listed.ok && listed.value.items.map((b) => b.boothId)).toEqual(['b-1']);
  });

  it("answers an officer's change of another region's booth or constituency as of a missing one", async () => {
    const { deps } = setup();
    await seedRegions(deps);
    await createEntity(deps, { entity: 'booth', body: boothBody('b-2', 'c-south-1'), actor: admin });
    const change = (entity: 'booth' | 'constituency', id: string, patch: Record<string, unknown>) =>
      updateEntity(deps, { entity, id, patch, actor: northOfficer });
    for (const patch of [{ electorate: 'many' }, { electorate: 10 }, { constituencyId: 'c-north-1' }]) {
      const south = await change('booth', 'b-2', patch);
      const missing = await change('booth', 'b-none', patch);
      expect(JSON.stringify(south).replace('b-2', 'ID')).toBe(
        JSON.stringify(missing).replace('b-none', 'ID'),
      );
      expect(south).toMatchObject({ ok: false, error: { reason: 'not-found' } });
    }
    const constituency = await change('constituency', 'c-south-1', { name: '' });
    expect(constituency).toMatchObject({ ok: false, error: { reason: 'not-found' } });
  });

  it('pages through every booth exactly once', async () => {
    const { deps } = setup();
    await seedRegions(deps);
    for (let i = 0; i < 37; i++)
      await createEntity(deps, { entity: 'booth', body: boothBody(`b-${i}`), actor: admin });
    const seen: unknown[] = [];
    let cursor: string | undefined;
    do {
      const page = await findEntities(deps, {
        entity: 'booth',
        actor: admin,
        limit: 5,
        ...(cursor ? { cursor } : {}),
      });
      if (!page.ok) throw new Error('listing failed');
      seen.push(...page.value.items.map((b) => b.boothId));
      cursor = page.value.cursor;
    } while (cursor !== undefined);
    expect(seen).toHaveLength(37);
    expect(new Set(seen).size).toBe(37);
  });

  it('registers a machine the verification and casting paths can find, and audits every change', async () => {
    const { deps } = setup();
    await seedRegions(deps);
    await createEntity(deps, { entity: 'booth', body: boothBody('b-1'), actor: admin });
    const publicKey = Buffer.alloc(32, 7).toString('base64url');
    await createEntity(deps, {
      entity: 'machine',
      body: { machineId: 'm-1', boothId: 'b-1', publicKey },
      actor: admin,
    });
    expect(await findMachine(deps.records, 'm-1')).toMatchObject({
      machineId: 'm-1',
      constituencyId: 'c-north-1',
      regionId: 'north',
      blocked: false,
    });
    const audit = await verifyRecordedAudit(deps.records);
    expect(audit).toMatchObject({ ok: true, value: { entries: 7 } });
  });

  it('lists a machine under its booth, and moves it with the machine', async () => {
    const { deps } = setup();
    await seedRegions(deps);
    await createEntity(deps, { entity: 'booth', body: boothBody('b-1'), actor: admin });
    await createEntity(deps, { entity: 'booth', body: boothBody('b-2'), actor: admin });
    const publicKey = Buffer.alloc(32, 9).toString('base64url');
    await createEntity(deps, {
      entity: 'machine',
      body: { machineId: 'm-1', boothId: 'b-1', publicKey },
      actor: admin,
    });
    const under = async (boothId: string) =>
      (await deps.records.query('registry', recordKeys.boothMachinesPartition(boothId))).records.map(
        (r) => r.machineId,
      );
    expect(await under('b-1')).toEqual(['m-1']);
    await updateEntity(deps, { entity: 'machine', id: 'm-1', patch: { boothId: 'b-2' }, actor: admin });
    expect(await under('b-1')).toEqual([]);
    expect(await under('b-2')).toEqual(['m-1']);
  });
});
