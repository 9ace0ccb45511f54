import { recordKeys } from '@ballotstream/core';
import type { EventBridgeEnvelope } from '@ballotstream/events';
import { accepted } from '@ballotstream/functions/anomaly/watch';
import { handler as verifyVoter } from '@ballotstream/functions/verification/verify-voter';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoVoter, enrolDemoVoters, seedDemoElection } from '../../src/demo/seed';
import { boothVerificationEvent } from '../../src/runtime/booth-event';
import { lambdaContext } from '../../src/runtime/handlers';
import { type Runtime, startRuntime } from '../../src/runtime/runtime';

let runtime: Runtime;
let away: DemoVoter | undefined;
const seen: EventBridgeEnvelope[] = [];
const context = lambdaContext('test');
type Entry = (event: unknown, context: Context) => Promise<unknown>;
const invoke = (entry: unknown, event: unknown) => (entry as Entry)(event, context);

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  runtime = await startRuntime({ runSchedules: false });
  runtime.bus.listen((e) => seen.push(e));
  await seedDemoElection(runtime.deps, {
    regions: 1,
    constituenciesPerRegion: 1,
    candidatesPerConstituency: 2,
    boothsPerConstituency: 1,
    voters: 1,
  });
  // Registered at another booth: a visitor at booth-1-1-1.
  [away] = await enrolDemoVoters(runtime.deps, 2, 1, runtime.deps.clock.now(), () => 'booth-elsewhere');
  await runtime.deps.records.update('registry', recordKeys.booth('booth-1-1-1'), { electorate: 5 });
});

afterAll(async () => {
  await runtime?.stop();
});

const envelope = (id: string, type: string, detail: unknown): EventBridgeEnvelope => ({
  version: '0',
  id,
  'detail-type': type,
  source: type.startsWith('vote.') ? 'ballotstream.casting' : 'ballotstream.verification',
  account: '000000000000',
  time: new Date().toISOString(),
  region: 'local',
  resources: [],
  detail,
});

const vote = (n: number) =>
  envelope(`event-${n}`, 'vote.accepted', {
    voteId: `vote-${n}`,
    electionId: 'e-1',
    constituencyId: 'c-1-1',
    boothId: 'booth-1-1-1',
    machineId: 'm-1-1-1',
    candidateId: 'cand-1',
    bucketStart: 0,
  });

/** A queue batch as SQS hands it over; a redelivered event comes back under a new message id. */
const batch = (votes: readonly EventBridgeEnvelope[], delivery: string) => ({
  Records: votes.map((v, i) => ({ messageId: `${delivery}-${i}`, body: JSON.stringify(v) })),
});

const turnoutFindings = () =>
  seen.filter(
    (e) =>
      e['detail-type'] === 'anomaly.detected' &&
      (e.detail as { rule: string }).rule === 'turnout-above-electorate',
  );

describe('the watchers under redelivery', () => {
  it('count a visitor and each vote once, however often they are retried or delivered', async () => {
    // The booth retries one attempt after a lost answer: one visitor, counted in the verification.
    const body = JSON.stringify({
      ticket: away!.ticket,
      fingerprint: away!.fingerprint,
      boothId: 'booth-1-1-1',
      machineId: 'm-1-1-1',
      attemptId: 'attempt-of-the-booth-1',
    });
    const answers = [
      await invoke(verifyVoter, boothVerificationEvent(body, 'booth-1-1-1')),
      await invoke(verifyVoter, boothVerificationEvent(body, 'booth-1-1-1')),
    ];
    expect(answers.map((a) => (a as { statusCode: number }).statusCode)).toEqual([201, 201]);
    // Nothing else listens to grants: none is put on the bus.
    expect(seen.filter((e) => e['detail-type'] === 'voter.verified')).toEqual([]);
    // Electorate 5 and one visitor: six votes are allowed, even delivered twice each.
    const six = [1, 2, 3, 4, 5, 6].map(vote);
    await invoke(accepted, batch(six, 'first'));
    await invoke(accepted, batch(six, 'again'));
    await invoke(accepted, batch(six.slice(2, 4), 'third'));
    await runtime.bus.drain();
    expect(turnoutFindings()).toEqual([]);
    // The seventh vote is one more than the booth can have: one finding.
    await invoke(accepted, batch([vote(7)], 'fourth'));
    await runtime.bus.drain();
    expect(turnoutFindings()).toHaveLength(1);
    expect(turnoutFindings()[0]!.detail).toMatchObject({
      boothId: 'booth-1-1-1',
      evidence: { votes: 7, electorate: 5, visitors: 1 },
    });
  });
});
