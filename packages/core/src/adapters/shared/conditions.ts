import type { StoredRecord, WriteCondition } from '../../ports/record-store';

/** Decides a write condition against the record as it stands, the way DynamoDB would. */
export function conditionHolds(
  existing: StoredRecord | undefined,
  condition: WriteCondition | undefined,
): boolean {
  if (condition === undefined) return true;
  switch (condition.kind) {
    case 'absent':
      return existing === undefined;
    case 'present':
      return existing !== undefined;
    case 'field-absent':
      return existing === undefined || existing[condition.field] === undefined;
    case 'field-equals':
      return existing !== undefined && existing[condition.field] === condition.value;
  }
}
