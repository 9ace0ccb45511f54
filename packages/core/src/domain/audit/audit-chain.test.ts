import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LmdbRecordStore } from '../../adapters/local/lmdb-record-store';
import { MemoryRecordStore } from '../../adapters/local/memory-record-store';
import type { Clock } from '../../ports/clock';
import { recordKeys } from '../shared/keys';
import { appendAudit, verifyRecordedAudit } from './audit-chain';

const clock: Clock = { now: () => 1_700_000_000_000 };

async function chainOf(length: number): Promise<MemoryRecordStore> {
  const records = new MemoryRecordStore();
  for (let i = 1; i <= length; i++) {
    await appendAudit(
      { records, clock },
      { actor: 'admin-1 (admin)', action: 'booth.updated', subject: `booth/b-${i}`, details: { i } },
    );
  }
  return records;
}

describe('the audit chain', () => {
  it('verifies a chain nobody touched', async () => {
    const records = await chainOf(5);
    const result = await verifyRecordedAudit(records);
    expect(result).toMatchObject({ ok: true, value: { entries: 5, head: { seq: 5 } } });
  });

  it('links each entry to the hash of the one before', async () => {
    const records = await chainOf(3);
    const first = await records.get('audit', recordKeys.auditEntry(1));
    const second = await records.get('audit', recordKeys.auditEntry(2));
    expect(first?.prevHash).toBe('0'.repeat(64));
    expect(second?.prevHash).toBe(first?.hash);
  });

  it('detects an entry whose fields were altered', async () => {
    const records = await chainOf(5);
    const key = recordKeys.auditEntry(3);
    await records.update('audit', key, { actor: 'someone-else' });
    const result = await verifyRecordedAudit(records);
    expect(result).toMatchObject({ ok: false, error: { seq: 3, problem: 'altered' } });
  });

  it('detects an altered entry whose hash was recomputed, at the link after it', async () => {
    const records = await chainOf(5);
    const { auditHash } = await import('./audit-chain');
    const key = recordKeys.auditEntry(2);
    const entry = (await records.get('audit', key))!;
    const forged = { ...entry, subject: 'booth/forged' } as Record<string, unknown>;
    const { pk: _pk, sk: _sk, hash: _hash, ...fields } = forged;
    await records.put('audit', { ...key, ...fields, hash: auditHash(fields as never) });
    const result = await verifyRecordedAudit(records);
    expect(result).toMatchObject({ ok: false, error: { seq: 3, problem: 'broken-link' } });
  });

  it('detects an entry removed from the middle', async () => {
    const records = await chainOf(5);
    await records.delete('audit', recordKeys.auditEntry(3));
    const result = await verifyRecordedAudit(records);
    expect(result).toMatchObject({ ok: false, error: { seq: 3, problem: 'missing-or-reordered' } });
  });

  it('detects the last entry removed', async () => {
    const records = await chainOf(5);
    await records.delete('audit', recordKeys.auditEntry(5));
    const result = await verifyRecordedAudit(records);
    expect(result).toMatchObject({ ok: false, error: { seq: 5, problem: 'truncated' } });
  });

  it('detects two entries swapped', async () => {
    const records = await chainOf(5);
    const a = (await records.get('audit', recordKeys.auditEntry(2)))!;
    const b = (await records.get('audit', recordKeys.auditEntry(4)))!;
    await records.put('audit', { ...b, ...recordKeys.auditEntry(2) });
    await records.put('audit', { ...a, ...recordKeys.auditEntry(4) });
    const result = await verifyRecordedAudit(records);
    expect(result).toMatchObject({ ok: false, error: { seq: 2, problem: 'missing-or-reordered' } });
  });

  it('detects two entries swapped with their positions renumbered', async () => {
    const records = await chainOf(5);
    const a = (await records.get('audit', recordKeys.auditEntry(2)))!;
    const b = (await records.get('audit', recordKeys.auditEntry(4)))!;
    await records.put('audit', { ...b, ...recordKeys.auditEntry(2), seq: 2 });
    await records.put('audit', { ...a, ...recordKeys.auditEntry(4), seq: 4 });
    const result = await verifyRecordedAudit(records);
    expect(result).toMatchObject({ ok: false, error: { seq: 2, problem: 'broken-link' } });
  });

  it.each([
    ['in memory', () => new MemoryRecordStore()],
    ['in LMDB', () => new LmdbRecordStore(mkdtempSync(join(tmpdir(), 'audit-')))],
  ] as const)('serialises concurrent appends into one unbroken chain, %s', async (_, make) => {
    const records = make();
    const entries = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        appendAudit(
          { records, clock },
          { actor: `officer-${i}`, action: 'alert.acknowledged', subject: `alert/${i}` },
        ),
      ),
    );
    expect(new Set(entries.map((e) => e.seq)).size).toBe(40);
    const result = await verifyRecordedAudit(records);
    expect(result).toMatchObject({ ok: true, value: { entries: 40 } });
    await records.close();
  });

  it('carries on after a writer stopped between its entry and the head', async () => {
    const records = await chainOf(3);
    await records.put('audit', { ...recordKeys.auditHead(), seq: 2, hash: 'stale' });
    const entry = await appendAudit({ records, clock }, { actor: 'a', action: 'x.updated', subject: 'x/1' });
    expect(entry.seq).toBe(4);
    expect((await verifyRecordedAudit(records)).ok).toBe(true);
  });
});
