import { spawnSync } from 'node:child_process';
import { sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { rawPublicKey, recordKeys } from '@ballotstream/core';
import { type EventBridgeEnvelope, resultSigningBytes, topics } from '@ballotstream/events';
import { BoothGateway, PressRefusedError } from '@ballotstream/gateway';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantBallotToken, machineTlsFor, publishVotes, signedVote } from '../../src/casting/casting-load';
import { type DemoElection, type DemoMachine, seedDemoElection } from '../../src/demo/seed';
import { issueMachineCertificate } from '../../src/pki/election-ca';
import { type Runtime, startRuntime } from '../../src/runtime/runtime';

let runtime: Runtime;
let election: DemoElection;
let dir: string;
const seen: EventBridgeEnvelope[] = [];
const cli = resolve(import.meta.dirname, '../../src/cli.ts');

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  dir = mkdtempSync(join(tmpdir(), 'ballotstream-casting-'));
  runtime = await startRuntime({ runSchedules: false, mqttTls: true });
  runtime.bus.listen((e) => seen.push(e));
  election = await seedDemoElection(runtime.deps, {
    regions: 1,
    constituenciesPerRegion: 1,
    candidatesPerConstituency: 2,
    boothsPerConstituency: 4,
    voters: 0,
  });
});

afterAll(async () => {
  await runtime?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function eventually<T>(read: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const machine = (i: number): DemoMachine => election.machines[i]!;
const outcomeOf = (voteId: string) =>
  seen.find(
    (e) =>
      (e['detail-type'] === 'vote.accepted' || e['detail-type'] === 'vote.rejected') &&
      (e.detail as { voteId?: string }).voteId === voteId,
  );

async function gatewayFor(
  m: DemoMachine,
  queueDir: string,
  mqttUrl = runtime.mqttUrl,
): Promise<BoothGateway> {
  const tls = await machineTlsFor(runtime, m.machineId);
  return new BoothGateway({
    stage: runtime.deps.config.stage,
    machineId: m.machineId,
    boothId: m.boothId,
    electionId: election.electionId,
    constituencyId: m.constituencyId,
    privateKey: m.privateKey,
    mqttUrl,
    ...(tls === undefined ? {} : { tls }),
    bucketMs: runtime.deps.config.bucketMs,
    queueDir,
    retry: { initialMs: 50, maxMs: 500 },
  });
}

async function tryConnect(options: mqtt.IClientOptions): Promise<'connected' | 'refused'> {
  const client = mqtt.connect(runtime.mqttUrl, { reconnectPeriod: 0, connectTimeout: 3000, ...options });
  const outcome = await new Promise<'connected' | 'refused'>((resolve) => {
    client.once('connect', () => resolve('connected'));
    client.once('error', () => resolve('refused'));
    client.once('close', () => resolve('refused'));
  });
  await client.endAsync(true);
  return outcome;
}

describe('the broker admits machines by their certificate', () => {
  it('serves MQTT over TLS', () => {
    expect(runtime.mqttUrl.startsWith('mqtts://')).toBe(true);
  });

  it('refuses a client without a certificate from the election CA', async () => {
    const { caPem } = (await machineTlsFor(runtime, machine(0).machineId))!;
    expect(await tryConnect({ clientId: machine(0).machineId, ca: caPem })).toBe('refused');
  });

  it("refuses a machine that connects under another machine's id", async () => {
    const tls = (await machineTlsFor(runtime, machine(0).machineId))!;
    const options = { key: tls.keyPem, cert: tls.certPem, ca: tls.caPem };
    expect(await tryConnect({ ...options, clientId: machine(1).machineId })).toBe('refused');
    expect(await tryConnect({ ...options, clientId: machine(0).machineId })).toBe('connected');
  });

  it("never lets a machine publish on another machine's topic", async () => {
    const impostor = machine(0);
    const victim = machine(1);
    const tls = (await issueMachineCertificate(runtime.ca!, impostor.machineId))!;
    const token = await grantBallotToken(
      runtime.deps.records,
      election.electionId,
      victim,
      Date.now() + 60_000,
    );
    const vote = signedVote(victim, election.electionId, 'cand-1-1-1', Date.now() - 1000, token);
    const client = await mqtt.connectAsync(runtime.mqttUrl, {
      clientId: impostor.machineId,
      key: tls.keyPem,
      cert: tls.certPem,
      ca: tls.caPem,
      reconnectPeriod: 0,
    });
    client.on('error', () => undefined);
    const sent = client
      .publishAsync(topics.votes(runtime.deps.config.stage, victim.machineId), JSON.stringify(vote), {
        qos: 1,
      })
      .then(() => 'acknowledged')
      .catch(() => 'failed');
    const outcome = await Promise.race([sent, new Promise((r) => setTimeout(() => r('unanswered'), 1500))]);
    await client.endAsync(true);
    expect(outcome).not.toBe('acknowledged');
    expect(outcomeOf(vote.voteId)).toBeUndefined();
  });
});

describe('the booth gateway', () => {
  it('acknowledges a vote once it is on disk, and delivers it after a restart', async () => {
    const m = machine(0);
    const queueDir = join(dir, 'restart');
    // The broker is unreachable: the vote can only be on the gateway's disk.
    const offline = await gatewayFor(m, queueDir, 'mqtts://127.0.0.1:1');
    await offline.start();
    const token = await grantBallotToken(runtime.deps.records, election.electionId, m, Date.now() + 60_000);
    const receipt = await offline.cast(token, 'cand-1-1-1');
    expect(offline.pending()).toBe(1);
    await offline.stop();

    const online = await gatewayFor(m, queueDir);
    await online.start();
    expect(online.pending()).toBe(1);
    await online.drained();
    await online.stop();
    const outcome = await eventually(() => outcomeOf(receipt.voteId));
    expect(outcome['detail-type']).toBe('vote.accepted');
  });

  it('accepts a press only with a ballot token, and each token once', async () => {
    const gateway = await gatewayFor(machine(1), join(dir, 'press'));
    await gateway.start();
    await expect(gateway.cast('', 'cand-1-1-1')).rejects.toThrow(PressRefusedError);
    const token = await grantBallotToken(
      runtime.deps.records,
      election.electionId,
      machine(1),
      Date.now() + 60_000,
    );
    await gateway.cast(token, 'cand-1-1-1');
    await expect(gateway.cast(token, 'cand-1-1-2')).rejects.toMatchObject({ reason: 'token-already-used' });
    await gateway.drained();
    await gateway.stop();
  });

  it('obeys a retained block command at once and keeps obeying it after a restart', async () => {
    const m = machine(2);
    const queueDir = join(dir, 'block');
    const gateway = await gatewayFor(m, queueDir);
    await gateway.start();
    await gateway.connected();
    const control = { machineId: m.machineId, blocked: true, reason: 'left its booth', at: Date.now() };
    await runtime.broker.publish(
      topics.control(runtime.deps.config.stage, m.machineId),
      JSON.stringify(control),
      {
        retain: true,
      },
    );
    await eventually(() => (gateway.isBlocked() ? true : undefined));
    const token = await grantBallotToken(runtime.deps.records, election.electionId, m, Date.now() + 60_000);
    await expect(gateway.cast(token, 'cand-1-1-1')).rejects.toMatchObject({ reason: 'machine-blocked' });
    await gateway.stop();

    const offline = await gatewayFor(m, queueDir, 'mqtts://127.0.0.1:1');
    await offline.start();
    await expect(offline.cast(token, 'cand-1-1-1')).rejects.toMatchObject({ reason: 'machine-blocked' });
    await offline.stop();
  });
});

describe('ingest refuses every vote it cannot prove', () => {
  it('rejects each forged, misused or unverifiable vote with its reason and counts none of them', async () => {
    const { records, config } = runtime.deps;
    const [m, other, blocked] = [machine(0), machine(1), machine(3)];
    const now = Date.now();
    const bucket = now - (now % config.bucketMs);
    const grant = (x: DemoMachine) => grantBallotToken(records, election.electionId, x, now + 60_000);
    const candidate = 'cand-1-1-1';

    const good = signedVote(m, election.electionId, candidate, bucket, await grant(m));
    const reused = { ...signedVote(m, election.electionId, candidate, bucket, good.ballotToken) };
    const forged = signedVote(m, election.electionId, candidate, bucket, 'Zm9yZ2VkLXRva2VuLXZhbHVlLTEyMzQ1');
    const othersToken = signedVote(m, election.electionId, candidate, bucket, await grant(other));
    const tampered = {
      ...signedVote(m, election.electionId, candidate, bucket, await grant(m)),
      candidateId: 'cand-1-1-2',
    };
    const future = signedVote(m, election.electionId, candidate, bucket + 3_600_000, await grant(m));
    const expiredToken = await grantBallotToken(records, election.electionId, m, bucket - 1);
    const expired = signedVote(m, election.electionId, candidate, bucket, expiredToken);
    const { ballotToken: _dropped, ...withoutToken } = signedVote(
      m,
      election.electionId,
      candidate,
      bucket,
      await grant(m),
    );
    const ghost = { ...m, machineId: 'm-ghost' };
    const unknown = signedVote(ghost, election.electionId, candidate, bucket, await grant(m));

    // The blocked machine: votes cast before the block count, votes after it do not.
    const blockedAt = bucket;
    const before = signedVote(
      blocked,
      election.electionId,
      candidate,
      bucket - config.bucketMs,
      await grant(blocked),
    );
    const after = signedVote(blocked, election.electionId, candidate, bucket, await grant(blocked));
    const record = await records.get('registry', recordKeys.machine(blocked.machineId));
    await records.put('registry', { ...record!, blocked: true, blockedAt });

    const mTls = await machineTlsFor(runtime, m.machineId);
    const send = (machineId: string, tls: typeof mTls, messages: (object | string)[]) =>
      publishVotes({
        mqttUrl: runtime.mqttUrl,
        stage: config.stage,
        machineId,
        tls,
        messages: messages.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))),
        window: 1,
      });
    await send(m.machineId, mTls, [
      good,
      reused,
      forged,
      othersToken,
      tampered,
      future,
      expired,
      withoutToken,
      '{not json',
    ]);
    await send(blocked.machineId, await machineTlsFor(runtime, blocked.machineId), [before, after]);
    // The ghost has a certificate (issued by mistake) but no registry entry.
    await send(ghost.machineId, await machineTlsFor(runtime, ghost.machineId), [unknown]);

    const reasonOf = async (voteId: string) => {
      const e = await eventually(() => outcomeOf(voteId));
      return e['detail-type'] === 'vote.accepted' ? 'accepted' : (e.detail as { reason: string }).reason;
    };
    expect({
      good: await reasonOf(good.voteId),
      reused: await reasonOf(reused.voteId),
      forged: await reasonOf(forged.voteId),
      othersToken: await reasonOf(othersToken.voteId),
      tampered: await reasonOf(tampered.voteId),
      future: await reasonOf(future.voteId),
      expired: await reasonOf(expired.voteId),
      unknown: await reasonOf(unknown.voteId),
      before: await reasonOf(before.voteId),
      after: await reasonOf(after.voteId),
    }).toEqual({
      good: 'accepted',
      reused: 'token-reused',
      forged: 'unknown-token',
      othersToken: 'token-other-machine',
      tampered: 'bad-signature',
      future: 'future-bucket',
      expired: 'token-expired',
      unknown: 'unknown-machine',
      before: 'accepted',
      after: 'machine-blocked',
    });
    const rejections = seen
      .filter((e) => e['detail-type'] === 'vote.rejected')
      .map((e) => e.detail as { reason: string });
    expect(rejections.map((r) => r.reason)).toEqual(expect.arrayContaining(['no-token', 'malformed']));

    await runtime.bus.drain();
    const refusedIds = new Set(
      [reused, forged, othersToken, tampered, future, expired, unknown, after].map((v) => v.voteId),
    );
    const stored = await runtime.deps.voteStores.primary.votesOf(election.electionId, {});
    expect(stored.filter((v) => refusedIds.has(v.voteId))).toEqual([]);
    expect(stored.map((v) => v.voteId)).toEqual(expect.arrayContaining([good.voteId, before.voteId]));
  });
});

