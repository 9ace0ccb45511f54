import type { EventBridgeEnvelope } from '@ballotstream/events';
import { BoothGateway } from '@ballotstream/gateway';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoElection, type DemoMachine, seedDemoElection } from '../src/demo/seed';
import { type Runtime, startRuntime } from '../src/runtime/runtime';

let runtime: Runtime;
let election: DemoElection;
const seen: EventBridgeEnvelope[] = [];

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  runtime = await startRuntime({ runSchedules: false });
  runtime.bus.listen((e) => seen.push(e));
  election = await seedDemoElection(runtime.deps, {
    regions: 2,
    constituenciesPerRegion: 1,
    candidatesPerConstituency: 3,
    boothsPerConstituency: 2,
    voters: 10,
  });
});

afterAll(async () => {
  await runtime?.stop();
});

async function post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${runtime.httpUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      // Booth routes admit only a booth's token, as the API's JWT authorizer does.
      authorization: `Bearer ${runtime.tokens.mint({ role: 'booth', subject: 'slice-booth' })}`,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function gatewayFor(machine: DemoMachine): BoothGateway {
  return new BoothGateway({
    stage: runtime.deps.config.stage,
    machineId: machine.machineId,
    boothId: machine.boothId,
    electionId: election.electionId,
    constituencyId: machine.constituencyId,
    privateKey: machine.privateKey,
    mqttUrl: runtime.mqttUrl,
    bucketMs: runtime.deps.config.bucketMs,
  });
}

describe('one vote end to end through the embedded runtime', () => {
  it('verifies a voter, casts over MQTT, records in both regions and shows the tally', async () => {
    const [machine, otherMachine] = election.machines as [DemoMachine, DemoMachine];
    const voter = election.voters[0]!;
    const verified = await post('/verifications', {
      ticket: voter.ticket,
      fingerprint: voter.fingerprint,
      boothId: machine.boothId,
      machineId: machine.machineId,
    });
    expect(verified.status).toBe(201);
    expect(verified.body.ballotToken).toEqual(expect.any(String));

    const again = await post('/verifications', {
      ticket: voter.ticket,
      fingerprint: voter.fingerprint,
      boothId: otherMachine.boothId,
      machineId: otherMachine.machineId,
    });
    expect(again).toEqual({ status: 409, body: { error: 'already-voted', message: expect.any(String) } });
    // The refusal tags the voter for the repeat-voter rule without naming them.
    await runtime.bus.drain();
    const refusal = seen.find((e) => e['detail-type'] === 'voter.rejected')?.detail as Record<
      string,
      unknown
    >;
    expect(refusal).toMatchObject({
      reason: 'already-voted',
      voterTag: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
    });
    expect(JSON.stringify(refusal)).not.toContain(voter.voterId);

    const candidate = election.candidates.get(machine.constituencyId)![1]!;
    const gateway = gatewayFor(machine);
    await gateway.start();
    const cast = await gateway.cast(String(verified.body.ballotToken), candidate);
    await gateway.drained();
    await gateway.stop();
    expect(gateway.pending()).toBe(0);

    await runtime.bus.drain();
    const accepted = seen.find((e) => e['detail-type'] === 'vote.accepted');
    expect(accepted?.detail).toMatchObject({ voteId: cast.voteId, candidateId: candidate });
    const { primary, secondary } = runtime.deps.voteStores;
    const window = [0, Number.MAX_SAFE_INTEGER] as const;
    for (const store of [primary, secondary]) {
      expect(await store.tally(election.electionId, ...window)).toEqual([
        { constituencyId: machine.constituencyId, candidateId: candidate, votes: 1 },
      ]);
    }

    await runtime.scheduler.runNow('materialiseTallies');
    await runtime.bus.drain();
    const tallies = await (await fetch(`${runtime.httpUrl}/tallies?level=constituency`)).json();
    expect(tallies).toMatchObject({
      totalVotes: 1,
      lines: [{ scope: machine.constituencyId, candidateId: candidate, votes: 1 }],
    });
    const byRegion = (await (await fetch(`${runtime.httpUrl}/tallies?level=region`)).json()) as {
      lines: unknown[];
    };
    expect(byRegion.lines).toEqual([{ scope: machine.regionId, candidateId: candidate, votes: 1 }]);
    expect(
      seen.some(
        (e) =>
          e['detail-type'] === 'tally.materialised' &&
          (e.detail as { agreement: string }).agreement === 'agree',
      ),
    ).toBe(true);
  });

  it('refuses a malformed body with a message naming the bad field, and keeps serving', async () => {
    const bad = await post('/verifications', {
      ticket: 'x',
      fingerprint: 'not base64!',
      boothId: 7,
      machineId: 'm',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid-input');
    const problems = (bad.body.problems as string[]).join('\n');
    expect(problems).toMatch(/^fingerprint: /m);
    expect(problems).toMatch(/^boothId: /m);

    const notJson = await post('/verifications', '{"ticket": ');
    expect(notJson).toEqual({
      status: 400,
      body: { error: 'invalid-input', where: 'body', problems: ['is not valid JSON'] },
    });

    const health = await fetch(`${runtime.httpUrl}/health`);
    expect(health.status).toBe(200);
    expect(
      ((await health.json()) as { rejections: Record<string, number> }).rejections[
        'verifyVoter:invalid-input'
      ],
    ).toBe(2);
  });

  it('refuses a malformed MQTT vote with a reason naming the bad field, and still accepts a good one', async () => {
    const machine = election.machines[2]!;
    const client = await mqtt.connectAsync(runtime.mqttUrl, { clientId: machine.machineId });
    const topic = `ballotstream/${runtime.deps.config.stage}/machines/${machine.machineId}/votes`;
    await client.publishAsync(topic, JSON.stringify({ voteId: 'v-1', candidateId: 42 }), { qos: 1 });
    await client.publishAsync(topic, 'this is not json', { qos: 1 });
    await client.endAsync();
    await runtime.bus.drain();
    const rejected = seen
      .filter((e) => e['detail-type'] === 'vote.rejected')
      .map((e) => e.detail as { reason: string; detail: string });
    expect(rejected).toHaveLength(2);
    expect(rejected[0]).toMatchObject({ reason: 'malformed' });
    expect(rejected[0]!.detail).toMatch(/candidateId: /);
    expect(rejected[1]).toMatchObject({ reason: 'malformed', detail: 'payload: is not valid JSON' });

    const voter = election.voters[1]!;
    const verified = await post('/verifications', {
      ticket: voter.ticket,
      fingerprint: voter.fingerprint,
      boothId: machine.boothId,
      machineId: machine.machineId,
    });
    const gateway = gatewayFor(machine);
    await gateway.start();
    const cast = await gateway.cast(
      String(verified.body.ballotToken),
      election.candidates.get(machine.constituencyId)![0]!,
    );
    await gateway.drained();
    await gateway.stop();
    await runtime.bus.drain();
    expect(
      seen.some(
        (e) =>
          e['detail-type'] === 'vote.accepted' && (e.detail as { voteId: string }).voteId === cast.voteId,
      ),
    ).toBe(true);
  });
});
