import type {
  QueryOptions,
  QueryPage,
  RecordKey,
  RecordStore,
  StoredRecord,
  TableName,
  WriteCondition,
  WriteFence,
} from '../../ports/record-store';
import { conditionHolds } from '../shared/conditions';

/** Durable records kept in one process's memory; for tests and throwaway runs. */
export class MemoryRecordStore implements RecordStore {
  private readonly tables = new Map<TableName, Map<string, Map<string, StoredRecord>>>();

  async get(table: TableName, key: RecordKey): Promise<StoredRecord | undefined> {
    return this.partition(table, key.pk).get(key.sk);
  }

  async put(table: TableName, record: StoredRecord, condition?: WriteCondition): Promise<boolean> {
    const partition = this.partition(table, record.pk);
    if (!conditionHolds(partition.get(record.sk), condition)) return false;
    partition.set(record.sk, structuredClone(record));
    return true;
  }

  async putFenced(
    table: TableName,
    record: StoredRecord,
    condition: WriteCondition,
    fence: WriteFence,
  ): Promise<boolean> {
    // Nothing awaits between the check and the write, so no other call runs in between.
    if (!conditionHolds(this.partition(fence.table, fence.key.pk).get(fence.key.sk), fence.condition)) {
      return false;
    }
    return this.put(table, record, condition);
  }

  async update(
    table: TableName,
    key: RecordKey,
    fields: Readonly<Record<string, unknown>>,
    condition?: WriteCondition,
  ): Promise<boolean> {
    const partition = this.partition(table, key.pk);
    const existing = partition.get(key.sk);
    if (!conditionHolds(existing, condition)) return false;
    partition.set(key.sk, { ...existing, ...structuredClone(fields), pk: key.pk, sk: key.sk });
    return true;
  }

  async delete(table: TableName, key: RecordKey): Promise<void> {
    this.partition(table, key.pk).delete(key.sk);
  }

  async query(table: TableName, pk: string, options: QueryOptions = {}): Promise<QueryPage> {
    const prefix = options.skPrefix ?? '';
    const sorted = [...this.partition(table, pk).keys()]
      .filter((sk) => sk.startsWith(prefix) && (options.after === undefined || sk > options.after))
      .sort();
    const limit = options.limit ?? sorted.length;
    const page = sorted.slice(0, limit);
    const records = page.map((sk) => this.partition(table, pk).get(sk)!);
    const last = page.at(-1);
    return sorted.length > limit && last !== undefined ? { records, next: last } : { records };
  }

  async close(): Promise<void> {}

  private partition(table: TableName, pk: string): Map<string, StoredRecord> {
    let partitions = this.tables.get(table);
    if (partitions === undefined) {
      partitions = new Map();
      this.tables.set(table, partitions);
    }
    let partition = partitions.get(pk);
    if (partition === undefined) {
      partition = new Map();
      partitions.set(pk, partition);
    }
    return partition;
  }
}
