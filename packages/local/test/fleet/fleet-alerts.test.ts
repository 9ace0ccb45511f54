import { defaultMonitoring, recordKeys, registerOfficer } from '@ballotstream/core';
import { type OutboxEntry, readOutbox } from '@ballotstream/core/adapters/local';
import { type EventBridgeEnvelope, topics } from '@ballotstream/events';
import { BoothGateway, PressRefusedError } from '@ballotstream/gateway';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantBallotToken, machineTlsFor, signedVote } from '../../src/casting/casting-load';
import { type DemoElection, type DemoMachine, seedDemoElection } from '../../src/demo/seed';
import { type Runtime, startRuntime } from '../../src/runtime/runtime';

// Thresholds shrunk from minutes to about a second, so each incident happens within a test.
const monitoring = defaultMonitoring({
  votes: { silenceMs: 1_500, burstVotes: 5, burstWindowMs: 10_000 },
  liveness: { silentAfterMs: 1_500, offlineAfterMs: 1_000 },
  fleet: { positionMinIntervalMs: 0 },
});

let runtime: Runtime;
let election: DemoElection;
const seen: EventBridgeEnvelope[] = [];
const clients: MqttClient[] = [];
const gateways: BoothGateway[] = [];
/** Delay from the event to the officer's notification, per scenario, for the report. */
const delays: Record<string, number> = {};

const machine = (id: string): DemoMachine => election.machines.find((m) => m.machineId === id)!;
// A booth of about 200 m square around a point in New Delhi: [lon, lat], closed.
const ring = [
  [77.208, 28.613],
  [77.21, 28.613],
  [77.21, 28.615],
  [77.208, 28.615],
  [77.208, 28.613],
];

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  // One-second buckets, so a vote cast after a block falls in a bucket that began after it.
  runtime = await startRuntime({
    runSchedules: false,
    mqttTls: true,
    config: { monitoring, bucketMs: 1_000 },
  });
  runtime.bus.listen((e) => seen.push(e));
  election = await seedDemoElection(runtime.deps, {
    regions: 2,
    constituenciesPerRegion: 1,
    candidatesPerConstituency: 3,
    boothsPerConstituency: 3,
    voters: 6,
  });
  const { records } = runtime.deps;
  for (const m of election.machines) {
    await records.update('registry', recordKeys.booth(m.boothId), { geofence: ring });
    await records.put('registry', {
      ...recordKeys.boothMachine(m.boothId, m.machineId),
      machineId: m.machineId,
    });
  }
  for (const [officerId, regionId] of [
    ['officer-1', 'region-1'],
    ['officer-2', 'region-2'],
  ] as const) {
    await registerOfficer(records, {
      officerId,
      regionId,
      phone: '+919800000001',
      email: `${officerId}@example.org`,
      notifyBy: ['sms', 'email'],
      minSeverity: 'warning',
    });
  }
});

afterAll(async () => {
  for (const c of clients) c.end(true);
  await Promise.allSettled(gateways.map((g) => g.stop()));
  await runtime?.stop();
  process.stdout.write(`notification delays (ms from event to outbox): ${JSON.stringify(delays)}\n`);
});

async function connectAs(machineId: string, clientId = machineId): Promise<MqttClient> {
  const tls = (await machineTlsFor(runtime, machineId))!;
  const client = await mqtt.connectAsync(runtime.mqttUrl, {
    clientId,
    key: tls.keyPem,
    cert: tls.certPem,
    ca: tls.caPem,
    reconnectPeriod: 0,
  });
  client.on('error', () => undefined);
  clients.push(client);
  return client;
}

async function gatewayFor(m: DemoMachine): Promise<BoothGateway> {
  const gateway = new BoothGateway({
    stage: runtime.deps.config.stage,
    machineId: m.machineId,
    boothId: m.boothId,
    electionId: election.electionId,
    constituencyId: m.constituencyId,
    privateKey: m.privateKey,
    mqttUrl: runtime.mqttUrl,
    tls: await machineTlsFor(runtime, m.machineId),
    bucketMs: runtime.deps.config.bucketMs,
  });
  gateways.push(gateway);
  await gateway.start();
  await gateway.connected();
  return gateway;
}

