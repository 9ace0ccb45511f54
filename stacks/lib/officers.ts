import { createReadStream } from 'node:fs';
import { csvColumns, type OfficerContact, parseCsv, rowToInput } from '@ballotstream/core';
import { describeIssues, officerSchema } from '@ballotstream/events';

/**
 * Reads the officers of an election from its blueprint's `officers.csv` (the registry's CSV
 * layout, columns found by header), each checked against the registry's officer schema; throws
 * naming the file, line and field of the first bad row.
 */
export async function readOfficers(path: string): Promise<OfficerContact[]> {
  const columns = csvColumns.officer;
  const officers: OfficerContact[] = [];
  let order: number[] | undefined;
  for await (const record of parseCsv(createReadStream(path, 'utf8'))) {
    if (order === undefined) {
      order = columns.map((column) => record.fields.findIndex((f) => f.trim() === column.name));
      const missing = columns.filter((_, i) => order![i] === -1).map((c) => c.name);
      if (missing.length > 0) throw new Error(`${path}: the header lacks ${missing.join(', ')}`);
      continue;
    }
    const cells = order.map((i) => record.fields[i] ?? '');
    const { input, problems } = rowToInput(columns, cells);
    const parsed = officerSchema.safeParse(input);
    const issues = [
      ...problems.map((p) => `${p.field}: ${p.message}`),
      ...(parsed.success ? [] : describeIssues(parsed.error)),
    ];
    if (issues.length > 0 || !parsed.success) {
      throw new Error(`${path}:${record.line}: ${issues.join('; ')}`);
    }
    officers.push(parsed.data);
  }
  return officers;
}
