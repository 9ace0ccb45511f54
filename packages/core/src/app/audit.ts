import { verifyRecordedAudit } from '../domain/audit/audit-chain';
import { recordAuditLog } from '../domain/audit/record-audit-log';
import type { RecordStore } from '../ports';

/** What an admin reads of the hash-chained audit log. */
export function auditUseCases(ports: { readonly records: RecordStore }) {
  const log = recordAuditLog(ports.records);
  return {
    /** A page of entries in chain order from `from`, with where the next page starts if there may be one. */
    async page(from: number, limit: number) {
      const entries = await log.read(from, limit);
      const last = entries.at(-1);
      return { entries, ...(entries.length === limit && last ? { next: last.seq + 1 } : {}) };
    },
    /** Walks the whole chain: where it ends when intact, where it breaks when not. */
    verify: () => verifyRecordedAudit(ports.records),
  };
}
