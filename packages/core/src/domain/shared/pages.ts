import type { RecordStore, StoredRecord, TableName } from '../../ports/record-store';

/** How many records one page of a partition asks for, unless told. */
const PAGE_SIZE = 1000;

/** One page of a paged read: what it holds and, while there is more, where the next one starts. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next: string | undefined;
}

/**
 * Every page of a paged read, in order, until a page names no next one: the one paging loop, for
 * the record store, the registry and the AWS APIs that page by token. `read` is handed the `next`
 * of the page before (undefined for the first).
 */
export async function* pagesOf<T>(
  read: (next: string | undefined) => Promise<Page<T>>,
): AsyncGenerator<readonly T[]> {
  let next: string | undefined;
  do {
    const page = await read(next);
    yield page.items;
    next = page.next;
  } while (next !== undefined);
}

/** Every item of a paged read, page after page, in flat memory. */
export async function* itemsOf<T>(read: (next: string | undefined) => Promise<Page<T>>): AsyncGenerator<T> {
  for await (const items of pagesOf(read)) yield* items;
}

/** Every item of a paged read, gathered into one list. */
export async function allItems<T>(read: (next: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  for await (const items of pagesOf(read)) all.push(...items);
  return all;
}

/** The pages of one partition of a table (under a sort-key prefix, if given), `limit` records each. */
export function partitionPages(
  records: RecordStore,
  table: TableName,
  pk: string,
  options: { readonly skPrefix?: string; readonly limit?: number } = {},
): AsyncGenerator<readonly StoredRecord[]> {
  const { skPrefix, limit = PAGE_SIZE } = options;
  return pagesOf(async (after) => {
    const page = await records.query(table, pk, {
      limit,
      ...(skPrefix === undefined ? {} : { skPrefix }),
      ...(after === undefined ? {} : { after }),
    });
    return { items: page.records, next: page.next };
  });
}

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
  for await (const page of partitionPages(records, table, pk, skPrefix === undefined ? {} : { skPrefix })) {
    yield* page;
  }
}
