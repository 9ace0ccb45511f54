import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventBridgeEnvelope, Role } from '@ballotstream/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Regions, startRegions } from '../src/runtime/regions';
import type { Runtime } from '../src/runtime/runtime';
import { prepareVerificationLoad, type VerificationLoad } from '../src/testing/verification-load';

let dataDir: string;
let regions: Regions;
let primary: Runtime;
let secondary: Runtime;
let load: VerificationLoad;
const secondaryEvents: EventBridgeEnvelope[] = [];

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  dataDir = mkdtempSync(join(tmpdir(), 'bs-two-regions-'));
  regions = await startRegions({
    dataDir,
    runSchedules: false,
    mqttTls: false,
    config: { handoverSettleMs: 300 },
  });
  primary = regions.runtime('primary')!;
  secondary = regions.runtime('secondary')!;
  secondary.bus.listen((e) => secondaryEvents.push(e));
  load = await prepareVerificationLoad(primary.deps, { voters: 3, booths: 2 });
});

afterAll(async () => {
  await regions?.stop();
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
});

const token = (runtime: Runtime, role: Role) =>
  `Bearer ${runtime.tokens.mint({ role, subject: `${role}-1`, ...(role === 'officer' ? { regionId: 'region-1' } : {}) })}`;

async function verifyAt(runtime: Runtime, voter: number, booth = 0) {
  const v = load.voters[voter]!;
  const m = load.machines[booth]!;
  const response = await fetch(`${runtime.httpUrl}/verifications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: token(runtime, 'booth') },
    body: JSON.stringify({
      ticket: v.ticket,
      fingerprint: v.fingerprint,
      boothId: m.boothId,
      machineId: m.machineId,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function handOver(runtime: Runtime, body: Record<string, unknown>, role: Role = 'admin') {
  const response = await fetch(`${runtime.httpUrl}/verification/handover`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: token(runtime, role) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('two regions in one process', () => {
  it('serves each region with its own config: the secondary sends booths to the owner, and tells no one a voter was refused', async () => {
    const owner = (await (await fetch(`${secondary.httpUrl}/verification/owner`)).json()) as Record<
      string,
      unknown
    >;
    expect(owner).toMatchObject({ region: 'primary', epoch: 1, thisRegion: 'secondary', writesHere: false });
    const refused = await verifyAt(secondary, 0);
    expect(refused).toMatchObject({ status: 503, body: { error: 'region-not-owner' } });
    await secondary.bus.drain();
    expect(secondaryEvents.filter((e) => e['detail-type'] === 'voter.rejected')).toEqual([]);
    expect((await verifyAt(primary, 0)).status).toBe(201);
  });

  it('hands verification over only at the national desk, fences the old owner at once, and records it in the audit log', async () => {
    expect((await handOver(primary, { to: 'secondary', reason: 'planned move' }, 'officer')).status).toBe(
      403,
    );
    // A region the deployment does not have would leave no one writing voter statuses.
    expect(await handOver(primary, { to: 'mars', reason: 'typo' })).toMatchObject({
      status: 422,
      body: { error: 'unknown-region' },
    });
    expect(await handOver(secondary, { to: 'secondary', reason: 'not asked of the owner' })).toMatchObject({
      status: 409,
      body: { error: 'not-owner' },
    });
    const moved = await handOver(primary, { to: 'secondary', reason: 'planned move' });
    expect(moved).toMatchObject({ status: 200, body: { region: 'secondary', epoch: 2, from: 'primary' } });
    expect((await verifyAt(primary, 1)).status).toBe(503);
    // Until the settle time passes the new owner waits too; then it verifies, and a voter of the
    // old owner is still refused there.
    const deadline = Date.now() + 30_000;
    let answer = await verifyAt(secondary, 1);
    while (answer.status === 503 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      answer = await verifyAt(secondary, 1);
    }
    expect(answer.status).toBe(201);
    expect((await verifyAt(secondary, 0, 1)).status).toBe(409);

    const audit = (await (
      await fetch(`${primary.httpUrl}/audit`, { headers: { authorization: token(primary, 'admin') } })
    ).json()) as {
      entries: { action: string; actor: string; details: Record<string, unknown> }[];
    };
    const entry = audit.entries.find((e) => e.action === 'verification.handed-over');
    expect(entry).toMatchObject({
      actor: 'admin:admin-1',
      details: {
        from: 'primary',
        to: 'secondary',
        epoch: 2,
        forced: false,
        writtenIn: 'primary',
        reason: 'planned move',
      },
    });
  });
});
