import {
  type RegistryEntity,
  registryEntities,
  registryImported,
  voterRowSchema,
} from '@ballotstream/events';
import type { Clock } from '../../ports/clock';
import { type EventPublisher, eventOf, type OutgoingEvent } from '../../ports/event-publisher';
import type { RecordStore, StoredRecord } from '../../ports/record-store';
import { appendAudit } from '../audit/audit-chain';
import { recordKeys } from '../shared/keys';
import { type CsvRecord, parseCsv } from './csv';
import { type Column, columnOfPath, csvColumns, type ImportEntity, rowToInput } from './csv-columns';
import { CompactIdSet } from './id-set';
import {
  changeEvent,
  freezeOf,
  indexEntity,
  ReferenceResolver,
  type RegistryChange,
  resolveReferences,
} from './manage-registry';
import { readEntity } from './registry-records';

/** What an import needs. */
export interface ImportDeps {
  readonly records: RecordStore;
  readonly clock: Clock;
  readonly publisher: EventPublisher;
  readonly config: { readonly electionId: string };
}

/** One bad row: its line in the file, the column, and what is wrong. */
export interface RowProblem {
  readonly line: number;
  readonly field: string;
  readonly message: string;
}

export interface ImportProgress {
  readonly phase: 'validating' | 'writing';
  readonly rows: number;
}

export interface ImportOptions {
  readonly entity: ImportEntity;
  /** Opens the file; called once per pass (twice when all-or-nothing), each a fresh stream. */
  readonly open: () => AsyncIterable<string | Buffer>;
  /** The file's name, for the audit log and the `registry.imported` event. */
  readonly file: string;
  /** `all-or-nothing` (default): validate every row first and write only a clean file. */
  readonly mode?: 'all-or-nothing' | 'per-row';
  readonly actor: string;
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Every bad row as it is found; the report keeps only the first hundred. */
  readonly onProblem?: (problem: RowProblem) => void;
}

export interface ImportReport {
  readonly entity: ImportEntity;
  readonly mode: 'all-or-nothing' | 'per-row';
  readonly rows: number;
  readonly written: number;
  readonly created: number;
  readonly updated: number;
  readonly refusedRows: number;
  readonly problems: readonly RowProblem[];
}

const KEPT_PROBLEMS = 100;
// Writes in flight at once: enough for the store to group-commit, few enough to bound memory.
const WRITE_WINDOW = 4096;
const EVENT_BATCH = 100;
const PROGRESS_EVERY = 5000;

/**
 * Imports one CSV file of one entity. All-or-nothing (the default) reads the file twice: first
 * every row is checked (header, cells, schema, references, repeated ids, the poll-open freeze)
 * and nothing is written if any row is bad; then it is written. Per-row mode writes each good
 * row and reports each bad one. Memory stays flat whatever the file's size.
 */
export async function importCsv(deps: ImportDeps, options: ImportOptions): Promise<ImportReport> {
  const mode = options.mode ?? 'all-or-nothing';
  const problems: RowProblem[] = [];
  const tally = { refusedRows: 0 };
  const report = (problem: RowProblem) => {
    if (problems.length < KEPT_PROBLEMS) problems.push(problem);
    options.onProblem?.(problem);
  };
  const refuse = (row: CheckedRow) => {
    tally.refusedRows++;
    for (const p of row.problems) report(p);
  };
  const nothingWritten = (rows: number): ImportReport => ({
    entity: options.entity,
    mode,
    rows,
    written: 0,
    created: 0,
    updated: 0,
    refusedRows: tally.refusedRows,
    problems,
  });

  if (options.entity !== 'voter') {
    const frozen = await freezeOf(deps, options.entity);
    if (frozen) {
      report({ line: 1, field: '(file)', message: frozen.message });
      return nothingWritten(0);
    }
  }

  if (mode === 'all-or-nothing') {
    const checked = await pass(deps, options, 'validating', async (row) => {
      if (row.problems.length > 0) refuse(row);
    });
    if (tally.refusedRows > 0 || checked.fileProblem) return nothingWritten(checked.rows);
  }

  const writer = new Writer(deps, options);
  const written = await pass(deps, options, 'writing', async (row) => {
    // All-or-nothing found none of these; a file changed between the passes still loses nothing silently.
    if (row.problems.length > 0) refuse(row);
    else await writer.write(row.value!);
  });
  await writer.finish();

  const summary = {
    entity: options.entity,
    mode,
    rows: written.rows,
    written: writer.created + writer.updated,
    created: writer.created,
    updated: writer.updated,
    refusedRows: tally.refusedRows,
    problems,
  };
  await announce(deps, options, summary);
  return summary;
}

