import { randomUUID } from 'node:crypto';
import { testServiceUrls } from '@ballotstream/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UndeclaredEventError } from '../src/declared-publisher';
import { SNS_SUBSCRIBERS } from '../src/links';
import { rejectionCounts } from '../src/shared/observability';
import { type Trigger, triggers } from '../src/triggers';
import { CASES, type Case, snsDelivery, TIMESTREAM_CASES } from './cases';
import { Harness, seedElection } from './harness';
import { deniedRequests, isAllowed } from './iam';
import { HARNESS_VOTE_STORE, type PlannedStep, plannedStatements, useVoteStore } from './plan';
import { startAwsWorld } from './world';

const urls = testServiceUrls();
const steps: readonly PlannedStep[] = [...(triggers as readonly Trigger[]), ...SNS_SUBSCRIBERS];

let harness: Harness;
/** What each step's run sent, for the test that removes grants. */
const runs = new Map<string, Awaited<ReturnType<Harness['invoke']>>[]>();

beforeAll(async () => {
  const world = await startAwsWorld({
    tablePrefix: 'ballotstream-test-',
    postgresUrl: urls.postgres ?? 'postgres://postgres@127.0.0.1:5432/test',
    redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
  });
  harness = new Harness(world, await seedElection(world, steps[0]!));
  harness.onInvocation = (step, invocation) => {
    runs.set(step.name, [...(runs.get(step.name) ?? []), invocation]);
  };
});

afterAll(async () => {
  await harness?.world.close();
  // The link carries no Redis database, so the cache's claim groups are removed by the election id.
  if (harness !== undefined) await harness.world.forgetCacheKeys([harness.seed.electionId]);
});

describe('every Lambda of the trigger table on its AWS wiring', () => {
  it('has a case for every trigger and SNS subscriber, and none for a step that is gone', () => {
    expect(steps.filter((s) => CASES[s.name] === undefined).map((s) => s.name)).toEqual([]);
    const names = new Set(steps.map((s) => s.name));
    expect(Object.keys(CASES).filter((n) => !names.has(n))).toEqual([]);
  });

  for (const step of steps) {
    const c: Case | undefined = CASES[step.name];
    if (c === undefined) continue;
    it(`${step.name}: ${c.expectation}`, async () => {
      await c.run(harness, step as never);
    });
  }
});

describe('the IAM check of the harness', () => {
  it("refuses ingestVote's run once its role loses the grant to put events on the bus", () => {
    const step = steps.find((s) => s.name === 'ingestVote')!;
    const requests = (runs.get(step.name) ?? []).flatMap((i) => i.requests);
    const statements = plannedStatements(step);
    expect(deniedRequests(statements, requests)).toEqual([]);
    const without = statements.filter((s) => !s.actions.includes('events:PutEvents'));
    expect(without).toHaveLength(statements.length - 1);
    expect(deniedRequests(without, requests)).toEqual([
      {
        action: 'events:PutEvents',
        resource: 'arn:aws:events:ap-south-1:123456789012:event-bus/ballotstream-test',
      },
    ]);
  });

  it('fails when any one grant a run used is taken from its role', () => {
    let checked = 0;
    for (const step of steps) {
      const requests = (runs.get(step.name) ?? []).flatMap((i) => i.requests);
      const statements = plannedStatements(step);
      statements.forEach((statement, i) => {
        const used = requests.some((r) => isAllowed([statement], r));
        if (!used) return;
        checked++;
        const without = statements.filter((_, j) => j !== i);
        expect(
          deniedRequests(without, requests),
          `${step.name} without ${statement.actions.join(',')}`,
        ).not.toEqual([]);
      });
    }
    expect(checked).toBeGreaterThan(40);
  });
});

describe('the steps that reach a vote store, on a Timestream blueprint', () => {
  const reachesVoteStores = steps.filter((s) => 'reaches' in s && s.reaches?.voteStores !== undefined);
  beforeAll(() => useVoteStore('timestream'));
  afterAll(() => useVoteStore(HARNESS_VOTE_STORE));

  it('has a case for every step that reaches a vote store', () => {
    expect(
      reachesVoteStores.filter((s) => TIMESTREAM_CASES[s.name] === undefined).map((s) => s.name),
    ).toEqual([]);
  });

  for (const step of reachesVoteStores) {
    const c = TIMESTREAM_CASES[step.name];
    if (c === undefined) continue;
    it(`${step.name}: ${c.expectation}`, async () => {
      await c.run(harness, step);
    });
  }
});

describe('what the steps published', () => {
  it('held every run to the events its trigger declares, none refused', () => {
    expect(runs.size).toBeGreaterThan(0);
    const refused = [...rejectionCounts().keys()].filter((key) => key.endsWith(':undeclared-event'));
    expect(refused).toEqual([]);
  });
});

describe('a deployed step publishing what its trigger does not declare', () => {
  // Runs after every case: the refusal it counts is meant, not one of theirs.
  it('is refused and counted on the environment its stack plans, with no step on the context', async () => {
    const declared = steps.find((s) => s.name === 'defenderAlarm')!;
    // The same Lambda planned from a declaration naming another event: linked to the bus and
    // allowed to put events on it, so only the declaration stands between its event and the bus.
    const undeclaring = { ...declared, publishes: ['anomaly.detected'] } as unknown as PlannedStep;
    const alarm = {
      violationId: randomUUID(),
      thingName: harness.seed.machines[0]!.machineId,
      securityProfileName: 'ballotstream-test',
      behavior: { name: 'auth-failures', metric: 'aws:num-authorization-failures' },
      metricValue: { count: 40 },
      violationEventType: 'in-alarm',
      violationEventTime: Date.now(),
    };
    const counted = () => rejectionCounts().get('defenderAlarm:undeclared-event') ?? 0;
    const before = counted();
    const run = await harness.invoke(undeclaring, snsDelivery('defender-alerts', alarm));
    expect(run.error).toBeInstanceOf(UndeclaredEventError);
    expect((run.error as Error).message).toBe(
      'defenderAlarm published defender.violation, which its trigger does not declare',
    );
    expect(counted()).toBe(before + 1);
    expect(run.calls.filter((c) => c.service === 'events')).toEqual([]);
    // Its planned declaration lets the same alarm through.
    const allowed = await harness.invoke(
      declared,
      snsDelivery('defender-alerts', { ...alarm, violationId: randomUUID() }),
    );
    expect(allowed.error).toBeUndefined();
    expect(allowed.calls.filter((c) => c.service === 'events')).toHaveLength(1);
  });
});
