import { createHash } from 'node:crypto';
import { canonicalJson } from '@ballotstream/events';
import { DependencyError } from '../../errors';
import type { AuditEntry, AuditHead, AuditLog } from '../../ports/audit-log';
import type { Clock } from '../../ports/clock';
import type { RecordStore } from '../../ports/record-store';
import { err, ok, type Result } from '../../result';
import { recordKeys } from '../shared/keys';
import { recordAuditLog } from './record-audit-log';

/** The `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** What a caller states about an administrative action; the chain adds position, time and hashes. */
export interface AuditInput {
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** What appending needs: the record store the chain lives in and the time. */
export interface AuditDeps {
  readonly records: RecordStore;
  readonly clock: Clock;
  /** Another home for the chain; the `audit` table of `records` when absent. */
  readonly auditLog?: AuditLog;
}

/** The hash an entry must carry: SHA-256 of the canonical JSON of all its other fields. */
export function auditHash(entry: Omit<AuditEntry, 'hash'>): string {
  const { seq, prevHash, actor, at, action, subject, details } = entry;
  return createHash('sha256')
    .update(canonicalJson({ seq, prevHash, actor, at, action, subject, details }))
    .digest('hex');
}

// Many officers acting at once all race for the same head; each loser re-reads and tries again.
const MAX_ATTEMPTS = 200;

/** Appends one entry to the audit chain, serialised with every concurrent appender; returns it. */
export async function appendAudit(deps: AuditDeps, input: AuditInput): Promise<AuditEntry> {
  const log = deps.auditLog ?? recordAuditLog(deps.records);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const head = await log.head();
    const unsigned = {
      seq: (head?.seq ?? 0) + 1,
      prevHash: head?.hash ?? GENESIS_HASH,
      actor: input.actor,
      at: deps.clock.now(),
      action: input.action,
      subject: input.subject,
      ...(input.details === undefined ? {} : { details: input.details }),
    };
    const entry: AuditEntry = { ...unsigned, hash: auditHash(unsigned) };
    if (await log.append(entry, head)) return entry;
  }
  throw new DependencyError('audit', `could not append after ${MAX_ATTEMPTS} attempts`);
}

/** Where and how the chain is broken. */
export interface AuditBreak {
  /** The position at which the chain stops being trustworthy. */
  readonly seq: number;
  readonly problem: 'altered' | 'missing-or-reordered' | 'broken-link' | 'truncated';
  readonly message: string;
}

export interface AuditVerified {
  readonly entries: number;
  readonly head: AuditHead | undefined;
}

/**
 * Walks the whole chain and checks each entry's position, link and hash, and that the chain
 * reaches the head the store recorded: any altered, removed or reordered entry breaks it.
 */
export async function verifyAuditChain(
  log: AuditLog,
  recordedHead?: AuditHead,
  pageSize = 1000,
): Promise<Result<AuditVerified, AuditBreak>> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for (;;) {
    const page = await log.read(expectedSeq, pageSize);
    for (const entry of page) {
      if (entry.seq !== expectedSeq)
        return err({
          seq: expectedSeq,
          problem: 'missing-or-reordered',
          message: `position ${expectedSeq} holds entry ${entry.seq}`,
        });
      if (entry.prevHash !== prevHash)
        return err({
          seq: expectedSeq,
          problem: 'broken-link',
          message: `entry ${expectedSeq} does not chain from entry ${expectedSeq - 1}`,
        });
      if (auditHash(entry) !== entry.hash)
        return err({
          seq: expectedSeq,
          problem: 'altered',
          message: `entry ${expectedSeq} was changed after it was written`,
        });
      prevHash = entry.hash;
      expectedSeq++;
    }
    if (page.length < pageSize) break;
  }
  const last = expectedSeq - 1;
  const head = last === 0 ? undefined : { seq: last, hash: prevHash };
  if (
    recordedHead !== undefined &&
    (recordedHead.seq > last || (recordedHead.seq === last && recordedHead.hash !== prevHash))
  )
    return err({
      seq: last + 1,
      problem: 'truncated',
      message: `the chain ends at entry ${last} but its head records entry ${recordedHead.seq}`,
    });
  return ok({ entries: last, head });
}

/** Verifies the chain kept in a record store, against the head hint the store holds. */
export async function verifyRecordedAudit(records: RecordStore): Promise<Result<AuditVerified, AuditBreak>> {
  const hint = await records.get('audit', recordKeys.auditHead());
  const head = hint === undefined ? undefined : { seq: Number(hint.seq), hash: String(hint.hash) };
  return verifyAuditChain(recordAuditLog(records), head);
}
