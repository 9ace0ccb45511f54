import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { findOfficer, matchesFilterPolicy, officerFilterPolicy } from '../../domain/alerts/notify';
import { recordKeys } from '../../domain/shared/keys';
import type { Clock } from '../../ports/clock';
import type { MessageAttribute, Notification, Notifier } from '../../ports/notifier';
import type { RecordStore, StoredRecord } from '../../ports/record-store';

/** One delivery in the outbox: which officer got which message, by which channels. */
export interface OutboxEntry {
  readonly messageId: string;
  readonly at: number;
  readonly officerId: string;
  readonly channels: readonly ('sms' | 'email')[];
  readonly phone?: string;
  readonly email?: string;
  readonly sms: string;
  readonly subject: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, MessageAttribute>>;
}

/** Sends an email; the optional SMTP hop of the local runtime. */
export type MailSender = (to: string, subject: string, body: string) => Promise<void>;

export interface OutboxNotifierOptions {
  readonly records: RecordStore;
  readonly clock: Clock;
  /** Also append each delivery as a JSON line here (the dashboard and `ballotstream alerts` read it). */
  readonly file?: string;
  readonly mail?: MailSender;
}

/**
 * The local stand-in for the SNS topic: each officer is a subscriber whose filter policy is
 * made exactly as `stacks/` makes it, and every matching delivery is written to the outbox.
 */
export class OutboxNotifier implements Notifier {
  constructor(private readonly options: OutboxNotifierOptions) {
    if (options.file !== undefined) mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 });
  }

  async publish(notification: Notification): Promise<string> {
    const messageId = randomUUID();
    const at = this.options.clock.now();
    const named = notification.attributes.officers;
    const officerIds = named === undefined ? [] : typeof named === 'string' ? [named] : named;
    for (const officerId of officerIds) {
      const officer = await findOfficer(this.options.records, officerId);
      if (
        officer === undefined ||
        !matchesFilterPolicy(officerFilterPolicy(officer), notification.attributes)
      )
        continue;
      const entry: OutboxEntry = {
        messageId,
        at,
        officerId,
        channels: officer.notifyBy,
        ...(officer.phone === undefined ? {} : { phone: officer.phone }),
        ...(officer.email === undefined ? {} : { email: officer.email }),
        sms: notification.sms,
        subject: notification.subject,
        body: notification.email,
        attributes: notification.attributes,
      };
      await this.options.records.put('alerts', {
        ...recordKeys.outboxEntry(at, messageId, officerId),
        ...entry,
      });
      if (this.options.file !== undefined)
        appendFileSync(this.options.file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
      if (
        this.options.mail !== undefined &&
        officer.email !== undefined &&
        officer.notifyBy.includes('email')
      )
        await this.options.mail(officer.email, notification.subject, notification.email);
    }
    return messageId;
  }
}

/** Reads the outbox, oldest first, from `sinceMs` on. */
export async function readOutbox(records: RecordStore, sinceMs = 0, limit = 1000): Promise<OutboxEntry[]> {
  const out: OutboxEntry[] = [];
  let after: string | undefined = sinceMs > 0 ? recordKeys.outboxEntry(sinceMs - 1, '~', '~').sk : undefined;
  for (;;) {
    const page = await records.query('alerts', recordKeys.outboxPartition(), {
      limit: Math.min(500, limit - out.length),
      ...(after === undefined ? {} : { after }),
    });
    out.push(...page.records.map(entryOf));
    if (page.next === undefined || out.length >= limit) return out;
    after = page.next;
  }
}

function entryOf(r: StoredRecord): OutboxEntry {
  const { pk: _pk, sk: _sk, ...entry } = r;
  return entry as unknown as OutboxEntry;
}