async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The outbox entries of one kind of incident about one machine or booth. */
async function notificationsOf(kind: string, about: string): Promise<OutboxEntry[]> {
  const entries = await readOutbox(runtime.deps.records);
  return entries.filter(
    (e) =>
      e.attributes.kind === kind &&
      (e.body.includes(`Machine:     ${about}`) || e.body.includes(`Booth:       ${about}`)),
  );
}

/**
 * Waits (up to the 5 s) until the region's officer is told of the incident, lets any
 * duplicates arrive, then checks it was exactly one notification, to that officer alone.
 */
async function expectOneNotification(kind: string, about: string, officerId: string, since: number) {
  const first = await eventually(async () => {
    const found = await notificationsOf(kind, about);
    return found.length > 0 ? found[0] : undefined;
  }, 5000);
  delays[kind] = first.at - since;
  await runtime.bus.drain();
  await new Promise((r) => setTimeout(r, 300));
  await runtime.bus.drain();
  const all = await notificationsOf(kind, about);
  expect(all.map((e) => e.officerId)).toEqual([officerId]);
  expect(all[0]!.sms.length).toBeLessThanOrEqual(160);
  return all[0]!;
}

function fix(lon: number, lat: number) {
  return JSON.stringify({ lon, lat, accuracyM: 5, sampledAt: Date.now() });
}

