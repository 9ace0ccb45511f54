import { generateKeyPairSync, sign } from 'node:crypto';
import {
  alertRaised,
  type ResultRecord,
  resultSigningBytes,
  type SignedResultFields,
} from '@ballotstream/events';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryElectionKey } from '../adapters/local/file-election-key';
import { MemoryRecordStore } from '../adapters/local/memory-record-store';
import { type Config, configSchema } from '../config';
import { listAlerts } from '../domain/alerts/alerts';
import { checkBulletin } from '../domain/close/bulletin';
import { rawPublicKey } from '../domain/crypto/ed25519';
import { recordKeys } from '../domain/shared/keys';
import type { OutgoingEvent } from '../ports';
import { closeUseCases } from './close';

const config: Config = configSchema.parse({ electionId: 'e-1' });
const electionId = config.electionId;
const closesAt = Date.parse('2026-05-01T18:00:00Z');
const machineKeys = new Map(['m-1', 'm-2'].map((id) => [id, generateKeyPairSync('ed25519').privateKey]));
const admin = { subject: 'root', role: 'admin' };
let now = closesAt - 3600_000;
const clock = { now: () => now };
let records: MemoryRecordStore;
let published: OutgoingEvent[];
let close: ReturnType<typeof closeUseCases>;

function signedRecord(machineId: string, counts: Record<string, number>): ResultRecord {
  const fields: SignedResultFields = {
    electionId,
    machineId,
    boothId: `b-${machineId}`,
    constituencyId: 'c-1',
    counts,
    voteCount: Object.values(counts).reduce((a, b) => a + b, 0),
    firstBucket: closesAt - 3600_000,
    lastBucket: closesAt - 3600_000,
    voteIdsHash: '0'.repeat(64),
    closedAt: closesAt,
  };
  const key = machineKeys.get(machineId);
  if (key === undefined) throw new Error(`no key for ${machineId}`);
  return { ...fields, signature: sign(null, resultSigningBytes(fields), key).toString('base64url') };
}

const checked = (machineId: string, counts: Record<string, number>) => {
  const record = signedRecord(machineId, counts);
  return {
    electionId,
    machineId,
    voteCount: record.voteCount,
    storedVotes: record.voteCount,
    checkedAt: new Date(closesAt + 60_000).toISOString(),
    record,
  };
};

beforeEach(async () => {
  now = closesAt - 3600_000;
  records = new MemoryRecordStore();
  published = [];
  const publisher = { publish: async (events: readonly OutgoingEvent[]) => void published.push(...events) };
  close = closeUseCases({ records, clock, publisher, electionKey: new MemoryElectionKey() }, config);
  await records.put('registry', {
    ...recordKeys.registryEntity('election', electionId),
    electionId,
    opensAt: new Date(closesAt - 11 * 3600_000).toISOString(),
    closesAt: new Date(closesAt).toISOString(),
  });
  await records.put('registry', {
    ...recordKeys.constituency('c-1'),
    constituencyId: 'c-1',
    regionId: 'r-1',
    name: 'One',
  });
  for (const [machineId, key] of machineKeys)
    await records.put('registry', {
      ...recordKeys.machine(machineId),
      machineId,
      boothId: `b-${machineId}`,
      constituencyId: 'c-1',
      regionId: 'r-1',
      publicKey: rawPublicKey(key),
    });
});

