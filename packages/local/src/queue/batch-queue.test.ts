import type { QueueBatch } from '@ballotstream/events';
import { describe, expect, it } from 'vitest';
import { BatchQueue, type BatchQueueOptions } from './batch-queue';

const bodies = (batch: QueueBatch) => batch.Records.map((r) => r.body);

/** A queue with one reader, one delivery and a 1 ms backoff, but for what a test sets. */
const queueOf = (options: Partial<BatchQueueOptions> & Pick<BatchQueueOptions, 'invoke'>) =>
  new BatchQueue({ size: 10, concurrency: 1, maxReceives: 1, backoffMs: 1, ...options });

describe('the local batch queue', () => {
  it('hands a burst over in batches of at most the batch size, every message once', async () => {
    const batches: string[][] = [];
    const queue = queueOf({
      size: 4,
      invoke: async (batch) => {
        batches.push(bodies(batch));
        return { batchItemFailures: [] };
      },
    });
    const sent = Array.from({ length: 10 }, (_, i) => queue.send(`m${i}`));
    expect(await Promise.all(sent)).toEqual(Array.from({ length: 10 }, () => ({ ok: true })));
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(batches.flat()).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
  });

  it('gathers what arrives while the reader is busy into the next batch', async () => {
    const sizes: number[] = [];
    let release: () => void = () => undefined;
    const queue = queueOf({
      size: 100,
      invoke: async (batch) => {
        sizes.push(batch.Records.length);
        if (sizes.length === 1) await new Promise<void>((resolve) => (release = resolve));
      },
    });
    const first = queue.send('first');
    await new Promise((resolve) => setImmediate(resolve));
    const later = Array.from({ length: 7 }, (_, i) => queue.send(`later${i}`));
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await Promise.all([first, ...later]);
    expect(sizes).toEqual([1, 7]);
  });

  it('delivers again only the records the reader reported as failed, with the receive count', async () => {
    const seen: [string, string | undefined][] = [];
    const queue = queueOf({
      maxReceives: 3,
      invoke: async (batch) => {
        for (const r of batch.Records) seen.push([r.body, r.attributes?.ApproximateReceiveCount]);
        const failures = batch.Records.filter(
          (r) => r.body === 'flaky' && r.attributes?.ApproximateReceiveCount === '1',
        );
        return { batchItemFailures: failures.map((r) => ({ itemIdentifier: r.messageId })) };
      },
    });
    const outcomes = await Promise.all([queue.send('fine'), queue.send('flaky')]);
    expect(outcomes).toEqual([{ ok: true }, { ok: true }]);
    expect(seen).toEqual([
      ['fine', '1'],
      ['flaky', '1'],
      ['flaky', '2'],
    ]);
  });

  it('gives a message up after its last receive, with the error, and keeps the others', async () => {
    const queue = queueOf({
      size: 1,
      concurrency: 2,
      maxReceives: 3,
      invoke: async (batch) => {
        if (batch.Records.some((r) => r.body === 'poison')) throw new Error('store unavailable');
      },
    });
    const poison = queue.send('poison');
    const fine = queue.send('fine');
    expect(await poison).toEqual({ ok: false, error: 'store unavailable', receives: 3 });
    expect(await fine).toEqual({ ok: true });
    await queue.drain();
    expect(queue.depth()).toBe(0);
  });

  it('never runs more batches at once than its concurrency', async () => {
    let running = 0;
    let most = 0;
    const queue = queueOf({
      size: 1,
      concurrency: 2,
      invoke: async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 2));
        running--;
      },
    });
    await Promise.all(Array.from({ length: 8 }, (_, i) => queue.send(String(i))));
    expect(most).toBe(2);
  });

  it('refuses a batch size or concurrency that is not a positive integer', () => {
    const invoke = async () => undefined;
    expect(() => queueOf({ size: 0, invoke })).toThrow(/batch size must be a positive integer, not 0/);
    expect(() => queueOf({ concurrency: 1.5, invoke })).toThrow(
      /concurrency must be a positive integer, not 1.5/,
    );
  });
});
