/** The tables of durable records; `tables.ts` defines their keys for DynamoDB and the local store. */
export type TableName =
  | 'voters'
  | 'tickets'
  | 'ballots'
  | 'ledger'
  | 'tallies'
  | 'registry'
  | 'audit'
  | 'fleet'
  | 'alerts'
  | 'results';

/** Every record has a partition key and a sort key, as in a DynamoDB table with a composite key. */
export interface RecordKey {
  readonly pk: string;
  readonly sk: string;
}

export type StoredRecord = RecordKey & { readonly [field: string]: unknown };

/** A write condition, as a DynamoDB `ConditionExpression` would state it. */
export type WriteCondition =
  | { readonly kind: 'absent' }
  | { readonly kind: 'present' }
  | { readonly kind: 'field-absent'; readonly field: string }
  | { readonly kind: 'field-equals'; readonly field: string; readonly value: string | number | boolean };

/**
 * Another record whose condition must hold at the moment of a write, checked in the same
 * transaction (DynamoDB `TransactWriteItems` with a `ConditionCheck`): the fence of a writer.
 */
export interface WriteFence {
  readonly table: TableName;
  readonly key: RecordKey;
  readonly condition: WriteCondition;
}

export interface QueryOptions {
  readonly skPrefix?: string;
  readonly limit?: number;
  /** The last sort key of the previous page. */
  readonly after?: string;
}

export interface QueryPage {
  readonly records: readonly StoredRecord[];
  readonly next?: string;
}

/** Durable records (DynamoDB in AWS); conditional writes are atomic per record. */
export interface RecordStore {
  get(table: TableName, key: RecordKey): Promise<StoredRecord | undefined>;
  /** Writes a whole record; false when the condition did not hold and nothing was written. */
  put(table: TableName, record: StoredRecord, condition?: WriteCondition): Promise<boolean>;
  /**
   * Writes a whole record only if its condition holds and the fence record meets the fence's
   * condition, atomically; false when either did not hold and nothing was written.
   */
  putFenced(
    table: TableName,
    record: StoredRecord,
    condition: WriteCondition,
    fence: WriteFence,
  ): Promise<boolean>;
  /** Sets fields of a record (creating it if absent); false when the condition did not hold. */
  update(
    table: TableName,
    key: RecordKey,
    fields: Readonly<Record<string, unknown>>,
    condition?: WriteCondition,
  ): Promise<boolean>;
  delete(table: TableName, key: RecordKey): Promise<void>;
  /** Records of one partition in sort-key order, a page at a time. */
  query(table: TableName, pk: string, options?: QueryOptions): Promise<QueryPage>;
  close(): Promise<void>;
}
