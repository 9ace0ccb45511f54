import { type Trigger, triggers } from '@ballotstream/functions/triggers';
import { describe, expect, it } from 'vitest';
import { streamMappingPlans } from './streams';

const all = triggers as readonly Trigger[];

describe('stream readers', () => {
  const plans = streamMappingPlans(all);

  it("read the voters table's stream in both regions, since a double shows in the loser's replica only", () => {
    const conflict = plans.filter((p) => p.trigger.name === 'detectVerificationConflict');
    expect(conflict.map((p) => [p.region, p.table])).toEqual([
      ['primary', 'voters'],
      ['secondary', 'voters'],
    ]);
  });

  it('hand the Lambda only replaced voter statuses, by a filter on the stream record', () => {
    const pattern = JSON.parse(plans[0]!.filterPattern) as Record<string, unknown>;
    expect(pattern).toEqual({
      eventName: ['MODIFY'],
      dynamodb: { Keys: { pk: { S: [{ prefix: 'voter#' }] } } },
    });
  });

  it('retry a failed record alone and then send it to the dead letters, never block the shard for good', () => {
    for (const plan of plans) {
      expect(plan.functionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(plan.bisectBatchOnFunctionError).toBe(true);
      expect(plan.maximumRetryAttempts).toBeGreaterThanOrEqual(1);
      expect(plan.maximumRecordAgeInSeconds).toBeLessThanOrEqual(24 * 3600);
      expect(plan.onFailure).toBe('dead-letters');
      // DynamoDB Streams: up to 10,000 records and a 300 s window per invocation.
      expect(plan.batchSize).toBeLessThanOrEqual(10_000);
      expect(plan.maximumBatchingWindowInSeconds).toBeLessThanOrEqual(300);
    }
  });

  it('plan one mapping per region for every stream trigger and none for other kinds', () => {
    expect(plans).toHaveLength(2 * all.filter((t) => t.kind === 'stream').length);
  });
});
