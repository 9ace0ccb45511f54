import type { OutgoingEvent } from '@ballotstream/core/ports';
import { voteAccepted, voteRejected } from '@ballotstream/events';
import { beforeEach, describe, expect, it } from 'vitest';
import { declaredPublisher, outsideStep, runAsStep, UndeclaredEventError } from './declared-publisher';
import { rejectionCounts, resetRejectionCounts } from './shared/observability';

// The check reads only the detail-type; the detail is the publisher's to validate.
const accepted: OutgoingEvent = { source: voteAccepted.source, detailType: voteAccepted.type, detail: {} };

function recording() {
  const put: OutgoingEvent[] = [];
  return { put, publisher: declaredPublisher({ publish: async (events) => void put.push(...events) }) };
}

const ingest = { name: 'ingestVote', publishes: [voteAccepted.type, voteRejected.type] } as const;
const recordReceipt = { name: 'recordReceipt', publishes: [] } as const;

describe('the declared publisher', () => {
  beforeEach(() => resetRejectionCounts());

  it('passes on an event the running step declares', async () => {
    const { put, publisher } = recording();
    await runAsStep(ingest, () => publisher.publish([accepted]));
    expect(put.map((e) => e.detailType)).toEqual([voteAccepted.type]);
  });

  it('refuses an event the running step does not declare, puts nothing and counts it', async () => {
    const { put, publisher } = recording();
    await expect(runAsStep(recordReceipt, () => publisher.publish([accepted]))).rejects.toBeInstanceOf(
      UndeclaredEventError,
    );
    expect(put).toEqual([]);
    expect(rejectionCounts().get('recordReceipt:undeclared-event')).toBe(1);
  });

  it('holds each step to its own declaration across awaits, when steps interleave', async () => {
    const { put, publisher } = recording();
    const late = runAsStep(recordReceipt, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return publisher.publish([accepted]);
    });
    await runAsStep(ingest, () => publisher.publish([accepted]));
    await expect(late).rejects.toThrow('recordReceipt published vote.accepted');
    expect(put).toHaveLength(1);
  });

  it('passes everything on outside a step', async () => {
    const { put, publisher } = recording();
    await publisher.publish([accepted]);
    await runAsStep(recordReceipt, () => outsideStep(() => publisher.publish([accepted])));
    expect(put).toHaveLength(2);
  });
});
