import type { RecordStore } from '../../ports/record-store';
import { recordKeys } from '../shared/keys';

/**
 * Notes that a vote with this receipt was recorded. The record holds the code and nothing else:
 * no vote id, candidate, booth or time, so it cannot be joined to the vote it came from.
 */
export async function recordReceipt(records: RecordStore, electionId: string, code: string): Promise<void> {
  // A redelivered vote writes the same record again; the put is idempotent.
  await records.put('ledger', { ...recordKeys.receipt(electionId, code), recorded: true });
}

/** Whether a vote with this receipt was recorded in the election; yes or no, nothing more. */
export async function isReceiptRecorded(
  records: RecordStore,
  electionId: string,
  code: string,
): Promise<boolean> {
  const record = await records.get('ledger', recordKeys.receipt(electionId, code));
  return record?.recorded === true;
}
