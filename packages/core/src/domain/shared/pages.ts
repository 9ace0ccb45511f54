import type { RecordStore, StoredRecord, TableName } from '../../ports/record-store';

/** How many records one page of a partition asks for. */
const PAGE_SIZE = 1000;

/**
 * Every record of one partition of a table (under a sort-key prefix, if given), page by page: a
 * partition of any size is read in flat memory, and no caller writes its own paging loop.
 */
export async function* partitionRecords(
  records: RecordStore,
  table: TableName,
  pk: string,
  skPrefix?: string,
): AsyncGenerator<StoredRecord> {
  let after: string | undefined;
  do {
    const page = await records.query(table, pk, {
      limit: PAGE_SIZE,
      ...(skPrefix === undefined ? {} : { skPrefix }),
      ...(after === undefined ? {} : { after }),
    });
    yield* page.records;
    after = page.next;
  } while (after !== undefined);
}
