import type { EventBridgeEnvelope, QueueBatch } from '@ballotstream/events';
import { describe, expect, it } from 'vitest';
import { LocalBus } from './local-bus';

const voteAccepted = {
  source: 'ballotstream.casting',
  detailType: 'vote.accepted',
  detail: { voteId: 'v1', n: 3 },
};

describe('the local event bus', () => {
  it('delivers the EventBridge envelope to subscribers whose pattern matches', async () => {
    const bus = new LocalBus({ region: 'eu-west-1' });
    const seen: EventBridgeEnvelope[] = [];
    bus.subscribe({
      name: 'recorder',
      pattern: { source: ['ballotstream.casting'], 'detail-type': ['vote.accepted'] },
      retries: 0,
      invoke: async (e) => seen.push(e),
    });
    await bus.publish([voteAccepted]);
    await bus.drain();
    expect(seen).toHaveLength(1);
    const envelope = seen[0]!;
    expect(envelope).toMatchObject({
      version: '0',
      'detail-type': 'vote.accepted',
      source: 'ballotstream.casting',
      region: 'eu-west-1',
      resources: [],
      detail: { voteId: 'v1', n: 3 },
    });
    expect(envelope.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(envelope.time))).toBe(false);
  });

  it('does not deliver to subscribers whose pattern does not match', async () => {
    const bus = new LocalBus();
    let calls = 0;
    bus.subscribe({
      name: 'big-votes-only',
      pattern: { source: ['ballotstream.casting'], detail: { n: [{ numeric: ['>', 5] }] } },
      retries: 0,
      invoke: async () => {
        calls++;
      },
    });
    await bus.publish([voteAccepted]);
    await bus.drain();
    expect(calls).toBe(0);
  });

  it('gives each subscriber its own copy of the detail', async () => {
    const bus = new LocalBus();
    const details: unknown[] = [];
    const pattern = { source: ['ballotstream.casting'] };
    bus.subscribe({
      name: 'a',
      pattern,
      retries: 0,
      invoke: async (e) => {
        (e.detail as { n: number }).n = 99;
      },
    });
    bus.subscribe({ name: 'b', pattern, retries: 0, invoke: async (e) => void details.push(e.detail) });
    await bus.publish([voteAccepted]);
    await bus.drain();
    expect(voteAccepted.detail.n).toBe(3);
    expect(details).toEqual([{ voteId: 'v1', n: 3 }]);
  });

  it('retries a failing target with backoff and succeeds when it recovers', async () => {
    const bus = new LocalBus({ backoffMs: 1 });
    let attempts = 0;
    bus.subscribe({
      name: 'flaky',
      pattern: { source: ['ballotstream.casting'] },
      retries: 2,
      invoke: async () => {
        attempts++;
        if (attempts < 3) throw new Error('store down');
      },
    });
    await bus.publish([voteAccepted]);
    await bus.drain();
    expect(attempts).toBe(3);
    expect(bus.deadLetters()).toHaveLength(0);
  });

  it('keeps an event that failed every attempt in a readable dead-letter list', async () => {
    const bus = new LocalBus({ backoffMs: 1 });
    bus.subscribe({
      name: 'broken',
      pattern: { source: ['ballotstream.casting'] },
      retries: 1,
      invoke: async () => {
        throw new Error('store down');
      },
    });
    await bus.publish([voteAccepted]);
    await bus.drain();
    expect(bus.deadLetters()).toEqual([
      expect.objectContaining({ subscription: 'broken', error: 'store down', attempts: 2 }),
    ]);
    expect(bus.deadLetters()[0]!.envelope.detail).toEqual(voteAccepted.detail);
  });

  it('delivers asynchronously: publishing never waits for a target', async () => {
    const bus = new LocalBus();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    bus.subscribe({
      name: 'slow',
      pattern: { source: ['ballotstream.casting'] },
      retries: 0,
      invoke: () => gate,
    });
    await bus.publish([voteAccepted]);
    expect(bus.deliveredCount()).toBe(0);
    release();
    await bus.drain();
    expect(bus.deliveredCount()).toBe(1);
  });

  it('hands a queue-reading target its events in batches whose bodies are the envelopes', async () => {
    const bus = new LocalBus();
    const batches: EventBridgeEnvelope[][] = [];
    bus.subscribe({
      name: 'recorder',
      pattern: { source: ['ballotstream.casting'], 'detail-type': ['vote.accepted'] },
      retries: 0,
      batch: { size: 3, concurrency: 1 },
      invoke: async (batch: QueueBatch) => {
        batches.push(batch.Records.map((r) => JSON.parse(r.body) as EventBridgeEnvelope));
        return { batchItemFailures: [] };
      },
    });
    await bus.publish(
      Array.from({ length: 5 }, (_, n) => ({ ...voteAccepted, detail: { voteId: `v${n}`, n } })),
    );
    await bus.drain();
    expect(batches.map((b) => b.map((e) => e.detail))).toEqual([
      [
        { voteId: 'v0', n: 0 },
        { voteId: 'v1', n: 1 },
        { voteId: 'v2', n: 2 },
      ],
      [
        { voteId: 'v3', n: 3 },
        { voteId: 'v4', n: 4 },
      ],
    ]);
    expect(batches[0]![0]).toMatchObject({ version: '0', 'detail-type': 'vote.accepted' });
    expect(bus.deliveredCount()).toBe(5);
  });

  it('dead-letters only the events a batch target reported as failed on every receive', async () => {
    const bus = new LocalBus({ backoffMs: 1 });
    let invocations = 0;
    bus.subscribe({
      name: 'picky',
      pattern: { source: ['ballotstream.casting'] },
      retries: 1,
      batch: { size: 10, concurrency: 1 },
      invoke: async (batch: QueueBatch) => {
        invocations++;
        const bad = batch.Records.filter(
          (r) =>
            (JSON.parse(r.body) as EventBridgeEnvelope).detail !== null &&
            (JSON.parse(r.body) as { detail: { n: number } }).detail.n === 2,
        );
        return { batchItemFailures: bad.map((r) => ({ itemIdentifier: r.messageId })) };
      },
    });
    await bus.publish([1, 2, 3].map((n) => ({ ...voteAccepted, detail: { voteId: `v${n}`, n } })));
    await bus.drain();
    expect(invocations).toBe(2);
    expect(bus.deliveredCount()).toBe(2);
    expect(bus.deadLetters()).toEqual([
      expect.objectContaining({
        subscription: 'picky',
        attempts: 2,
        envelope: expect.objectContaining({ detail: { voteId: 'v2', n: 2 } }),
      }),
    ]);
  });

  it('routes by detail type without losing a pattern that matches it otherwise, or a late subscriber', async () => {
    const bus = new LocalBus();
    const seen: string[] = [];
    const record = (name: string) => async () => void seen.push(name);
    bus.subscribe({
      name: 'named',
      pattern: { 'detail-type': ['vote.accepted'] },
      retries: 0,
      invoke: record('named'),
    });
    bus.subscribe({
      name: 'other',
      pattern: { 'detail-type': ['vote.rejected'] },
      retries: 0,
      invoke: record('other'),
    });
    bus.subscribe({
      name: 'prefix',
      pattern: { 'detail-type': [{ prefix: 'vote.' }] },
      retries: 0,
      invoke: record('prefix'),
    });
    bus.subscribe({
      name: 'source',
      pattern: { source: ['ballotstream.casting'] },
      retries: 0,
      invoke: record('source'),
    });
    await bus.publish([voteAccepted]);
    await bus.drain();
    bus.subscribe({
      name: 'late',
      pattern: { 'detail-type': ['vote.accepted'] },
      retries: 0,
      invoke: record('late'),
    });
    await bus.publish([voteAccepted]);
    await bus.drain();
    expect(seen.sort()).toEqual(['late', 'named', 'named', 'prefix', 'prefix', 'source', 'source']);
  });
});
