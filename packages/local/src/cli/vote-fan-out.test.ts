import { capacityAssumptions } from '@ballotstream/core';
import { voteAccepted } from '@ballotstream/events';
import { type Trigger, triggers } from '@ballotstream/functions/triggers';
import { describe, expect, it } from 'vitest';
import { fanOutCosts, voteFanOut } from './vote-fan-out';

const withoutStep = (name: string) => triggers.filter((t) => t.name !== name);
const withoutPublishing = (type: string): Trigger[] =>
  triggers.map((t) => ({ ...t, publishes: t.publishes.filter((p) => p !== type) }));

describe('the fan-out of a vote, from the trigger table', () => {
  const fanOut = voteFanOut(triggers, 1);

  it('follows the vote message through its rule, the accepted event and every subscriber of it', () => {
    const names = fanOut.steps.map((s) => s.name);
    expect(names).toContain('verifyVoter');
    expect(names).toContain('ingestVote');
    for (const t of triggers)
      if (t.kind === 'event' && t.pattern['detail-type'].includes(voteAccepted.type))
        expect(names).toContain(t.name);
    expect(fanOut.iotMessages).toBe(1);
    expect(fanOut.apiRequests).toBe(1);
    expect(fanOut.eventsByType[voteAccepted.type]).toBe(1);
  });

  it('forwards an accepted vote to the secondary region once, whatever subscribes to it there', () => {
    expect(fanOut.crossRegionEvents).toBe(1);
    expect(voteFanOut(withoutStep('recordVoteSecondary'), 1).crossRegionEvents).toBe(0);
  });

  it('drops when a hop is removed: a subscriber, or an event', () => {
    const lessOneSubscriber = voteFanOut(withoutStep('watchVotesAccepted'), 1);
    expect(lessOneSubscriber.lambdaInvocations).toBeLessThan(fanOut.lambdaInvocations);
    expect(lessOneSubscriber.sqsRequests).toBeLessThan(fanOut.sqsRequests);
    const noAccepted = voteFanOut(withoutPublishing(voteAccepted.type), 1);
    expect(noAccepted.events).toBeLessThan(fanOut.events);
    const prices = capacityAssumptions.prices;
    expect(fanOutCosts(noAccepted, prices).totalUsd).toBeLessThan(fanOutCosts(fanOut, prices).totalUsd);
  });

  it('counts a batched step once a batch, with a queue send per item and a receive and delete per batch', () => {
    const ingest = triggers.find((t) => t.name === 'ingestVote');
    if (ingest?.kind !== 'topic-rule' || ingest.batch === undefined)
      throw new Error('ingestVote reads in batches');
    const alone = voteFanOut(
      triggers
        .filter((t) => t.name === 'verifyVoter' || t.name === 'ingestVote')
        .map((t) => ({ ...t, publishes: [] })),
      1,
    );
    expect(alone.sqsRequests).toBeCloseTo(1 + 2 / ingest.batch.size);
    expect(alone.lambdaInvocations).toBeCloseTo(1 + 1 / ingest.batch.size);
  });

  it('says plainly when the table has no verification route or vote rule', () => {
    expect(() => voteFanOut(withoutStep('verifyVoter'), 1)).toThrow(/POST \/verifications/);
    expect(() => voteFanOut(withoutStep('ingestVote'), 1)).toThrow(/no topic rule reads/);
  });
});
