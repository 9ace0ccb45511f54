import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Ballot,
  choiceOf,
  countBy,
  type Drill,
  materialisedTally,
  publishAs,
  secrecyBreaches,
  secretsOf,
  shuffledWith,
  signVote,
  startDrill,
  storedTotals,
  verify,
} from './evidence-harness';

describe('every vote message delivered twice and out of order', () => {
  let drill: Drill;
  let ballots: Ballot[];
  beforeAll(async () => {
    drill = await startDrill();
    ballots = (await verify(drill, 0, drill.election.voters.length)).granted;
  });
  afterAll(() => drill?.stop());

  it('counts each vote exactly once, rejects nothing, and stores no secret', async () => {
    const { runtime, election } = drill;
    const bucketMs = runtime.deps.config.bucketMs;
    expect(ballots).toHaveLength(election.voters.length);
    const votes = ballots.map((b) => signVote(election, b, choiceOf(election, b), bucketMs));
    const deliveries = shuffledWith(
      [...votes, ...votes].map((v) => ({ machineId: v.machineId, payload: JSON.stringify(v) })),
      20261127,
    );
    await publishAs(runtime.mqttUrl, runtime.deps.config.stage, deliveries);

    expect(await materialisedTally(drill)).toEqual(countBy(votes));
    expect(await storedTotals(drill)).toEqual({ primary: votes.length, secondary: votes.length });
    expect(new Set(drill.accepted)).toEqual(new Set(votes.map((v) => v.voteId)));
    expect(drill.rejected).toEqual([]);
    expect(runtime.bus.deadLetters()).toEqual([]);
    expect(runtime.broker.ruleFailures()).toEqual([]);

    const health = await fetch(`${runtime.httpUrl}/health`);
    expect(health.status).toBe(200);
    const dataDir = drill.dataDir;
    await runtime.stop();
    expect(await secrecyBreaches(dataDir, secretsOf(election, ballots), bucketMs)).toEqual([]);
  });
});
