import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { listAlerts } from '@ballotstream/core';
import { LmdbRecordStore, type OutboxEntry, readOutbox } from '@ballotstream/core/adapters/local';
import { type Alert, severitySchema } from '@ballotstream/events';
import { countFlag, type ParsedArgs, stringFlag, UsageError } from './args';
import { dataDirOf } from './data-dir';

/**
 * `ballotstream alerts [list|outbox] [--data-dir d] [--region r] [--severity critical,warning]
 * [--follow]`: the alerts of a local data directory, newest first, or the officer notifications
 * the outbox holds (what each officer was sent by SMS and email). `--follow` keeps printing new
 * notifications as they arrive; the data directory may belong to a running `ballotstream up`.
 */
export async function alerts(args: ParsedArgs): Promise<void> {
  const sub = args.positional[1] ?? 'list';
  if (sub !== 'list' && sub !== 'outbox') throw new UsageError('usage: ballotstream alerts [list|outbox]');
  const dataDir = dataDirOf(args);
  if (!existsSync(join(dataDir, 'records')))
    throw new Error(`no records in ${dataDir} (the demo's: --demo; an election's: --config <blueprint>)`);
  const records = new LmdbRecordStore(join(dataDir, 'records'));
  const region = stringFlag(args, 'region');
  const severityText = stringFlag(args, 'severity');
  const severities = severityText?.split(',').map((s) => severitySchema.parse(s.trim()));
  const out = process.stdout;
  try {
    if (sub === 'list') {
      const listed = await listAlerts(
        records,
        { subject: 'cli', role: 'admin' },
        {
          ...(region === undefined ? {} : { region }),
          ...(severities === undefined ? {} : { severities }),
          limit: countFlag(args, 'limit', 50),
        },
      );
      if (!listed.ok) throw new Error(listed.error);
      if (listed.value.length === 0) out.write('no alerts\n');
      for (const alert of listed.value) out.write(`${alertLine(alert)}\n`);
      return;
    }
    if (sub === 'outbox') {
      let since = 0;
      for (;;) {
        const entries = (await readOutbox(records, since)).filter(
          (e) => region === undefined || [e.attributes.region].flat().includes(region),
        );
        for (const e of entries) out.write(`${outboxLine(e)}\n`);
        const last = entries.at(-1);
        if (last !== undefined) since = last.at + 1;
        if (!args.flags.has('follow')) return;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  } finally {
    await records.close();
  }
}

function alertLine(a: Alert): string {
  const state =
    a.acknowledgedAt !== undefined ? `acked by ${a.acknowledgedBy}` : a.escalated ? 'ESCALATED' : 'open';
  const where = [a.booth, a.machine].filter(Boolean).join('/') || '-';
  return [
    new Date(a.firstSeen).toISOString(),
    a.severity.padEnd(8),
    a.kind.padEnd(24),
    a.region.padEnd(10),
    where,
    `x${a.count}`,
    state,
    a.alertId,
  ].join('  ');
}

function outboxLine(e: OutboxEntry): string {
  return `${new Date(e.at).toISOString()}  to ${e.officerId} (${e.channels.join('+')})  SMS: ${e.sms}`;
}
