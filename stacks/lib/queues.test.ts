import { TOPIC_RULE_RETRIES, type Trigger, triggers } from '@ballotstream/functions/triggers';
import { describe, expect, it } from 'vitest';
import { eventRulePlans } from './event-rules';
import { asyncInvokePlan, FUNCTION_SETTINGS, invokedAsynchronously } from './functions';
import {
  BATCH_QUEUE_RETENTION_SECONDS,
  batchQueuePlans,
  DEAD_LETTER_RETENTION_SECONDS,
  eventRuleQueuePolicy,
  MIN_RECEIVE_COUNT,
  redrivePolicy,
  topicRuleQueuePolicy,
} from './queues';
import { topicRulePlans } from './topic-rules';

const stage = 'election-2026';
const all = triggers as readonly Trigger[];
const byName = (name: string) => all.find((t) => t.name === name)!;
const withBatch = (name: string, size: number, windowSeconds: number) =>
  ({ ...byName(name), batch: { size, windowSeconds } }) as Trigger;

describe('batch queues', () => {
  const plans = batchQueuePlans(stage, all);
  const plan = (name: string) => plans.find((p) => p.trigger.name === name)!;

  it('exist for exactly the triggers that read in batches, the vote steps among them', () => {
    const batched = all.filter((t) => (t.kind === 'event' || t.kind === 'topic-rule') && t.batch);
    expect(plans.map((p) => p.trigger.name)).toEqual(batched.map((t) => t.name));
    expect(plans.map((p) => p.trigger.name)).toEqual(
      expect.arrayContaining([
        'ingestVote',
        'recordVotePrimary',
        'recordVoteSecondary',
        'watchVotesAccepted',
      ]),
    );
    expect(all.filter((t) => t.kind === 'http' || t.kind === 'schedule').some((t) => plan(t.name))).toBe(
      false,
    );
  });

  it("live in their Lambda's region: the secondary recorder's in the secondary, ingest's where IoT Core runs", () => {
    expect(plan('recordVoteSecondary').region).toBe('secondary');
    expect(plan('recordVotePrimary').region).toBe('primary');
    expect(plan('ingestVote').region).toBe('primary');
    expect(plan('ingestVote').writer).toBe('topic-rule');
    expect(plan('recordVoteSecondary').writer).toBe('event-rule');
  });

  it('are named from the stage and the trigger, as SQS allows, one name per queue', () => {
    expect(plan('recordVotePrimary').queueName).toBe('ballotstream-election-2026-recordVotePrimary');
    for (const p of plans) expect(p.queueName).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(new Set(plans.map((p) => p.queueName)).size).toBe(plans.length);
    expect(() => batchQueuePlans('s'.repeat(70), all)).toThrow(
      /trigger ingestVote: queue name .* 80 characters/,
    );
  });

  it("hide a message taken by the reader for at least six times the function's timeout", () => {
    for (const p of plans) {
      const timeout = Number.parseInt(FUNCTION_SETTINGS[p.trigger.kind].timeout, 10);
      expect(p.visibilityTimeoutSeconds, p.trigger.name).toBeGreaterThanOrEqual(6 * timeout);
    }
    expect(plan('recordVotePrimary').visibilityTimeoutSeconds).toBe(180);
    expect(plan('ingestVote').visibilityTimeoutSeconds).toBe(60);
  });

  it('deliver a message at least 5 times, and at least as often as the local bus or broker would, before dead-lettering it', () => {
    expect(MIN_RECEIVE_COUNT).toBe(5);
    for (const p of plans) {
      const local = p.trigger.kind === 'event' ? p.trigger.retries + 1 : TOPIC_RULE_RETRIES + 1;
      expect(p.maxReceiveCount, p.trigger.name).toBe(Math.max(5, local));
      expect(p.maxReceiveCount, p.trigger.name).toBeGreaterThanOrEqual(5);
    }
    expect(plan('recordVotePrimary').maxReceiveCount).toBe(5);
    expect(JSON.parse(redrivePolicy(plan('ingestVote'), 'arn:aws:sqs:ap-south-1:123456789012:dlq'))).toEqual({
      deadLetterTargetArn: 'arn:aws:sqs:ap-south-1:123456789012:dlq',
      maxReceiveCount: 5,
    });
  });

  it('keep messages for less time than the dead-letter queues do, and refuse otherwise', () => {
    for (const p of plans) expect(p.messageRetentionSeconds).toBeLessThan(DEAD_LETTER_RETENTION_SECONDS);
    expect(DEAD_LETTER_RETENTION_SECONDS).toBeLessThanOrEqual(14 * 24 * 3600);
    expect(() => batchQueuePlans(stage, all, BATCH_QUEUE_RETENTION_SECONDS)).toThrow(
      /redriven message would expire/,
    );
  });

  it('tell the operators of a backlog before the redeliveries run out, never within a healthy batching window', () => {
    for (const p of plans) {
      expect(p.backlogAlarmSeconds).toBeGreaterThan(p.visibilityTimeoutSeconds);
      expect(p.backlogAlarmSeconds).toBeGreaterThan(p.maximumBatchingWindowInSeconds);
      expect(p.backlogAlarmSeconds).toBeLessThan(p.visibilityTimeoutSeconds * p.maxReceiveCount);
    }
  });

  it("read with the trigger's batch size and window", () => {
    for (const p of plans) {
      expect(p.batchSize).toBe(p.trigger.batch.size);
      expect(p.maximumBatchingWindowInSeconds).toBe(p.trigger.batch.windowSeconds);
    }
    expect(plan('recordVotePrimary')).toMatchObject({ batchSize: 100, maximumBatchingWindowInSeconds: 1 });
  });

  it('refuse, naming the trigger, batch settings the SQS event source mapping would refuse', () => {
    const plansFor = (trigger: Trigger) => () => batchQueuePlans(stage, [trigger]);
    expect(plansFor(withBatch('recordVotePrimary', 11, 0))).toThrow(
      /trigger recordVotePrimary: batch size 11 is above 10, so SQS needs windowSeconds of at least 1/,
    );
    expect(plansFor(withBatch('ingestVote', 10_001, 1))).toThrow(
      /trigger ingestVote: batch size must be .* 10,000/,
    );
    expect(plansFor(withBatch('ingestVote', 0, 1))).toThrow(/trigger ingestVote: batch size/);
    expect(plansFor(withBatch('ingestVote', 2.5, 1))).toThrow(/trigger ingestVote: batch size/);
    expect(plansFor(withBatch('watchVotesAccepted', 100, 301))).toThrow(
      /trigger watchVotesAccepted: batch windowSeconds/,
    );
    expect(plansFor(withBatch('watchVotesAccepted', 100, -1))).toThrow(
      /trigger watchVotesAccepted: batch windowSeconds/,
    );
    const oneInstance = { ...withBatch('watchVotesAccepted', 100, 1), reservedConcurrency: 1 } as Trigger;
    expect(plansFor(oneInstance)).toThrow(
      /trigger watchVotesAccepted: batch reads a queue.*reservedConcurrency 1/,
    );
    expect(batchQueuePlans(stage, [withBatch('watchVotesAccepted', 10, 0)])[0]!.batchSize).toBe(10);
    expect(batchQueuePlans(stage, [withBatch('watchVotesAccepted', 10_000, 1)])[0]!.batchSize).toBe(10_000);
  });
});

