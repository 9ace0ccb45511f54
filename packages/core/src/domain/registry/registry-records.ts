import { type RegistryEntity, type RegistryRecordOf, registryEntities } from '@ballotstream/events';
import type { RecordStore, StoredRecord } from '../../ports/record-store';
import { REGISTRY_SHARDS, recordKeys } from '../shared/keys';
import { itemsOf } from '../shared/pages';

/** A registry entity as stored: its fields plus bookkeeping every entity shares. */
export type StoredEntity<E extends RegistryEntity = RegistryEntity> = RegistryRecordOf<E> & {
  /** Bumped by every write; updates are conditional on it, so concurrent edits never merge blindly. */
  readonly version: number;
  readonly updatedAt: string;
  readonly [extra: string]: unknown;
};

/** The id of an entity record, read from its kind's id field. */
export function idOf(entity: RegistryEntity, record: Readonly<Record<string, unknown>>): string {
  return String(record[registryEntities[entity].idField]);
}

/** Reads one registry entity, without its storage keys; undefined when none has that id. */
export async function readEntity<E extends RegistryEntity>(
  records: RecordStore,
  entity: E,
  id: string,
): Promise<StoredEntity<E> | undefined> {
  const record = await records.get('registry', recordKeys.registryEntity(entity, id));
  return record === undefined ? undefined : (withoutKeys(record) as StoredEntity<E>);
}

/** Drops the storage keys from a stored record. */
export function withoutKeys(record: StoredRecord): Record<string, unknown> {
  const { pk: _pk, sk: _sk, ...fields } = record;
  return fields;
}

/** What a listing may be narrowed to; every condition must hold. */
export interface EntityFilter {
  readonly regionId?: string;
  readonly constituencyId?: string;
  readonly boothId?: string;
}

export interface EntityPage {
  readonly items: readonly Record<string, unknown>[];
  /** Pass back to continue; absent on the last page. */
  readonly cursor?: string;
}

// A filtered listing reads at most this many records per request, as DynamoDB's 1 MB page
// bounds a filtered Query: a sparse filter returns short pages with a cursor, never a timeout.
const MAX_SCANNED_PER_PAGE = 5000;

/** Lists the entities of one kind a page at a time, across its shards, narrowed by `filter`. */
export async function listEntities(
  records: RecordStore,
  entity: RegistryEntity,
  options: { readonly limit: number; readonly cursor?: string; readonly filter?: EntityFilter },
): Promise<EntityPage> {
  let { shard, after } = decodeCursor(options.cursor);
  const items: Record<string, unknown>[] = [];
  let scanned = 0;
  while (shard < REGISTRY_SHARDS) {
    const page = await records.query('registry', recordKeys.registryPartition(entity, shard), {
      limit: Math.min(500, options.limit - items.length + 50),
      ...(after === undefined ? {} : { after }),
    });
    for (const record of page.records) {
      scanned++;
      after = record.sk;
      if (matches(record, options.filter)) items.push(withoutKeys(record));
      if (items.length === options.limit || scanned >= MAX_SCANNED_PER_PAGE) {
        const more = page.next !== undefined || record !== page.records.at(-1) || shard + 1 < REGISTRY_SHARDS;
        return more ? { items, cursor: encodeCursor(shard, after) } : { items };
      }
    }
    if (page.next === undefined) {
      shard++;
      after = undefined;
    }
  }
  return { items };
}

/** Every entity of a kind, one at a time, in pages: for exports of any size in flat memory. */
export async function* allEntities(
  records: RecordStore,
  entity: RegistryEntity,
  filter?: EntityFilter,
): AsyncGenerator<Record<string, unknown>> {
  yield* itemsOf(async (cursor) => {
    const page = await listEntities(records, entity, {
      limit: 500,
      ...(cursor === undefined ? {} : { cursor }),
      ...(filter === undefined ? {} : { filter }),
    });
    return { items: page.items, next: page.cursor };
  });
}

function matches(record: StoredRecord, filter: EntityFilter | undefined): boolean {
  if (filter === undefined) return true;
  for (const [field, value] of Object.entries(filter)) {
    if (value !== undefined && record[field] !== value) return false;
  }
  return true;
}

function encodeCursor(shard: number, after: string | undefined): string {
  return Buffer.from(JSON.stringify([shard, after ?? null])).toString('base64url');
}

function decodeCursor(cursor: string | undefined): { shard: number; after: string | undefined } {
  if (cursor === undefined) return { shard: 0, after: undefined };
  try {
    const [shard, after] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [
      unknown,
      unknown,
    ];
    if (typeof shard === 'number' && Number.isInteger(shard) && shard >= 0 && shard < REGISTRY_SHARDS)
      return { shard, after: typeof after === 'string' ? after : undefined };
  } catch {
    // An unreadable cursor starts from the beginning rather than failing the listing.
  }
  return { shard: 0, after: undefined };
}
