import { describe, expect, it } from 'vitest';
import { MemoryRecordStore } from '../../adapters/local/memory-record-store';
import { createEntity } from '../registry/manage-registry';
import { findBooths, listCandidates, listConstituencies } from './booths';

const admin = { subject: 'ada', role: 'admin' } as const;
const fence = [
  [77.1, 28.6],
  [77.2, 28.6],
  [77.2, 28.7],
  [77.1, 28.6],
];

/** A registry in memory, for one test. */
function registryDeps() {
  return {
    records: new MemoryRecordStore(),
    clock: { now: () => 0 },
    publisher: { publish: async () => undefined },
    config: { electionId: 'general-2026' },
  };
}

describe('listing booths', () => {
  it('carries each booth’s electorate, so turnout can be shown as a share of it', async () => {
    const deps = registryDeps();
    await createEntity(deps, { entity: 'region', body: { regionId: 'north', name: 'North' }, actor: admin });
    await createEntity(deps, {
      entity: 'constituency',
      body: { constituencyId: 'c-1', regionId: 'north', name: 'One' },
      actor: admin,
    });
    await createEntity(deps, {
      entity: 'booth',
      body: {
        boothId: 'b-1',
        constituencyId: 'c-1',
        name: 'First',
        location: { lat: 28.65, lon: 77.15 },
        electorate: 1200,
        geofence: fence,
      },
      actor: admin,
    });
    const [booth] = (await findBooths(deps.records, { limit: 5 })).booths;
    expect(booth).toMatchObject({ boothId: 'b-1', constituencyName: 'One', electorate: 1200 });
  });

  it('reads more booths than one page holds, page after page, each booth once', async () => {
    const deps = registryDeps();
    await createEntity(deps, { entity: 'region', body: { regionId: 'north', name: 'North' }, actor: admin });
    await createEntity(deps, {
      entity: 'constituency',
      body: { constituencyId: 'c-1', regionId: 'north', name: 'One', nameHi: 'एक' },
      actor: admin,
    });
    const total = 501;
    for (let i = 0; i < total; i++) {
      await createEntity(deps, {
        entity: 'booth',
        body: {
          boothId: `b-${i}`,
          constituencyId: 'c-1',
          name: `Booth ${i}`,
          ...(i === 0 ? { nameHi: 'पहला केंद्र' } : {}),
          location: { lat: 28.65, lon: 77.15 },
          electorate: 10,
          geofence: fence,
        },
        actor: admin,
      });
    }
    const first = await findBooths(deps.records, { limit: 500, regionId: 'north' });
    expect(first.booths).toHaveLength(500);
    expect(first.next).toBe(first.booths.at(-1)!.boothId);
    const second = await findBooths(deps.records, { limit: 500, regionId: 'north', after: first.next! });
    expect(second.booths).toHaveLength(1);
    expect(second.next).toBeUndefined();
    const ids = new Set([...first.booths, ...second.booths].map((b) => b.boothId));
    expect(ids.size).toBe(total);
    const named = first.booths.find((b) => b.boothId === 'b-0');
    expect(named).toMatchObject({ nameHi: 'पहला केंद्र', constituencyNameHi: 'एक' });
  });
});

describe('listing constituencies and candidates', () => {
  it('gives the Hindi form of a name and party where the registry has one, and none where not', async () => {
    const deps = registryDeps();
    await createEntity(deps, { entity: 'region', body: { regionId: 'north', name: 'North' }, actor: admin });
    await createEntity(deps, {
      entity: 'constituency',
      body: { constituencyId: 'c-1', regionId: 'north', name: 'Varanasi', nameHi: 'वाराणसी' },
      actor: admin,
    });
    for (const [candidateId, extra, ballotOrder] of [
      ['k-1', { nameHi: 'आशा शर्मा', partyHi: 'हरित दल' }, 1],
      ['k-2', {}, 2],
    ] as const) {
      await createEntity(deps, {
        entity: 'candidate',
        body: {
          candidateId,
          constituencyId: 'c-1',
          name: `Name ${candidateId}`,
          party: 'Green',
          ballotOrder,
          ...extra,
        },
        actor: admin,
      });
    }
    expect(await listConstituencies(deps.records)).toEqual([
      { constituencyId: 'c-1', name: 'Varanasi', nameHi: 'वाराणसी', regionId: 'north' },
    ]);
    const [first, second] = await listCandidates(deps.records, 'c-1');
    expect(first).toMatchObject({ nameHi: 'आशा शर्मा', partyHi: 'हरित दल' });
    expect(second).not.toHaveProperty('nameHi');
  });
});
