import { type Database, open, type RootDatabase } from 'lmdb';
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

type Key = [string, string];

/**
 * Durable records in an embedded LMDB file: conditional writes run inside write transactions,
 * which LMDB gathers into group commits, so many callers share one fsync.
 */
export class LmdbRecordStore implements RecordStore {
  private readonly root: RootDatabase;
  private readonly tables = new Map<TableName, Database<StoredRecord, Key>>();

  constructor(path: string) {
    this.root = open({ path, compression: false });
  }

  async get(table: TableName, key: RecordKey): Promise<StoredRecord | undefined> {
    return this.table(table).get([key.pk, key.sk]);
  }

  async put(table: TableName, record: StoredRecord, condition?: WriteCondition): Promise<boolean> {
    const db = this.table(table);
    const key: Key = [record.pk, record.sk];
    if (condition === undefined) {
      await db.put(key, record);
      return true;
    }
    return db.transaction(() => {
      if (!conditionHolds(db.get(key), condition)) return false;
      db.put(key, record);
      return true;
    });
  }

  async putFenced(
    table: TableName,
    record: StoredRecord,
    condition: WriteCondition,
    fence: WriteFence,
  ): Promise<boolean> {
    const db = this.table(table);
    const fenceDb = this.table(fence.table);
    const key: Key = [record.pk, record.sk];
    // One write transaction covers every database of the environment, so the check and the write are one.
    return db.transaction(() => {
      if (!conditionHolds(fenceDb.get([fence.key.pk, fence.key.sk]), fence.condition)) return false;
      if (!conditionHolds(db.get(key), condition)) return false;
      db.put(key, record);
      return true;
    });
  }

  async update(
    table: TableName,
    key: RecordKey,
    fields: Readonly<Record<string, unknown>>,
    condition?: WriteCondition,
  ): Promise<boolean> {
    const db = this.table(table);
    const dbKey: Key = [key.pk, key.sk];
    return db.transaction(() => {
      const existing = db.get(dbKey);
      if (!conditionHolds(existing, condition)) return false;
      db.put(dbKey, { ...existing, ...fields, pk: key.pk, sk: key.sk });
      return true;
    });
  }

  async delete(table: TableName, key: RecordKey): Promise<void> {
    await this.table(table).remove([key.pk, key.sk]);
  }

  async query(table: TableName, pk: string, options: QueryOptions = {}): Promise<QueryPage> {
    const prefix = options.skPrefix ?? '';
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    const records: StoredRecord[] = [];
    let more = false;
    const range = this.table(table).getRange({
      start: [pk, options.after === undefined ? prefix : `${options.after}\u0000`],
      end: [pk, `${prefix}\uffff`],
    });
    for (const { value } of range) {
      if (records.length === limit) {
        more = true;
        break;
      }
      records.push(value);
    }
    const last = records.at(-1);
    return more && last !== undefined ? { records, next: last.sk } : { records };
  }

  async close(): Promise<void> {
    await this.root.close();
  }

  private table(name: TableName): Database<StoredRecord, Key> {
    let db = this.tables.get(name);
    if (db === undefined) {
      db = this.root.openDB<StoredRecord, Key>({ name, compression: false });
      this.tables.set(name, db);
    }
    return db;
  }
}
