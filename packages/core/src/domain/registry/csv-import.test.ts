import { describe, expect, it } from 'vitest';
import { MemoryRecordStore } from '../../adapters/local/memory-record-store';
import type { OutgoingEvent } from '../../ports/event-publisher';
import { verifyRecordedAudit } from '../audit/audit-chain';
import { recordKeys } from '../shared/keys';
import { exportCsv } from './csv-export';
import { type ImportDeps, importCsv, type RowProblem } from './csv-import';
import { createEntity } from './manage-registry';
import { readEntity } from './registry-records';

const admin = { subject: 'ada', role: 'admin' } as const;
const fence = '77.1 28.6;77.2 28.6;77.2 28.7;77.1 28.6';
const boothHeader = 'boothId,constituencyId,name,address,lat,lon,electorate,geofence';

async function setup() {
  const events: OutgoingEvent[] = [];
  const clock = { now: () => Date.parse('2026-05-01T00:00:00Z') };
  const deps: ImportDeps = {
    records: new MemoryRecordStore(),
    clock,
    publisher: { publish: async (batch) => void events.push(...batch) },
    config: { electionId: 'general-2026' },
  };
  await createEntity(deps, { entity: 'region', body: { regionId: 'north', name: 'North' }, actor: admin });
  await createEntity(deps, {
    entity: 'constituency',
    body: { constituencyId: 'c-1', regionId: 'north', name: 'One' },
    actor: admin,
  });
  return { deps, events, clock };
}

const fileOf = (text: string) => () =>
  (async function* () {
    yield Buffer.from(text);
  })();

async function run(deps: ImportDeps, entity: 'booth' | 'voter', text: string, mode?: 'per-row') {
  const seen: RowProblem[] = [];
  const report = await importCsv(deps, {
    entity,
    open: fileOf(text),
    file: `${entity}s.csv`,
    actor: 'import:test',
    onProblem: (p) => seen.push(p),
    ...(mode ? { mode } : {}),
  });
  return { report, seen };
}

