import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { recordAuditLog, verifyRecordedAudit } from '@ballotstream/core';
import { LmdbRecordStore } from '@ballotstream/core/adapters/local';
import { countFlag, type ParsedArgs, UsageError } from './args';
import { dataDirOf } from './data-dir';

/**
 * `ballotstream audit verify`: walks the hash chain and exits 1 naming the first altered, removed or
 * reordered entry; `ballotstream audit list [--from n] [--limit n]` prints entries.
 */
export async function audit(args: ParsedArgs): Promise<void> {
  const sub = args.positional[1];
  if (sub !== 'verify' && sub !== 'list') throw new UsageError('usage: ballotstream audit verify|list');
  const dataDir = dataDirOf(args);
  // Reading an audit log must not leave an empty store behind where there was none.
  if (!existsSync(join(dataDir, 'records'))) throw new Error(`no records in ${dataDir}`);
  const records = new LmdbRecordStore(join(dataDir, 'records'));
  try {
    if (sub === 'verify') {
      const result = await verifyRecordedAudit(records);
      if (result.ok) {
        const head = result.value.head;
        process.stdout.write(
          `audit chain intact: ${result.value.entries} entries${head ? `, head ${head.seq} ${head.hash}` : ''}\n`,
        );
      } else {
        process.stdout.write(
          `audit chain BROKEN at entry ${result.error.seq} (${result.error.problem}): ${result.error.message}\n`,
        );
        process.exitCode = 1;
      }
      return;
    }
    if (sub === 'list') {
      const entries = await recordAuditLog(records).read(
        countFlag(args, 'from', 1),
        countFlag(args, 'limit', 50),
      );
      for (const e of entries)
        process.stdout.write(
          `${e.seq}\t${new Date(e.at).toISOString()}\t${e.actor}\t${e.action}\t${e.subject}\t${e.hash.slice(0, 16)}\n`,
        );
      return;
    }
  } finally {
    await records.close();
  }
}
