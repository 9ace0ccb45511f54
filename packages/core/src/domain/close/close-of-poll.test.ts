import { generateKeyPairSync, sign } from 'node:crypto';
import { type ResultRecord, resultSigningBytes, type SignedResultFields } from '@ballotstream/events';
import { describe, expect, it } from 'vitest';
import { MemoryElectionKey } from '../../adapters/local/file-election-key';
import { MemoryRecordStore } from '../../adapters/local/memory-record-store';
import { rawPublicKey } from '../crypto/ed25519';
import { recordKeys } from '../shared/keys';
import { buildBulletinBody, checkBulletin, signBulletin } from './bulletin';
import {
  certifyIfReady,
  machineCloses,
  markMissingAlerted,
  missingResultSignals,
  recordResultCheck,
} from './close-of-poll';

const electionId = 'e-1';
const closesAt = Date.parse('2026-05-01T18:00:00Z');
const keys = new Map(['m-1', 'm-2'].map((id) => [id, generateKeyPairSync('ed25519').privateKey]));
const grace = { missingWarningAfterMs: 15 * 60_000, missingCriticalAfterMs: 45 * 60_000 };

async function seeded(): Promise<MemoryRecordStore> {
  const records = new MemoryRecordStore();
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
  for (const [machineId, key] of keys)
    await records.put('registry', {
      ...recordKeys.machine(machineId),
      machineId,
      boothId: `b-${machineId}`,
      constituencyId: 'c-1',
      regionId: 'r-1',
      publicKey: rawPublicKey(key),
    });
  return records;
}

function record(machineId: string, counts: Record<string, number>): ResultRecord {
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
  return {
    ...fields,
    signature: sign(null, resultSigningBytes(fields), keys.get(machineId)!).toString('base64url'),
  };
}

const clock = (at: number) => ({ now: () => at });

describe('close of poll', () => {
  it('keeps the newest check of a machine when an older one arrives late', async () => {
    const records = await seeded();
    const check = (checkedAt: string, problems: string[]) =>
      recordResultCheck(records, {
        electionId,
        machineId: 'm-1',
        checkedAt,
        problems,
        record: record('m-1', { a: 1 }),
      });
    await check('2026-05-01T18:02:00.000Z', []);
    await check('2026-05-01T18:01:00.000Z', ['stale']);
    const [m1, m2] = (await machineCloses(records, electionId)).sort((a, b) =>
      a.machineId.localeCompare(b.machineId),
    );
    expect(m1).toMatchObject({ status: 'reconciled', problems: [] });
    expect(m2).toMatchObject({ machineId: 'm-2', status: 'missing' });
  });

  it('raises nothing before the grace, a warning after it, a critical alert later, each once', async () => {
    const records = await seeded();
    await recordResultCheck(records, {
      electionId,
      machineId: 'm-1',
      checkedAt: '2026-05-01T18:01:00.000Z',
      problems: [],
    });
    expect(await missingResultSignals(records, electionId, closesAt + 14 * 60_000, grace)).toEqual([]);
    const warnings = await missingResultSignals(records, electionId, closesAt + 16 * 60_000, grace);
    expect(warnings.map((s) => [s.kind, s.severity, s.subject])).toEqual([
      ['result-missing', 'warning', { regionId: 'r-1', boothId: 'b-m-2', machineId: 'm-2' }],
    ]);
    await markMissingAlerted(records, electionId, warnings[0]!);
    expect(await missingResultSignals(records, electionId, closesAt + 20 * 60_000, grace)).toEqual([]);
    const critical = await missingResultSignals(records, electionId, closesAt + 46 * 60_000, grace);
    expect(critical.map((s) => [s.kind, s.severity])).toEqual([['result-overdue', 'critical']]);
  });

  it("waits for a late-closing booth's own close before calling its machine's record missing", async () => {
    const records = await seeded();
    await records.put('registry', {
      ...recordKeys.registryEntity('booth', 'b-m-2'),
      boothId: 'b-m-2',
      closesAt: new Date(closesAt + 2 * 3600_000).toISOString(),
    });
    expect(await missingResultSignals(records, electionId, closesAt + 60 * 60_000, grace)).toEqual([
      expect.objectContaining({ subject: expect.objectContaining({ machineId: 'm-1' }) }),
    ]);
    const afterItsClose = closesAt + 2 * 3600_000 + 16 * 60_000;
    const late = await missingResultSignals(records, electionId, afterItsClose, grace);
    expect(late.find((s) => s.subject.machineId === 'm-2')).toMatchObject({
      kind: 'result-missing',
      severity: 'warning',
      evidence: { closesAt: new Date(closesAt + 2 * 3600_000).toISOString(), minutesSinceClose: 16 },
    });
  });

  it('certifies once, when the last machine reconciles, and the bulletin adds up', async () => {
    const records = await seeded();
    const deps = { records, clock: clock(closesAt + 60_000) };
    await recordResultCheck(records, {
      electionId,
      machineId: 'm-1',
      checkedAt: '2026-05-01T18:01:00.000Z',
      problems: [],
      record: record('m-1', { a: 2, b: 1 }),
    });
    expect(await certifyIfReady(deps, electionId, 'c-1')).toBeUndefined();
    await recordResultCheck(records, {
      electionId,
      machineId: 'm-2',
      checkedAt: '2026-05-01T18:01:00.000Z',
      problems: [],
      record: record('m-2', { a: 1, b: 4 }),
    });
    expect(await certifyIfReady(deps, electionId, 'c-1')).toMatchObject({ basis: 'reconciled', machines: 2 });
    expect(await certifyIfReady(deps, electionId, 'c-1')).toBeUndefined();

    const body = await buildBulletinBody({ records }, electionId, { now: closesAt + 120_000 });
    expect(body.constituencies).toEqual([
      {
        constituencyId: 'c-1',
        regionId: 'r-1',
        counts: { a: 3, b: 5 },
        voteCount: 8,
        countedMachines: ['m-1', 'm-2'],
        certifiedAt: new Date(closesAt + 60_000).toISOString(),
      },
    ]);
    expect(body.audit.entries).toBe(1);
    const bulletin = await signBulletin(new MemoryElectionKey(), body);
    expect(checkBulletin(bulletin)).toMatchObject({ problems: [], notes: [], votes: 8 });
    expect(checkBulletin(bulletin, 'f'.repeat(64)).problems).toEqual([
      expect.stringContaining('is not the one expected'),
    ]);
  });
});
