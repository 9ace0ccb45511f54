import { describe, expect, it } from 'vitest';
import { MemoryRecordStore } from '../../adapters/local/memory-record-store';
import type { MachineCertificates } from '../../ports/machine-certificates';
import { recordAuditLog } from '../audit/record-audit-log';
import { recordKeys } from '../shared/keys';
import { escalateBlock, type HardBlockState, hardBlockCause, restoreCertificates } from './hard-block';

const policy = { softBlockGraceMs: 60_000 };
const blockedAt = 1_000_000;
const softBlocked: HardBlockState = { blocked: true, blockedAt, hardBlocked: false, sosEvents: [] };

describe('the hard-block policy', () => {
  it('forgives votes refused within the grace the retained block had to reach the machine', () => {
    const signal = { kind: 'vote-while-blocked', at: blockedAt + 59_999 } as const;
    expect(hardBlockCause(softBlocked, signal, policy)).toBeUndefined();
  });

  it('calls a vote refused after the grace an ignored soft block', () => {
    const signal = { kind: 'vote-while-blocked', at: blockedAt + 60_000 } as const;
    expect(hardBlockCause(softBlocked, signal, policy)).toBe('soft-block-ignored');
  });

  it('escalates on a second SOS but not on the first, nor on the first delivered twice', () => {
    const first = { kind: 'sos', eventId: 'e-1', at: blockedAt } as const;
    expect(hardBlockCause(softBlocked, first, policy)).toBeUndefined();
    const afterFirst = { ...softBlocked, sosEvents: ['e-1'] };
    expect(hardBlockCause(afterFirst, first, policy)).toBeUndefined();
    expect(hardBlockCause(afterFirst, { kind: 'sos', eventId: 'e-2', at: blockedAt }, policy)).toBe(
      'second-sos',
    );
  });

  it('leaves an unblocked or an already hard-blocked machine alone', () => {
    const late = { kind: 'vote-while-blocked', at: blockedAt + 3_600_000 } as const;
    expect(hardBlockCause({ ...softBlocked, blocked: false }, late, policy)).toBeUndefined();
    expect(hardBlockCause({ ...softBlocked, hardBlocked: true }, late, policy)).toBeUndefined();
  });
});

/** Certificates kept in memory, as a broker would hold their statuses. */
function memoryCertificates(): MachineCertificates & { readonly inactive: Set<string> } {
  const inactive = new Set<string>();
  return {
    inactive,
    async setActive(machineId, active) {
      const was = !inactive.has(machineId);
      if (active) inactive.delete(machineId);
      else inactive.add(machineId);
      return was === active ? 0 : 1;
    },
  };
}

async function world() {
  const records = new MemoryRecordStore();
  await records.put('registry', {
    ...recordKeys.machine('m-1'),
    machineId: 'm-1',
    boothId: 'b-1',
    regionId: 'r-1',
    blocked: true,
    blockedAt,
  });
  let now = blockedAt;
  const deps = {
    records,
    clock: { now: () => now },
    machineCertificates: memoryCertificates(),
  };
  return { deps, records, advance: (ms: number) => (now += ms) };
}

const auditActions = async (records: MemoryRecordStore) =>
  (await recordAuditLog(records).read(1, 100)).map((entry) => entry.action);

describe('escalating a block', () => {
  it('sets the certificate inactive on a second SOS and active again once the machine is cleared, auditing both', async () => {
    const { deps, records } = await world();
    const sos = (eventId: string) => ({ kind: 'sos', eventId, at: blockedAt }) as const;
    expect(await escalateBlock(deps, 'm-1', sos('e-1'), policy)).toEqual({ hardBlocked: false });
    expect(deps.machineCertificates.inactive.has('m-1')).toBe(false);
    expect(await escalateBlock(deps, 'm-1', sos('e-2'), policy)).toEqual({
      hardBlocked: true,
      cause: 'second-sos',
    });
    expect(deps.machineCertificates.inactive.has('m-1')).toBe(true);
    // Still blocked: an unblock that arrives before the registry says so restores nothing.
    expect(await restoreCertificates(deps, 'm-1')).toEqual({ restored: false });
    await records.update('registry', recordKeys.machine('m-1'), { blocked: false });
    expect(await restoreCertificates(deps, 'm-1')).toEqual({ restored: true });
    expect(deps.machineCertificates.inactive.has('m-1')).toBe(false);
    expect(await records.get('registry', recordKeys.machine('m-1'))).toMatchObject({
      hardBlocked: false,
      sosEvents: [],
    });
    expect(await auditActions(records)).toEqual(['machine.hard-blocked', 'machine.certificates-restored']);
  });

  it('sets the certificate inactive when the machine keeps sending votes after its block', async () => {
    const { deps, records, advance } = await world();
    advance(120_000);
    const outcome = await escalateBlock(
      deps,
      'm-1',
      { kind: 'vote-while-blocked', at: blockedAt + 120_000 },
      policy,
    );
    expect(outcome).toEqual({ hardBlocked: true, cause: 'soft-block-ignored' });
    expect(await records.get('registry', recordKeys.machine('m-1'))).toMatchObject({
      hardBlocked: true,
      hardBlockCause: 'soft-block-ignored',
      hardBlockedAt: blockedAt + 120_000,
    });
  });
});
