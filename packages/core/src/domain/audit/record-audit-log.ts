import type { AuditEntry, AuditHead, AuditLog } from '../../ports/audit-log';
import type { RecordStore, StoredRecord } from '../../ports/record-store';
import { recordKeys } from '../shared/keys';

/**
 * The audit chain kept in the `audit` table: one record per position, written only if that
 * position is still empty, so two writers can never both extend the chain from the same head.
 * A head record is a hint that spares a walk; the entries themselves are the truth.
 */
export function recordAuditLog(records: RecordStore): AuditLog {
  return {
    async head() {
      const hint = await records.get('audit', recordKeys.auditHead());
      let head: AuditHead | undefined =
        hint === undefined ? undefined : { seq: Number(hint.seq), hash: String(hint.hash) };
      // A writer that stopped between its entry and the hint leaves the hint behind: walk on.
      for (;;) {
        const next = await records.get('audit', recordKeys.auditEntry((head?.seq ?? 0) + 1));
        if (next === undefined) return head;
        head = { seq: Number(next.seq), hash: String(next.hash) };
      }
    },

    async append(entry, after) {
      const expected = (after?.seq ?? 0) + 1;
      if (entry.seq !== expected) throw new Error(`audit entry ${entry.seq} cannot follow ${expected - 1}`);
      const written = await records.put(
        'audit',
        { ...recordKeys.auditEntry(entry.seq), ...entry },
        { kind: 'absent' },
      );
      if (!written) return false;
      await records.put('audit', { ...recordKeys.auditHead(), seq: entry.seq, hash: entry.hash });
      return true;
    },

    async read(fromSeq, limit) {
      const page = await records.query('audit', recordKeys.auditPartition(), {
        limit,
        ...(fromSeq > 1 ? { after: recordKeys.auditEntry(fromSeq - 1).sk } : {}),
      });
      return page.records.map(toEntry);
    },
  };
}

function toEntry(record: StoredRecord): AuditEntry {
  const { pk: _pk, sk: _sk, ...rest } = record;
  return rest as unknown as AuditEntry;
}