describe('the close-of-poll use cases', () => {
  it('certify the constituency when its last machine reconciles, and not before', async () => {
    now = closesAt + 60_000;
    expect(await close.recordResult(checked('m-1', { a: 2 }))).toEqual({ recorded: true, certified: false });
    const unknown = {
      electionId,
      machineId: 'm-9',
      voteCount: 1,
      storedVotes: 1,
      checkedAt: '2026-05-01T18:01:00.000Z',
    };
    expect(await close.recordResult(unknown)).toEqual({ recorded: false });
    expect(await close.recordResult(checked('m-2', { a: 1, b: 3 }))).toEqual({
      recorded: true,
      certified: true,
    });
    const report = await close.certifications(undefined);
    expect(report).toMatchObject({ electionId, certified: 1, pending: 0 });
    expect((await close.rollup(undefined, 'r-1')).nation).toMatchObject({ reconciled: 2, missing: 0 });
  });

  it('refuse an exception for a reconciled machine and certify on the last one needed', async () => {
    now = closesAt + 60_000;
    await close.recordResult(checked('m-1', { a: 2 }));
    await close.recordResult({ ...checked('m-2', { a: 1 }), storedVotes: 2, problems: ['count differs'] });
    const reconciled = await close.recordException({
      constituencyId: 'c-1',
      machineId: 'm-1',
      reason: 'it reconciled',
      actor: admin,
    });
    expect(reconciled).toMatchObject({ ok: false, error: { reason: 'reconciled' } });
    const elsewhere = await close.recordException({
      constituencyId: 'c-1',
      machineId: 'm-2',
      reason: 'seal broken',
      actor: { subject: 'o-2', role: 'officer', regionId: 'r-2' },
    });
    expect(elsewhere).toMatchObject({ ok: false, error: { reason: 'not-found' } });
    const excepted = await close.recordException({
      constituencyId: 'c-1',
      machineId: 'm-2',
      reason: 'seal broken; counted by hand',
      actor: admin,
    });
    expect(excepted).toMatchObject({ ok: true, value: { certification: { basis: expect.any(String) } } });
    expect((await close.certifications(electionId)).certified).toBe(1);
  });

  it('alert a missing record once past the grace, announcing the new alert', async () => {
    now = closesAt + 60_000;
    await close.recordResult(checked('m-1', { a: 2 }));
    const grace = config.monitoring.closeOfPoll.missingWarningAfterMs;
    expect(await close.checkMissing(closesAt + grace - 1)).toEqual({ alerted: 0 });
    expect(published).toEqual([]);
    now = closesAt + grace + 1;
    expect(await close.checkMissing(now)).toEqual({ alerted: 1 });
    expect(published.map((e) => [e.detailType, (e.detail as { machine?: string }).machine])).toEqual([
      [alertRaised.type, 'm-2'],
    ]);
    expect(await close.checkMissing(now + 1)).toEqual({ alerted: 0 });
    const alerts = await listAlerts(records, admin, {});
    expect(alerts.ok && alerts.value.map((a) => [a.kind, a.severity])).toEqual([
      ['result-missing', 'warning'],
    ]);
  });

  it('announce each new missing-record alert before marking its machine, so a failing mark loses none', async () => {
    now = closesAt + config.monitoring.closeOfPoll.missingWarningAfterMs + 1;
    const failing = Object.create(records) as MemoryRecordStore;
    failing.put = async (table, record, condition) => {
      if (table === 'results') throw new Error('results table unavailable');
      return records.put(table, record, condition);
    };
    const publisher = { publish: async (events: readonly OutgoingEvent[]) => void published.push(...events) };
    const flaky = closeUseCases(
      { records: failing, clock, publisher, electionKey: new MemoryElectionKey() },
      config,
    );
    await expect(flaky.checkMissing(now)).rejects.toThrow('results table unavailable');
    expect(published).toHaveLength(1);
    // The machine whose mark failed is signalled again; its alert counts up rather than repeating.
    expect(await close.checkMissing(now + 1)).toEqual({ alerted: 2 });
    const machines = published.map((e) => (e.detail as { machine?: string }).machine);
    expect(machines.sort()).toEqual(['m-1', 'm-2']);
  });

  it('keep results and the bulletin from the public until polls close, then sign the bulletin', async () => {
    expect(await close.certifiedResults(undefined)).toEqual({
      ok: false,
      error: expect.stringContaining('results are published when polls close'),
    });
    expect(await close.bulletin()).toMatchObject({ ok: false });
    now = closesAt + 60_000;
    await close.recordResult(checked('m-1', { a: 2 }));
    await close.recordResult(checked('m-2', { b: 3 }));
    expect(await close.certifiedResults(undefined, 'r-1')).toMatchObject({
      ok: true,
      value: { certified: 1 },
    });
    const bulletin = await close.bulletin();
    if (!bulletin.ok) throw new Error(bulletin.error);
    expect(bulletin.value.body.constituencies).toMatchObject([{ counts: { a: 2, b: 3 }, voteCount: 5 }]);
    expect(checkBulletin(bulletin.value)).toMatchObject({ problems: [], votes: 5 });
  });
});
