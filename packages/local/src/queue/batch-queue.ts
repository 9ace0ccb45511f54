import { randomUUID } from 'node:crypto';
import type { QueueBatch, QueueBatchResponse } from '@ballotstream/events';

export interface BatchQueueOptions {
  /** Most messages per invocation. */
  readonly size: number;
  /** Invocations running at once (a reserved concurrency of 1 keeps a stateful reader in order). */
  readonly concurrency: number;
  /** Deliveries of a message before it is given up (SQS maxReceiveCount). */
  readonly maxReceives: number;
  /** Base of the exponential backoff before a failed message is delivered again. */
  readonly backoffMs: number;
  /** The function reading the queue; it answers with the records that failed, or throws for all. */
  readonly invoke: (batch: QueueBatch) => Promise<unknown>;
}

/** How a message ended: handled, or given up after every delivery (the dead-letter queue's). */
export type QueueOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: string; readonly receives: number };

interface Waiting {
  readonly messageId: string;
  readonly body: string;
  receives: number;
  readonly settle: (outcome: QueueOutcome) => void;
}

/**
 * An SQS queue with a batch event source mapping, in process: messages wait until the reader is
 * free, then go to it up to `size` at a time, so the busier the stream the larger the batches.
 * A record the reader reports as failed (or every record, when it throws) is delivered again
 * after a backoff, up to `maxReceives` deliveries. `send` resolves when the message is done.
 */
export class BatchQueue {
  private readonly waiting: Waiting[] = [];
  private running = 0;
  private scheduled = false;
  private readonly active = new Set<Promise<void>>();

  constructor(private readonly options: BatchQueueOptions) {
    if (!Number.isInteger(options.size) || options.size < 1)
      throw new Error(`batch size must be a positive integer, not ${options.size}`);
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
      throw new Error(`batch concurrency must be a positive integer, not ${options.concurrency}`);
  }

  /** Queues one message (its body as the queue carries it); resolves with how it ended. */
  send(body: string): Promise<QueueOutcome> {
    return new Promise((settle) => {
      this.waiting.push({ messageId: randomUUID(), body, receives: 0, settle });
      this.schedule();
    });
  }

  /** Messages queued or being handled. */
  depth(): number {
    return this.waiting.length + this.running;
  }

  /** Resolves once every message sent so far, and every retry, is done. */
  async drain(): Promise<void> {
    while (this.active.size > 0 || this.waiting.length > 0 || this.scheduled) {
      if (this.active.size === 0) await new Promise((resolve) => setImmediate(resolve));
      else await Promise.allSettled([...this.active]);
    }
  }

  private track(work: Promise<void>): void {
    const tracked = work.finally(() => this.active.delete(tracked));
    this.active.add(tracked);
  }

  // A message is handed over on a later turn of the event loop, as a poller would pick it up,
  // so messages sent in one burst travel together.
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.running < this.options.concurrency) {
      const batch = this.waiting.splice(0, this.options.size);
      this.running++;
      this.track(
        this.deliver(batch).finally(() => {
          this.running--;
          if (this.waiting.length > 0) this.schedule();
        }),
      );
    }
  }

  private async deliver(batch: Waiting[]): Promise<void> {
    for (const message of batch) message.receives++;
    let failed: Set<string>;
    let error = 'the reader reported the record as failed';
    try {
      const response = (await this.options.invoke({
        Records: batch.map((m) => ({
          messageId: m.messageId,
          body: m.body,
          attributes: { ApproximateReceiveCount: String(m.receives) },
        })),
      })) as Partial<QueueBatchResponse> | undefined;
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (thrown) {
      error = thrown instanceof Error ? thrown.message : String(thrown);
      failed = new Set(batch.map((m) => m.messageId));
    }
    for (const message of batch) {
      if (!failed.has(message.messageId)) message.settle({ ok: true });
      else if (message.receives >= this.options.maxReceives)
        message.settle({ ok: false, error, receives: message.receives });
      else this.retryLater(message);
    }
  }

  private retryLater(message: Waiting): void {
    const backoff = this.options.backoffMs * 2 ** (message.receives - 1) * (0.5 + Math.random() / 2);
    this.track(
      new Promise<void>((resolve) =>
        setTimeout(() => {
          this.waiting.push(message);
          this.schedule();
          resolve();
        }, backoff),
      ),
    );
  }
}