describe('what writes to a batch queue', () => {
  const queued = new Set(batchQueuePlans(stage, all).map((p) => p.trigger.name));

  it('is the EventBridge rule or the IoT rule of exactly the batch triggers; the others still invoke the Lambda', () => {
    const eventPlans = eventRulePlans(all);
    const rulePlans = topicRulePlans(stage, all);
    for (const p of eventPlans)
      expect(p.target, p.trigger.name).toBe(queued.has(p.trigger.name) ? 'queue' : 'lambda');
    for (const p of rulePlans)
      expect(p.action, p.trigger.name).toBe(queued.has(p.trigger.name) ? 'sqs' : 'lambda');
    const writers = [
      ...eventPlans.filter((p) => p.target === 'queue'),
      ...rulePlans.filter((p) => p.action === 'sqs'),
    ].map((p) => p.trigger.name);
    expect(new Set(writers)).toEqual(queued);
    expect(eventPlans.some((p) => p.target === 'lambda')).toBe(true);
  });

  it('lets only its own EventBridge rule send, and the IoT action role send to its own queue only', () => {
    const queue = 'arn:aws:sqs:ap-south-1:123456789012:q';
    const rule = 'arn:aws:events:ap-south-1:123456789012:rule/ballotstream/r';
    expect(eventRuleQueuePolicy(queue, rule).Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queue,
        Condition: { ArnEquals: { 'aws:SourceArn': rule } },
      },
    ]);
    expect(topicRuleQueuePolicy(queue).Statement).toEqual([
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queue },
    ]);
  });

  it("leaves batch triggers' Lambdas without async retries: the queue redelivers instead", () => {
    for (const trigger of all) {
      expect(invokedAsynchronously(trigger), trigger.name).toBe(
        (trigger.kind === 'event' || trigger.kind === 'topic-rule') && !queued.has(trigger.name),
      );
    }
  });

  it('give every asynchronously invoked Lambda async retries and the dead letters as on-failure destination', () => {
    const asynchronous = all.filter(invokedAsynchronously);
    // The SOS, position and result-record rules invoke their Lambdas asynchronously.
    expect(asynchronous.map((t) => t.name)).toEqual(
      expect.arrayContaining(['sos', 'trackPosition', 'checkResultRecord']),
    );
    for (const trigger of asynchronous) {
      const plan = asyncInvokePlan(trigger);
      expect(plan, trigger.name).toBeDefined();
      expect(plan!.onFailure, trigger.name).toBe('dead-letters');
      expect(plan!.retries, trigger.name).toBeGreaterThanOrEqual(1);
      expect(plan!.retries, trigger.name).toBeLessThanOrEqual(2);
    }
    for (const trigger of all.filter((t) => !invokedAsynchronously(t))) {
      expect(asyncInvokePlan(trigger), trigger.name).toBeUndefined();
    }
  });
});
