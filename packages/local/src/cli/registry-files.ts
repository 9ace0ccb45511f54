import { createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { exportCsv, type ImportDeps } from '@ballotstream/core';
import { LmdbRecordStore } from '@ballotstream/core/adapters/local';
import { systemClock } from '@ballotstream/core/ports';
import { entityPlurals, type RegistryEntity, registryEntitySchema } from '@ballotstream/events';
import { entityOfFile, importCsvFile } from '../registry/import-file';
import { type ParsedArgs, stringFlag } from './args';
import { ProgressBar } from './progress';

/** The record store of a data directory, opened beside (or instead of) a running runtime. */
function openRecords(args: ParsedArgs): LmdbRecordStore {
  const dataDir = resolve(stringFlag(args, 'data-dir', '.data/local')!);
  return new LmdbRecordStore(join(dataDir, 'records'));
}

/**
 * `ballotstream import <file.csv> [--entity booth] [--per-row]`: validates the whole file, then
 * writes it (or, with --per-row, writes the good rows); every bad row is printed with line and field.
 */
export async function importCommand(args: ParsedArgs): Promise<void> {
  const path = args.positional[1];
  if (path === undefined)
    throw new Error('usage: ballotstream import <file.csv> [--entity <entity>] [--per-row]');
  const named = stringFlag(args, 'entity');
  const entity = named === undefined ? entityOfFile(path) : entityOfFile(`${named}.csv`);
  if (entity === undefined)
    throw new Error(`cannot tell what ${path} holds: name it after the entity (booths.csv) or pass --entity`);
  const records = openRecords(args);
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
  try {
    const report = await importCsvFile(deps, path, {
      entity,
      mode: args.flags.has('per-row') ? 'per-row' : 'all-or-nothing',
      actor: `cli:${process.env.USER ?? 'operator'}`,
      onProgress: ({ phase, bytes, size, rows }) => bar.update(bytes, size, rows, phase),
      onProblem: (p) => {
        problems++;
        process.stderr.write(
          `${process.stderr.isTTY ? '\r\u001b[K' : ''}${path}:${p.line}: ${p.field}: ${p.message}\n`,
        );
      },
    });
    bar.done();
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
    throw new Error(
      `usage: ballotstream export <${Object.keys(entityPlurals).join('|')}> [--out file.csv] (voters are import-only)`,
    );
  const records = openRecords(args);
  const outPath = stringFlag(args, 'out');
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