describe('importing a CSV file', () => {
  it('writes every booth of a clean file, with its region, and publishes booth.created for each', async () => {
    const { deps, events } = await setup();
    const text = `${boothHeader}\nb-1,c-1,First,"1 Main St, Town",28.65,77.15,1200,${fence}\nb-2,c-1,Second,,28.66,77.16,900,${fence}\n`;
    const { report } = await run(deps, 'booth', text);
    expect(report).toMatchObject({ rows: 2, written: 2, created: 2, refusedRows: 0 });
    expect(await readEntity(deps.records, 'booth', 'b-1')).toMatchObject({
      regionId: 'north',
      address: '1 Main St, Town',
      location: { lat: 28.65, lon: 77.15 },
    });
    expect(events.filter((e) => e.detailType === 'booth.created')).toHaveLength(2);
    expect(events.at(-1)?.detailType).toBe('registry.imported');
  });

  it('names the line and field of every bad row and writes nothing of the file', async () => {
    const { deps } = await setup();
    const text = [
      boothHeader,
      `b-1,c-1,Good,,28.65,77.15,1200,${fence}`,
      `b-2,c-1,Bad number,,north,77.15,1200,${fence}`,
      `b-3,c-9,Unknown constituency,,28.65,77.15,1200,${fence}`,
      `b-4,c-1,Negative,,28.65,77.15,-1,${fence}`,
      `b-1,c-1,Repeat,,28.65,77.15,1200,${fence}`,
      'b-6,c-1,Short row',
      `b-7,c-1,Open ring,,28.65,77.15,10,77.1 28.6;77.2 28.6;77.2 28.7;77.3 28.8`,
    ].join('\n');
    const { report, seen } = await run(deps, 'booth', text);
    expect(seen.map((p) => [p.line, p.field])).toEqual([
      [3, 'lat'],
      [4, 'constituencyId'],
      [5, 'electorate'],
      [6, 'boothId'],
      [7, '(row)'],
      [8, 'geofence'],
    ]);
    expect(seen[3]?.message).toMatch(/repeats line 2/);
    expect(report).toMatchObject({ written: 0, refusedRows: 6 });
    expect(await readEntity(deps.records, 'booth', 'b-1')).toBeUndefined();
  });

  it('in per-row mode writes the good rows and reports the bad ones', async () => {
    const { deps } = await setup();
    const text = `${boothHeader}\nb-1,c-1,Good,,28.65,77.15,1200,${fence}\nb-2,c-1,Bad,,28.65,77.15,many,${fence}\n`;
    const { report, seen } = await run(deps, 'booth', text, 'per-row');
    expect(report).toMatchObject({ written: 1, refusedRows: 1 });
    expect(seen).toEqual([{ line: 3, field: 'electorate', message: '"many" is not a number' }]);
    expect(await readEntity(deps.records, 'booth', 'b-1')).toBeDefined();
  });

  it('names a missing or unknown column of the header', async () => {
    const { deps } = await setup();
    const { report, seen } = await run(deps, 'booth', 'boothId,constituencyId,name,colour\n');
    expect(report.written).toBe(0);
    expect(seen.map((p) => p.field)).toEqual(['colour', 'lat', 'lon', 'electorate', 'geofence']);
    expect(seen[0]?.message).toMatch(/is not a column/);
    expect(seen.every((p) => p.line === 1)).toBe(true);
  });

  it('refuses a booth file once polls have opened, saying so', async () => {
    const { deps, clock } = await setup();
    await createEntity(deps, {
      entity: 'election',
      body: {
        electionId: 'general-2026',
        name: 'G',
        pollDay: '2026-05-10',
        opensAt: '2026-05-10T07:00:00+05:30',
        closesAt: '2026-05-10T18:00:00+05:30',
        timeZone: 'Asia/Kolkata',
      },
      actor: admin,
    });
    clock.now = () => Date.parse('2026-05-10T06:00:00Z');
    const { report, seen } = await run(deps, 'booth', `${boothHeader}\nb-1,c-1,G,,28.65,77.15,1,${fence}\n`);
    expect(report.written).toBe(0);
    expect(seen[0]?.message).toMatch(/frozen/);
  });

  it("reads a late booth's closesAt and refuses a bad one, naming its line", async () => {
    const { deps } = await setup();
    const header = `${boothHeader},closesAt`;
    const text = [
      header,
      `b-1,c-1,Hill,,28.65,77.15,900,${fence},2026-05-01T20:00:00+05:30`,
      `b-2,c-1,Plain,,28.65,77.15,900,${fence},`,
      `b-3,c-1,Typo,,28.65,77.15,900,${fence},20:00`,
    ].join('\n');
    const { report, seen } = await run(deps, 'booth', text);
    expect(report.written).toBe(0);
    expect(seen).toEqual([{ line: 4, field: 'closesAt', message: expect.stringMatching(/20:00.*offset/) }]);
    const fixed = await run(deps, 'booth', text.split('\n').slice(0, 3).join('\n'));
    expect(fixed.report).toMatchObject({ written: 2, refusedRows: 0 });
    expect(await readEntity(deps.records, 'booth', 'b-1')).toMatchObject({
      closesAt: '2026-05-01T20:00:00+05:30',
    });
    expect((await readEntity(deps.records, 'booth', 'b-2'))?.closesAt).toBeUndefined();
  });

  it('imports voters into the voter roll stand-in with their region', async () => {
    const { deps } = await setup();
    const text =
      'voterId,name,constituencyId,photoRef,eligible\nv-1,Asha,c-1,,yes\nv-2,Bilal,c-1,photo/2.jpg,\n';
    const { report } = await run(deps, 'voter', text);
    expect(report).toMatchObject({ written: 2, refusedRows: 0 });
    expect(await deps.records.get('registry', recordKeys.registeredVoter('v-2'))).toMatchObject({
      voterId: 'v-2',
      constituencyId: 'c-1',
      regionId: 'north',
      photoRef: 'photo/2.jpg',
      eligible: true,
    });
  });

  it('exports booths in the layout it imports, so a round trip changes nothing', async () => {
    const { deps } = await setup();
    const text = `${boothHeader},closesAt\nb-1,c-1,"First, the",1 Main St,28.65,77.15,1200,${fence},2026-05-01T20:00:00+05:30\nb-2,c-1,Second,,28.66,77.16,900,${fence},\n`;
    await run(deps, 'booth', text);
    let exported = '';
    await exportCsv(deps.records, 'booth', (chunk) => {
      exported += chunk;
    });
    expect(exported).toBe(text);
    const again = await run(deps, 'booth', exported);
    expect(again.report).toMatchObject({ written: 2, updated: 2 });
    expect(await verifyRecordedAudit(deps.records)).toMatchObject({ ok: true });
  });
});