/** Audits the import and publishes `registry.imported`. */
async function announce(deps: ImportDeps, options: ImportOptions, summary: ImportReport): Promise<void> {
  await appendAudit(deps, {
    actor: options.actor,
    action: `${options.entity}.imported`,
    subject: `import/${options.file}`,
    details: {
      rows: summary.rows,
      created: summary.created,
      updated: summary.updated,
      refused: summary.refusedRows,
      mode: summary.mode,
    },
  });
  await deps.publisher.publish([
    eventOf(registryImported, {
      entity: options.entity,
      file: options.file,
      rows: summary.rows,
      written: summary.written,
      refused: summary.refusedRows,
      actor: options.actor,
      at: new Date(deps.clock.now()).toISOString(),
    }),
  ]);
}

interface CheckedRow {
  readonly line: number;
  readonly value?: { readonly id: string; readonly record: Record<string, unknown> };
  readonly problems: readonly RowProblem[];
}

/** Reads the file once, checking each row, and hands each to `visit` in order. */
async function pass(
  deps: ImportDeps,
  options: ImportOptions,
  phase: ImportProgress['phase'],
  visit: (row: CheckedRow) => Promise<void>,
): Promise<{ rows: number; fileProblem: boolean }> {
  const checker = new RowChecker(deps, options);
  let rows = 0;
  let header: { order: number[]; width: number } | undefined;
  try {
    for await (const record of parseCsv(options.open())) {
      if (header === undefined) {
        const found = headerOrder(record, checker.columns);
        if ('problems' in found) {
          await visit({ line: 1, problems: found.problems });
          return { rows, fileProblem: true };
        }
        header = found;
        continue;
      }
      rows++;
      await visit(await checker.check(record, header.order, header.width));
      if (rows % PROGRESS_EVERY === 0) options.onProgress?.({ phase, rows });
    }
  } catch (error) {
    // A quote that never closes makes the rest of the file unreadable: report it as the file's problem.
    const message = error instanceof Error ? error.message : String(error);
    const line = Number(/^line (\d+)/.exec(message)?.[1] ?? 0);
    await visit({ line, problems: [{ line, field: '(file)', message }] });
    return { rows, fileProblem: true };
  }
  options.onProgress?.({ phase, rows });
  return { rows, fileProblem: false };
}

/** The schema a row of the entity's file must meet. */
function schemaOf(entity: ImportOptions['entity']) {
  return entity === 'voter' ? voterRowSchema : registryEntities[entity].schema;
}

/** Checks one row after another: cells, references, schema, and ids repeated within the file. */
class RowChecker {
  readonly columns: readonly Column[];
  private readonly schema: ReturnType<typeof schemaOf>;
  private readonly idField: string;
  private readonly resolver: ReferenceResolver;
  private readonly seen = new CompactIdSet();

  constructor(
    deps: ImportDeps,
    private readonly options: ImportOptions,
  ) {
    this.columns = csvColumns[options.entity];
    this.schema = schemaOf(options.entity);
    this.idField = options.entity === 'voter' ? 'voterId' : registryEntities[options.entity].idField;
    this.resolver = new ReferenceResolver(deps.records);
  }

  /** The row as a record to write, or its problems. */
  async check(record: CsvRecord, order: readonly number[], width: number): Promise<CheckedRow> {
    const { line } = record;
    if (record.fields.length !== width) {
      const message = `has ${record.fields.length} fields, the header has ${order.length}`;
      return { line, problems: [{ line, field: '(row)', message }] };
    }
    const cells = order.map((i) => (i === -1 ? '' : (record.fields[i] ?? '')));
    const { input, problems } = rowToInput(this.columns, cells);
    if (problems.length > 0) return { line, problems: problems.map((p) => ({ line, ...p })) };
    const target = this.options.entity === 'voter' ? 'candidate' : this.options.entity;
    // A voter references its constituency as a candidate does; it gets the region the same way.
    const resolved = await resolveReferences(this.resolver, target as RegistryEntity, input);
    if (!resolved.ok) {
      const error = resolved.error;
      const field = error.reason === 'unknown-reference' ? error.field : '(row)';
      const message = error.reason === 'invalid' ? error.problems.join('; ') : error.message;
      return { line, problems: [{ line, field, message }] };
    }
    const parsed = this.schema.safeParse(resolved.value);
    if (!parsed.success)
      return {
        line,
        problems: parsed.error.issues.map((issue) => ({
          line,
          field: columnOfPath(this.columns, issue.path),
          message: issue.message,
        })),
      };
    const value = parsed.data as Record<string, unknown>;
    if (this.options.entity === 'voter') value.regionId = resolved.value.regionId;
    const id = String(value[this.idField]);
    const firstLine = this.seen.add(id, line);
    if (firstLine !== 0)
      return {
        line,
        problems: [{ line, field: this.idField, message: `"${id}" repeats line ${firstLine}` }],
      };
    return { line, value: { id, record: value }, problems: [] };
  }
}

