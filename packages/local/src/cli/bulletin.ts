import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { allEntities, checkBulletin } from '@ballotstream/core';
import { LmdbRecordStore, loadFileElectionKey } from '@ballotstream/core/adapters/local';
import type { RecordStore } from '@ballotstream/core/ports';
import { describeCheck, exportBulletin, readBulletin } from '../close/bulletin-files';
import { type ParsedArgs, stringFlag, UsageError } from './args';
import { dataDirOf } from './data-dir';

/**
 * `ballotstream export-bulletin --out <dir> [--data-dir .data/local] [--election <id>]`: writes the
 * signed public bulletin of the election (the registry's only one unless named) as static files,
 * signed by the election key of the data dir.
 */
export async function exportBulletinCommand(args: ParsedArgs): Promise<void> {
  const out = stringFlag(args, 'out');
  if (out === undefined) throw new UsageError('--out <dir> is required');
  const dataDir = dataDirOf(args);
  const caFile = join(dataDir, 'pki', 'ca.cert.pem');
  const records = new LmdbRecordStore(join(dataDir, 'records'));
  try {
    const electionId = stringFlag(args, 'election') ?? (await onlyElection(records));
    const bulletin = await exportBulletin(
      { records, electionKey: loadFileElectionKey(join(dataDir, 'keys')) },
      electionId,
      resolve(out),
      { now: Date.now(), ...(existsSync(caFile) ? { caCertificatePem: readFileSync(caFile, 'utf8') } : {}) },
    );
    process.stdout.write(
      `wrote the bulletin of ${electionId} to ${resolve(out)}: ${bulletin.body.machines.length} machines, ` +
        `${bulletin.body.constituencies.length} constituencies, election key sha256 ${bulletin.electionKey.fingerprint}\n`,
    );
  } finally {
    await records.close();
  }
}

/** The one election the registry holds; with none or several, `--election` must say which. */
async function onlyElection(records: RecordStore): Promise<string> {
  const ids: string[] = [];
  for await (const e of allEntities(records, 'election')) ids.push(String(e.electionId));
  if (ids.length === 1) return ids[0]!;
  throw new Error(
    ids.length === 0
      ? 'the registry holds no election: give --election <id>'
      : `the registry holds ${ids.length} elections (${ids.join(', ')}): give --election <id>`,
  );
}

/**
 * `ballotstream verify-election <bulletin dir | file | URL> [--key-fingerprint <hex>]`: checks every
 * signature and certificate in the bulletin and recomputes every constituency's result from the
 * machine records, printing each difference; needs nothing but the bulletin. Exits 1 on any.
 */
export async function verifyElection(args: ParsedArgs): Promise<void> {
  const where = args.positional[1];
  if (where === undefined)
    throw new UsageError(
      'usage: ballotstream verify-election <bulletin dir or URL> [--key-fingerprint <hex>]',
    );
  const bulletin = await readBulletin(where);
  const check = checkBulletin(bulletin, stringFlag(args, 'key-fingerprint'));
  process.stdout.write(describeCheck(bulletin, check));
  if (check.problems.length > 0) process.exitCode = 1;
}
