import type { StoredRecord } from '@ballotstream/core/ports';
import {
  type DecodedValue,
  decodeImage,
  type QueueBatchResponse,
  tableStreamBatchSchema,
  tableStreamRecordSchema,
} from '@ballotstream/events';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { type App, appFor } from './deps';
import { describeIssues, InvalidInputError } from './errors';
import { countRejection, logger, withLambdaContext } from './observability';

/** One change of a table, as a stream record told it: the item before and after, where the stream keeps them. */
export interface TableChange {
  /** The record's sequence number, which a failure report names. */
  readonly id: string;
  readonly change: 'INSERT' | 'MODIFY' | 'REMOVE';
  /** The region whose replica's stream delivered the change. */
  readonly region: string;
  readonly before: StoredRecord | undefined;
  readonly after: StoredRecord | undefined;
}

function storedRecord(
  image: { readonly [name: string]: DecodedValue } | undefined,
): StoredRecord | undefined {
  if (image === undefined) return undefined;
  const { pk, sk } = image;
  if (typeof pk !== 'string' || typeof sk !== 'string') return undefined;
  return { ...image, pk, sk };
}

/**
 * Wraps a function that reads a table's change stream (a DynamoDB Streams event source mapping
 * with ReportBatchItemFailures). Each record is checked on its own: one that fails its schema is
 * counted, logged and reported, so after the mapping's retries it goes to the on-failure
 * destination instead of vanishing. `handle` gets the valid changes in stream order and returns
 * the ids of any it could not handle; if it throws, the whole batch is retried.
 */
export function tableStreamHandler(
  name: string,
  handle: (changes: readonly TableChange[], app: App) => Promise<readonly string[] | undefined>,
) {
  return middy<unknown, QueueBatchResponse, Error, Context>(async (raw: unknown, context: Context) => {
    const batch = tableStreamBatchSchema.safeParse(raw);
    if (!batch.success) {
      countRejection(name, 'invalid-batch');
      throw new InvalidInputError('stream batch', describeIssues(batch.error));
    }
    const failed: string[] = [];
    const changes: TableChange[] = [];
    for (const [index, value] of batch.data.Records.entries()) {
      const record = tableStreamRecordSchema.safeParse(value);
      if (!record.success) {
        countRejection(name, 'invalid-stream-record');
        const problems = describeIssues(record.error);
        logger.warn('stream record refused', { handler: name, index, problems });
        const sequence = (value as { dynamodb?: { SequenceNumber?: unknown } } | null)?.dynamodb
          ?.SequenceNumber;
        // A record without a sequence number cannot be reported alone: the batch is retried.
        if (typeof sequence !== 'string') throw new InvalidInputError(`Records.${index}`, problems);
        failed.push(sequence);
        continue;
      }
      const { dynamodb, eventName, awsRegion } = record.data;
      changes.push({
        id: dynamodb.SequenceNumber,
        change: eventName,
        region: awsRegion,
        before: storedRecord(dynamodb.OldImage === undefined ? undefined : decodeImage(dynamodb.OldImage)),
        after: storedRecord(dynamodb.NewImage === undefined ? undefined : decodeImage(dynamodb.NewImage)),
      });
    }
    if (changes.length > 0) failed.push(...((await handle(changes, await appFor(context))) ?? []));
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  }).use(withLambdaContext());
}
