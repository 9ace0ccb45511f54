import { z } from 'zod';

/**
 * The batch an SQS event source mapping hands a function. Each record's body is one message as
 * JSON: an EventBridge envelope when a rule targets the queue, a topic rule's SELECT output when
 * an IoT rule does. Only the fields the handlers read are checked.
 */
export const queueBatchSchema = z.object({
  Records: z
    .array(
      z.object({
        messageId: z.string().min(1),
        body: z.string(),
        attributes: z.object({ ApproximateReceiveCount: z.string().optional() }).optional(),
      }),
    )
    .min(1),
});
export type QueueBatch = z.infer<typeof queueBatchSchema>;

/** A batch function's answer: the records that failed go back to the queue (ReportBatchItemFailures). */
export interface QueueBatchResponse {
  readonly batchItemFailures: readonly { readonly itemIdentifier: string }[];
}

/** One record of a batch, as the queue delivers it. */
export type QueueRecord = QueueBatch['Records'][number];
