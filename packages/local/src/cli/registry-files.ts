import { createWriteStream, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { blueprintDataOrder, exportCsv, type ImportDeps } from '@ballotstream/core';
import { LmdbRecordStore } from '@ballotstream/core/adapters/local';
import { systemClock } from '@ballotstream/core/ports';
import { entityPlurals, type RegistryEntity, registryEntitySchema } from '@ballotstream/events';
import { entityOfFile, importCsvFile } from '../registry/import-file';
import { countFlag, type ParsedArgs, stringFlag, UsageError } from './args';
import { dataDirOf } from './data-dir';
import { ProgressBar } from './progress';

/**
 * The record store of a data directory, opened beside (or instead of) a running runtime; a reader
 * refuses a directory that holds none rather than leave an empty store behind.
 */
function openRecords(args: ParsedArgs, purpose: 'read' | 'write'): LmdbRecordStore {
  const dir = join(dataDirOf(args), 'records');
  if (purpose === 'read' && !existsSync(dir))
    throw new Error(`no records in ${dir} (the demo's: --demo; an election's: --config <blueprint>)`);
  return new LmdbRecordStore(dir);
}

/** What a bad import prints after its first rows: how many more, and the order references need. */
export function problemSummary(problems: number, shown: number, referenceProblems: number): string[] {
  const lines: string[] = [];
  if (problems > shown) lines.push(`… and ${problems - shown} more bad row(s), ${problems} in all`);
  if (referenceProblems > 0)
    lines.push(
      `${referenceProblems} row(s) name something not registered yet: import in reference order, ${blueprintDataOrder.join(', ')}`,
    );
  return lines;
}

/**
 * `ballotstream import <file.csv> [--entity booth] [--per-row]`: validates the whole file, then
 * writes it (or, with --per-row, writes the good rows); every bad row is printed with line and field.
 */
export async function importCommand(args: ParsedArgs): Promise<void> {
  const path = args.positional[1];
  if (path === undefined) throw new UsageError('usage: ballotstream import <file.csv>');
  const named = stringFlag(args, 'entity');
  const entity = named === undefined ? entityOfFile(path) : entityOfFile(`${named}.csv`);
  if (entity === undefined)
    throw new UsageError(
      `cannot tell what ${path} holds: name it after the entity (booths.csv) or pass --entity`,
    );
  const maxShown = countFlag(args, 'max-problems', 20, 0);
  const records = openRecords(args, 'write');
  let events = 0;
  const deps: ImportDeps = {
    records,
    clock: systemClock,
    // A standalone import has no bus to reach; `up --config` imports its data files through the runtime's.
    publisher: {
      publish: async (batch) => {
        events += batch.length;
      },
    },
    config: { electionId: stringFlag(args, 'election', 'demo-2026')! },
  };
  const bar = new ProgressBar(`import ${path}`);
  let problems = 0;
  let referenceProblems = 0;
  try {
    const report = await importCsvFile(deps, path, {
      entity,
      mode: args.flags.has('per-row') ? 'per-row' : 'all-or-nothing',
      actor: `cli:${process.env.USER ?? 'operator'}`,
      onProgress: ({ phase, bytes, size, rows }) => bar.update(bytes, size, rows, phase),
      onProblem: (p) => {
        problems++;
        if (/^no \S+ ".*" is registered$/.test(p.message)) referenceProblems++;
        // A wrong import order makes every row bad: the first ones say why, the count says how many.
        if (problems > maxShown) return;
        process.stderr.write(
          `${process.stderr.isTTY ? '\r\u001b[K' : ''}${path}:${p.line}: ${p.field}: ${p.message}\n`,
        );
      },
    });
    bar.done();
    for (const line of problemSummary(problems, maxShown, referenceProblems))
      process.stderr.write(`${line}\n`);
    const out = process.stdout;
    if (report.mode === 'all-or-nothing' && problems > 0) {
      out.write(
        `${path}: nothing imported — ${report.refusedRows} bad row(s) of ${report.rows}; fix them or use --per-row\n`,
      );
      process.exitCode = 1;
      return;
    }
    out.write(
      `${path}: ${report.rows} rows, ${report.created} created, ${report.updated} updated, ${report.refusedRows} refused (${report.mode}); ${events} events stayed local (no runtime bus)\n`,
    );
    if (problems > 0) process.exitCode = 1;
  } finally {
    await records.close();
  }
}

/** `ballotstream export <entities> [--out file.csv]`: writes every entity of a kind as CSV (stdout by default). */
export async function exportCommand(args: ParsedArgs): Promise<void> {
  const word = args.positional[1] ?? '';
  const entity: RegistryEntity | undefined =
    entityPlurals[word] ??
    (registryEntitySchema.safeParse(word).success ? (word as RegistryEntity) : undefined);
  if (entity === undefined)
    throw new UsageError(
      `usage: ballotstream export <${Object.keys(entityPlurals).join('|')}> [--out file.csv] (voters are import-only)`,
    );
  const outPath = stringFlag(args, 'out');
  if (outPath !== undefined && !existsSync(dirname(resolve(outPath))))
    throw new Error(`no folder ${dirname(resolve(outPath))}: export writes into an existing one`);
  const records = openRecords(args, 'read');
  const out = outPath === undefined ? process.stdout : createWriteStream(outPath);
  try {
    const rows = await exportCsv(records, entity, (text) =>
      out.write(text) ? undefined : new Promise<void>((r) => out.once('drain', () => r())),
    );
    if (outPath !== undefined) {
      await new Promise<void>((r) => (out as ReturnType<typeof createWriteStream>).end(r));
      process.stderr.write(`${rows} ${entity}s written to ${outPath}\n`);
    }
  } finally {
    await records.close();
  }
}
