import { gunzipSync } from 'node:zlib';
import {
  type IotLogEntry,
  iotLogEntrySchema,
  type LogSubscription,
  logSubscriptionSchema,
  type MachinePublish,
  machinePublishSchema,
} from '@ballotstream/events';
import { z } from 'zod';
import { describeIssues, InvalidInputError } from './errors';

const cloudWatchLogsEventSchema = z.object({ awslogs: z.object({ data: z.string().min(1) }) });
const sqsEventSchema = z.object({
  Records: z.array(z.object({ messageId: z.string(), body: z.string() })),
});

/** Unzips and checks a CloudWatch Logs subscription delivery (`{ awslogs: { data } }`, base64 of gzip). */
export function logSubscriptionOf(raw: unknown): LogSubscription {
  const event = cloudWatchLogsEventSchema.safeParse(raw);
  if (!event.success) throw new InvalidInputError('awslogs', describeIssues(event.error));
  let decoded: unknown;
  try {
    decoded = JSON.parse(gunzipSync(Buffer.from(event.data.awslogs.data, 'base64')).toString('utf8'));
  } catch {
    throw new InvalidInputError('awslogs.data', ['is not base64 of gzipped JSON']);
  }
  const parsed = logSubscriptionSchema.safeParse(decoded);
  if (!parsed.success) throw new InvalidInputError('awslogs.data', describeIssues(parsed.error));
  return parsed.data;
}

/** The IoT log entries of a delivery; a line that is not one (CloudWatch adds none, but a filter may) is skipped. */
export function iotLogEntriesOf(subscription: LogSubscription): IotLogEntry[] {
  const entries: IotLogEntry[] = [];
  for (const logEvent of subscription.logEvents) {
    let value: unknown;
    try {
      value = JSON.parse(logEvent.message);
    } catch {
      continue;
    }
    const parsed = iotLogEntrySchema.safeParse(value);
    if (parsed.success) entries.push(parsed.data);
  }
  return entries;
}

/** One queued message of the machines' topic rule: its id (for a partial batch failure) and what it selected. */
export type QueuedPublish = { readonly messageId: string } & (
  | { readonly ok: true; readonly publish: MachinePublish }
  | { readonly ok: false; readonly problems: readonly string[] }
);

/** Reads the SQS batch the machines' topic rule filled, each record checked alone. */
export function queuedPublishesOf(raw: unknown): QueuedPublish[] {
  const event = sqsEventSchema.safeParse(raw);
  if (!event.success) throw new InvalidInputError('Records', describeIssues(event.error));
  return event.data.Records.map((record) => {
    let value: unknown;
    try {
      value = JSON.parse(record.body);
    } catch {
      return { messageId: record.messageId, ok: false, problems: ['body: is not valid JSON'] };
    }
    const parsed = machinePublishSchema.safeParse(value);
    return parsed.success
      ? { messageId: record.messageId, ok: true, publish: parsed.data }
      : { messageId: record.messageId, ok: false, problems: describeIssues(parsed.error) };
  });
}