describe('incidents reach the right officer, once', () => {
  it('a machine carried out of its booth geofence', async () => {
    const m = machine('m-1-1-1');
    const client = await connectAs(m.machineId);
    const topic = topics.position(runtime.deps.config.stage, m.machineId);
    await client.publishAsync(topic, fix(77.209, 28.614), { qos: 1 });
    await client.publishAsync(topic, fix(77.2091, 28.6141), { qos: 1 });
    const carriedOut = Date.now();
    await client.publishAsync(topic, fix(77.25, 28.7), { qos: 1 });
    await client.publishAsync(topic, fix(77.26, 28.71), { qos: 1 });
    const sent = await expectOneNotification('off-geofence', m.machineId, 'officer-1', carriedOut);
    expect(sent.sms).toMatch(/^CRITICAL: Machine left booth at booth-1-1-1/);
    const exits = seen.filter(
      (e) => e.source === 'aws.geo' && (e.detail as { EventType: string }).EventType === 'EXIT',
    );
    expect(exits).toHaveLength(1);
    expect(exits[0]).toMatchObject({
      'detail-type': 'Location Geofence Event',
      detail: { GeofenceId: 'booth-1-1-1', DeviceId: m.machineId, Position: [77.25, 28.7] },
    });
    const history = await runtime.deps.tracker.history({ deviceId: m.machineId, ...m }, 0, Date.now() + 1000);
    expect(history).toHaveLength(4);
  });

  it('a burst of votes after a long silence', async () => {
    const m = machine('m-1-1-2');
    const gateway = await gatewayFor(m);
    const candidate = election.candidates.get(m.constituencyId)![0]!;
    const token = () => grantBallotToken(runtime.deps.records, election.electionId, m, Date.now() + 60_000);
    await gateway.cast(await token(), candidate);
    await gateway.drained();
    await new Promise((r) => setTimeout(r, monitoring.votes.silenceMs + 200));
    const tokens = await Promise.all(Array.from({ length: 5 }, token));
    const burstStart = Date.now();
    for (const t of tokens) await gateway.cast(t, candidate);
    await gateway.drained();
    await expectOneNotification('burst-after-silence', m.machineId, 'officer-1', burstStart);
  });

  it("an SOS blocks the booth's machines, which cast nothing until their region's officer clears them", async () => {
    const m = machine('m-2-1-1');
    const gateway = await gatewayFor(m);
    const staff = await connectAs(m.machineId, `${m.machineId}.sos`).catch(() => undefined);
    // Booth staff press SOS on the machine; its gateway publishes on the machine's own topic.
    const sosAt = Date.now();
    const publisher = staff ?? (await connectAs(m.machineId));
    await publisher.publishAsync(
      topics.sos(runtime.deps.config.stage, m.machineId),
      JSON.stringify({ note: 'booth stormed' }),
      {
        qos: 1,
      },
    );
    const sent = await expectOneNotification('sos', m.boothId, 'officer-2', sosAt);
    expect(sent.sms).toContain('SOS at booth-2-1-1');

    await eventually(async () => (gateway.isBlocked() ? true : undefined), 5000);
    const token = await grantBallotToken(runtime.deps.records, election.electionId, m, Date.now() + 60_000);
    await expect(gateway.cast(token, election.candidates.get(m.constituencyId)![0]!)).rejects.toBeInstanceOf(
      PressRefusedError,
    );

    // Firmware that ignores the block is refused by ingest all the same, for a vote cast after it.
    await new Promise((r) => setTimeout(r, runtime.deps.config.bucketMs));
    await gateway.stop();
    const rogue = await connectAs(m.machineId, m.machineId);
    const castAt = Date.now() - (Date.now() % runtime.deps.config.bucketMs);
    const vote = signedVote(
      m,
      election.electionId,
      election.candidates.get(m.constituencyId)![0]!,
      castAt,
      token,
    );
    await rogue.publishAsync(topics.votes(runtime.deps.config.stage, m.machineId), JSON.stringify(vote), {
      qos: 1,
    });
    await runtime.bus.drain();
    const outcome = seen
      .filter((e) => (e.detail as { voteId?: string }).voteId === vote.voteId)
      .map((e) => e['detail-type']);
    expect(outcome).toEqual(['vote.rejected']);
    const stored = await runtime.deps.records.get('registry', recordKeys.machine(m.machineId));
    expect(stored).toMatchObject({ blocked: true, blockedBy: 'sos' });

    // Only an officer of the machine's region clears it, through the API; the machine hears at once.
    const unblock = (regionId: string) =>
      fetch(`${runtime.httpUrl}/machines/${m.machineId}/unblock`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${runtime.tokens.mint({ role: 'officer', regionId })}`,
        },
        body: JSON.stringify({ reason: 'police on site, booth secured' }),
      });
    expect((await unblock('region-1')).status).toBe(404);
    expect((await unblock('region-2')).status).toBe(200);
    // The same gateway, restarted, remembers its block until the retained unblock reaches it.
    await gateway.start();
    await gateway.connected();
    await eventually(async () => (gateway.isBlocked() ? undefined : true), 5000);
    const fresh = await grantBallotToken(runtime.deps.records, election.electionId, m, Date.now() + 60_000);
    const cast = await gateway.cast(fresh, election.candidates.get(m.constituencyId)![0]!);
    await eventually(async () =>
      seen.find(
        (e) =>
          e['detail-type'] === 'vote.accepted' && (e.detail as { voteId: string }).voteId === cast.voteId,
      ),
    );
  });

  it('an authorization-failure storm from a machine probing another machine’s topics', async () => {
    const impostor = machine('m-2-1-2');
    const victim = machine('m-2-1-3');
    const stormAt = Date.now();
    for (let i = 0; i < 5; i++) {
      const client = await connectAs(impostor.machineId);
      // The broker answers a refused publish by dropping it (and may close the connection).
      await client
        .publishAsync(topics.votes(runtime.deps.config.stage, victim.machineId), '{}', { qos: 0 })
        .catch(() => undefined);
      await new Promise((r) => setTimeout(r, 50));
      client.end(true);
    }
    await expectOneNotification('authorization-failures', impostor.machineId, 'officer-2', stormAt);
  });

  it('a machine that goes quiet during polls', async () => {
    const m = machine('m-1-1-3');
    const client = await connectAs(m.machineId);
    await client.publishAsync(topics.position(runtime.deps.config.stage, m.machineId), fix(77.209, 28.614), {
      qos: 1,
    });
    await new Promise((r) => setTimeout(r, monitoring.liveness.silentAfterMs + 200));
    const sweptAt = Date.now();
    await runtime.scheduler.runNow('anomalySweep');
    await expectOneNotification('machine-silent', m.machineId, 'officer-1', sweptAt);
    // A second sweep within the window counts up the same alert and tells no one again.
    await runtime.scheduler.runNow('anomalySweep');
    await runtime.bus.drain();
    expect((await notificationsOf('machine-silent', m.machineId)).map((e) => e.officerId)).toEqual([
      'officer-1',
    ]);
  });
});