/** Finds each column in the header, naming any unknown one or missing required one. */
function headerOrder(
  record: CsvRecord,
  columns: readonly Column[],
): { order: number[]; width: number } | { problems: RowProblem[] } {
  const names = record.fields.map((f) => f.trim());
  const expected = columns.map((c) => c.name);
  const problems: RowProblem[] = [];
  for (const name of names)
    if (!expected.includes(name))
      problems.push({
        line: 1,
        field: name,
        message: `is not a column of this file (expected ${expected.join(', ')})`,
      });
  const order = expected.map((name) => names.indexOf(name));
  order.forEach((index, i) => {
    // Optional columns may be left out of a file; the rest must be there.
    if (index === -1 && !OPTIONAL_KINDS.has(columns[i]!.kind))
      problems.push({ line: 1, field: expected[i]!, message: 'column is missing from the header' });
  });
  return problems.length > 0 ? { problems } : { order, width: names.length };
}

const OPTIONAL_KINDS: ReadonlySet<Column['kind']> = new Set(['optional-text', 'list', 'boolean']);

/** Writes checked rows with a bounded window of writes in flight, and their change events in batches. */
class Writer {
  created = 0;
  updated = 0;
  private pending: { readonly id: string; readonly record: Record<string, unknown> }[] = [];
  private events: OutgoingEvent[] = [];

  constructor(
    private readonly deps: ImportDeps,
    private readonly options: ImportOptions,
  ) {}

  async write(row: { readonly id: string; readonly record: Record<string, unknown> }): Promise<void> {
    this.pending.push(row);
    if (this.pending.length >= WRITE_WINDOW) await this.drain();
  }

  async finish(): Promise<void> {
    await this.drain();
    await this.flushEvents();
  }

  // The window's writes are issued together, in one turn, so the store can commit them as one
  // transaction; issued one by one as rows trickle in, each would wait for its own small commit.
  private async drain(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    await Promise.all(batch.map((row) => this.writeOne(row)));
    if (this.events.length >= EVENT_BATCH) await this.flushEvents();
  }

  private async flushEvents(): Promise<void> {
    while (this.events.length > 0) await this.deps.publisher.publish(this.events.splice(0, EVENT_BATCH));
  }

  private async writeOne(row: {
    readonly id: string;
    readonly record: Record<string, unknown>;
  }): Promise<void> {
    const { entity } = this.options;
    const { records, clock } = this.deps;
    const updatedAt = new Date(clock.now()).toISOString();
    if (entity === 'voter') {
      const key = recordKeys.registeredVoter(row.id);
      const existed = (await records.get('registry', key)) !== undefined;
      await records.put('registry', { ...key, ...row.record, updatedAt } as StoredRecord);
      if (existed) this.updated++;
      else this.created++;
      return;
    }
    const existing = await readEntity(records, entity, row.id);
    // An import overwrites the fields it carries and keeps what other contexts added (a block).
    const stored = { ...existing, ...row.record, version: (existing?.version ?? 0) + 1, updatedAt };
    await records.put('registry', {
      ...recordKeys.registryEntity(entity, row.id),
      ...stored,
    } as StoredRecord);
    await indexEntity(records, entity, row.id, existing, row.record);
    const change: RegistryChange = {
      entity,
      id: row.id,
      verb: existing === undefined ? 'created' : 'updated',
      record: row.record,
      actor: this.options.actor,
      fields: Object.keys(row.record),
    };
    if (existing === undefined) this.created++;
    else this.updated++;
    this.events.push(changeEvent(clock.now(), change));
  }
}
