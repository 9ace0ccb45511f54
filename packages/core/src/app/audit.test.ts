import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryRecordStore } from '../adapters/local/memory-record-store';
import { appendAudit } from '../domain/audit/audit-chain';
import { recordKeys } from '../domain/shared/keys';
import { auditUseCases } from './audit';

const T0 = 1_800_000_000_000;
const clock = { now: () => T0 };
let records: MemoryRecordStore;
let audit: ReturnType<typeof auditUseCases>;

beforeEach(async () => {
  records = new MemoryRecordStore();
  audit = auditUseCases({ records });
  for (let i = 1; i <= 5; i++)
    await appendAudit(
      { records, clock },
      { actor: 'admin:root', action: 'booth.updated', subject: `booth/b-${i}` },
    );
});

describe('the audit use cases', () => {
  it('page the chain in order, saying where the next page starts while one may follow', async () => {
    const first = await audit.page(1, 2);
    expect(first.entries.map((e) => e.seq)).toEqual([1, 2]);
    expect(first.next).toBe(3);
    const last = await audit.page(5, 2);
    expect(last.entries.map((e) => e.subject)).toEqual(['booth/b-5']);
    expect(last).not.toHaveProperty('next');
  });

  it('find the chain intact, and name where an edited entry breaks it', async () => {
    expect(await audit.verify()).toMatchObject({ ok: true, value: { entries: 5 } });
    const third = await records.get('audit', recordKeys.auditEntry(3));
    await records.put('audit', { ...third, ...recordKeys.auditEntry(3), subject: 'booth/forged' });
    expect(await audit.verify()).toMatchObject({ ok: false, error: { seq: 3, problem: 'altered' } });
  });
});
