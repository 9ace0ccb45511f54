import type { RegistryEntity } from '@ballotstream/events';
import type { RecordStore } from '../../ports/record-store';
import { csvField } from './csv';
import { csvColumns, recordToCells } from './csv-columns';
import { allEntities, type EntityFilter } from './registry-records';

/**
 * Writes every entity of a kind as CSV in the layout `importCsv` reads, a page at a time, so an
 * export of any size runs in flat memory; `write` may return a promise to apply back-pressure.
 */
export async function exportCsv(
  records: RecordStore,
  entity: RegistryEntity,
  write: (text: string) => void | Promise<void>,
  options: { readonly filter?: EntityFilter; readonly onProgress?: (rows: number) => void } = {},
): Promise<number> {
  const columns = csvColumns[entity];
  await write(`${columns.map((c) => c.name).join(',')}\n`);
  let rows = 0;
  let buffer = '';
  for await (const record of allEntities(records, entity, options.filter)) {
    buffer += `${recordToCells(columns, record).map(csvField).join(',')}\n`;
    rows++;
    if (rows % 500 === 0) {
      await write(buffer);
      buffer = '';
      options.onProgress?.(rows);
    }
  }
  if (buffer !== '') await write(buffer);
  options.onProgress?.(rows);
  return rows;
}