describe('signed result records at poll close', () => {
  it('verifies a record that matches the stored votes and flags one that does not', async () => {
    const m = machine(1);
    const gateway = await gatewayFor(m, join(dir, 'press'));
    await gateway.start();
    await gateway.connected();
    await runtime.bus.drain();
    const results = () => seen.filter((e) => e['detail-type'].startsWith('result.'));
    const honest = await gateway.closePoll();
    expect(honest.voteCount).toBe(1);
    const verified = await eventually(() => results()[0]);
    expect(verified['detail-type']).toBe('result.verified');

    // A record signed by the machine's key that claims one more vote than the cloud stored.
    const fields = { ...honest, voteCount: 2, counts: { ...honest.counts, 'cand-1-1-2': 1 } };
    const { signature: _old, ...unsigned } = fields;
    const forged = {
      ...unsigned,
      signature: sign(null, resultSigningBytes(unsigned), m.privateKey).toString('base64url'),
    };
    await publishResult(m, forged);
    const mismatched = await eventually(() => results()[1]);
    expect(mismatched['detail-type']).toBe('result.mismatched');
    expect((mismatched.detail as { problems: string[] }).problems).toEqual(
      expect.arrayContaining(['record counts 2 votes, the cloud stored 1']),
    );
    // A record that disagrees with the stored votes is a critical alert for the machine's region at once.
    const alert = await eventually(() =>
      seen.find((e) => {
        const d = e.detail as { kind?: string; machine?: string };
        return (
          e['detail-type'] === 'alert.raised' && d.kind === 'result-mismatch' && d.machine === m.machineId
        );
      }),
    );
    expect(alert.detail).toMatchObject({ severity: 'critical', booth: m.boothId, region: m.regionId });
    await gateway.stop();
  });

  it('lets anyone verify a record file with the machine key, and refuses an altered one', async () => {
    const m = machine(1);
    const gateway = await gatewayFor(m, join(dir, 'press'), 'mqtts://127.0.0.1:1');
    await gateway.start();
    const record = gateway.resultRecord();
    await gateway.stop();
    const good = join(dir, 'result.json');
    const altered = join(dir, 'altered.json');
    writeFileSync(good, JSON.stringify(record));
    writeFileSync(altered, JSON.stringify({ ...record, counts: { 'cand-1-1-1': 0, 'cand-1-1-2': 1 } }));
    const key = rawPublicKey(m.privateKey);
    const run = (file: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', cli, 'verify-result', file, '--public-key', key], {
        encoding: 'utf8',
      });
    const ok = run(good);
    expect({ status: ok.status, stderr: ok.stderr, error: ok.error?.message }).toMatchObject({ status: 0 });
    expect(ok.stdout).toContain(`valid: signed by machine ${m.machineId}`);
    const bad = run(altered);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('does NOT verify');
  });
});

async function publishResult(m: DemoMachine, record: object): Promise<void> {
  const tls = (await machineTlsFor(runtime, m.machineId))!;
  const client = await mqtt.connectAsync(runtime.mqttUrl, {
    clientId: m.machineId,
    key: tls.keyPem,
    cert: tls.certPem,
    ca: tls.caPem,
  });
  await client.publishAsync(topics.results(runtime.deps.config.stage, m.machineId), JSON.stringify(record), {
    qos: 1,
  });
  await client.endAsync();
}
