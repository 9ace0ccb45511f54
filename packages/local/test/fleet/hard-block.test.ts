import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultMonitoring, recordAuditLog } from '@ballotstream/core';
import { type EventBridgeEnvelope, topics } from '@ballotstream/events';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantBallotToken, machineTlsFor, signedVote } from '../../src/casting/casting-load';
import { type DemoElection, type DemoMachine, seedDemoElection } from '../../src/demo/seed';
import { type Runtime, startRuntime } from '../../src/runtime/runtime';

let runtime: Runtime;
let election: DemoElection;
const seen: EventBridgeEnvelope[] = [];
const clients: MqttClient[] = [];

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  // No grace after a block: the first vote refused for the block counts as the block ignored.
  // One-second buckets, so a vote cast after a block falls in a bucket that began after it.
  runtime = await startRuntime({
    runSchedules: false,
    mqttTls: true,
    config: { monitoring: defaultMonitoring({ fleet: { softBlockGraceMs: 0 } }), bucketMs: 1_000 },
  });
  runtime.bus.listen((e) => seen.push(e));
  election = await seedDemoElection(runtime.deps, {
    regions: 1,
    constituenciesPerRegion: 1,
    candidatesPerConstituency: 2,
    boothsPerConstituency: 2,
    voters: 2,
  });
});

afterAll(async () => {
  for (const c of clients) c.end(true);
  await runtime?.stop();
});

const machine = (id: string): DemoMachine => election.machines.find((m) => m.machineId === id)!;

/** Connects to a runtime's broker as the machine, with a certificate the election CA issued for it, over TLS. */
async function connectWith(r: Runtime, machineId: string): Promise<MqttClient> {
  const tls = (await machineTlsFor(r, machineId))!;
  const client = await mqtt.connectAsync(r.mqttUrl, {
    clientId: machineId,
    key: tls.keyPem,
    cert: tls.certPem,
    ca: tls.caPem,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
  });
  client.on('error', () => undefined);
  return client;
}

/** Connects as the machine to this file's runtime; the connection is ended after the tests. */
async function connectAs(machineId: string): Promise<MqttClient> {
  const client = await connectWith(runtime, machineId);
  clients.push(client);
  return client;
}

async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether a runtime's broker takes the machine's connection: true, or the reason it refused. */
const connectTo = (r: Runtime, machineId: string): Promise<true | string> =>
  connectWith(r, machineId).then(
    (client) => {
      client.end(true);
      return true as const;
    },
    (error: Error) => error.message,
  );

/** Whether this file's runtime takes the machine's connection now. */
const connects = (machineId: string) => connectTo(runtime, machineId);

const closed = (client: MqttClient) =>
  new Promise<void>((resolve) => (client.connected ? client.once('close', () => resolve()) : resolve()));

const clear = (machineId: string) =>
  fetch(`${runtime.httpUrl}/machines/${machineId}/unblock`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${runtime.tokens.mint({ role: 'admin' })}`,
    },
    body: JSON.stringify({ reason: 'booth secured' }),
  });

const audited = async (action: string, machineId: string) =>
  (await recordAuditLog(runtime.deps.records).read(1, 1_000)).filter(
    (entry) => entry.action === action && entry.subject === `machine/${machineId}`,
  );

describe('the hard block', () => {
  it('drops a machine on its booth’s second SOS and refuses it until it is cleared', async () => {
    const m = machine('m-1-1-1');
    const client = await connectAs(m.machineId);
    const sos = (note: string) =>
      client.publishAsync(topics.sos(runtime.deps.config.stage, m.machineId), JSON.stringify({ note }), {
        qos: 1,
      });
    await sos('first');
    await runtime.bus.drain();
    // The first SOS is a soft block: the machine stays connected and hears it on its control topic.
    expect(client.connected).toBe(true);
    expect(await connects('m-1-1-2')).toBe(true);

    const dropped = closed(client);
    await sos('again');
    await dropped;
    expect(await connects(m.machineId)).not.toBe(true);
    expect(await audited('machine.hard-blocked', m.machineId)).toHaveLength(1);

    expect((await clear(m.machineId)).status).toBe(200);
    await runtime.bus.drain();
    expect(await eventually(async () => ((await connects(m.machineId)) === true ? true : undefined))).toBe(
      true,
    );
    expect(await audited('machine.certificates-restored', m.machineId)).toHaveLength(1);
  });

  it('drops a machine that keeps sending votes after its block', async () => {
    const m = machine('m-1-1-2');
    const blocked = await fetch(`${runtime.httpUrl}/machines/${m.machineId}/block`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${runtime.tokens.mint({ role: 'admin' })}`,
      },
      body: JSON.stringify({ reason: 'tampering reported' }),
    });
    expect(blocked.status).toBe(200);
    await runtime.bus.drain();
    // Firmware that ignores the retained block casts in a bucket that began after it.
    await new Promise((r) => setTimeout(r, runtime.deps.config.bucketMs));
    const rogue = await connectAs(m.machineId);
    const token = await grantBallotToken(runtime.deps.records, election.electionId, m, Date.now() + 60_000);
    const bucket = Date.now() - (Date.now() % runtime.deps.config.bucketMs);
    const candidate = election.candidates.get(m.constituencyId)![0]!;
    const vote = signedVote(m, election.electionId, candidate, bucket, token);
    const dropped = closed(rogue);
    await rogue.publishAsync(topics.votes(runtime.deps.config.stage, m.machineId), JSON.stringify(vote), {
      qos: 1,
    });
    await dropped;
    expect(await connects(m.machineId)).not.toBe(true);
    const [entry] = await audited('machine.hard-blocked', m.machineId);
    expect(entry?.details).toMatchObject({ cause: 'soft-block-ignored' });
  });
});

describe('the hard block across a restart', () => {
  it('still refuses a hard-blocked machine after the runtime restarts, until it is cleared', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ballotstream-hard-block-'));
    const start = () => startRuntime({ runSchedules: false, mqttTls: true, dataDir });
    let first: Runtime | undefined = await start();
    let again: Runtime | undefined;
    try {
      const seeded = await seedDemoElection(first.deps, {
        regions: 1,
        constituenciesPerRegion: 1,
        candidatesPerConstituency: 2,
        boothsPerConstituency: 1,
        voters: 1,
      });
      const machineId = seeded.machines[0]!.machineId;
      expect(await first.deps.machineCertificates.setActive(machineId, false)).toBe(1);
      await first.stop();
      first = undefined;

      again = await start();
      const attempt = (r: Runtime) => connectTo(r, machineId);
      expect(await attempt(again)).toMatch(/not authori[sz]ed|inactive|refused/i);
      expect(await again.deps.machineCertificates.setActive(machineId, false)).toBe(0);
      expect(await again.deps.machineCertificates.setActive(machineId, true)).toBe(1);
      expect(await attempt(again)).toBe(true);
    } finally {
      await first?.stop();
      await again?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
