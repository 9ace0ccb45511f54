import { spawn, spawnSync } from 'node:child_process';
import { createHash, sign } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { recordKeys } from '@ballotstream/core';
import {
  type Bulletin,
  canonicalJson,
  type EventBridgeEnvelope,
  type ResultRecord,
  resultSigningBytes,
  type SignedResultFields,
  topics,
  voteIdsDigestInput,
} from '@ballotstream/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectMachine,
  grantBallotToken,
  machineTlsFor,
  publishVotes,
  signedVote,
} from '../../src/casting/casting-load';
import { type DemoElection, type DemoMachine, seedDemoElection } from '../../src/demo/seed';
import { issueMachineCertificate } from '../../src/pki/election-ca';
import { type Runtime, startRuntime } from '../../src/runtime/runtime';

// The platform's clock runs ahead of the wall clock when the test moves time past the close.
let ahead = 0;
const clock = { now: () => Date.now() + ahead };
let runtime: Runtime;
let election: DemoElection;
let dir: string;
let closesAt: number;
const seen: EventBridgeEnvelope[] = [];
const cli = resolve(import.meta.dirname, '../../src/cli.ts');
/** What each machine actually cast, as its own record would state it. */
const cast = new Map<string, { candidateId: string; voteId: string; bucketStart: number }[]>();

const machine = (id: string): DemoMachine => election.machines.find((m) => m.machineId === id)!;
const admin = () => runtime.tokens.mint({ role: 'admin', subject: 'desk' });
const officer = (regionId: string) =>
  runtime.tokens.mint({ role: 'officer', regionId, subject: `o-${regionId}` });

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  dir = mkdtempSync(join(tmpdir(), 'ballotstream-close-'));
  runtime = await startRuntime({ runSchedules: false, mqttTls: true, clock });
  runtime.bus.listen((e) => seen.push(e));
  election = await seedDemoElection(runtime.deps, {
    regions: 2,
    constituenciesPerRegion: 1,
    candidatesPerConstituency: 2,
    boothsPerConstituency: 4,
    voters: 0,
  });
  const { records, config } = runtime.deps;
  closesAt = Date.now() + 3600_000;
  await records.put('registry', {
    ...recordKeys.registryEntity('election', config.electionId),
    electionId: config.electionId,
    name: 'General election',
    pollDay: new Date(closesAt).toISOString().slice(0, 10),
    opensAt: new Date(closesAt - 11 * 3600_000).toISOString(),
    closesAt: new Date(closesAt).toISOString(),
    timeZone: 'UTC',
  });
  // IoT Core holds each machine's certificate from the election CA; the bulletin publishes it.
  for (const m of election.machines) {
    const key = recordKeys.machine(m.machineId);
    const current = (await records.get('registry', key))!;
    const { certPem } = await issueMachineCertificate(runtime.ca!, m.machineId);
    await records.put('registry', { ...current, certificatePem: certPem });
  }
  // Each machine casts a few votes: candidate 1 twice, candidate 2 once, for 3 votes each.
  const bucketMs = config.bucketMs;
  const bucketStart = Math.floor(Date.now() / bucketMs) * bucketMs;
  await Promise.all(
    election.machines.map(async (m) => {
      const [first, second] = election.candidates.get(m.constituencyId)!;
      const votes = [];
      for (const candidateId of [first!, first!, second!]) {
        const token = await grantBallotToken(records, election.electionId, m, Date.now() + 60_000);
        votes.push(signedVote(m, election.electionId, candidateId, bucketStart, token));
      }
      cast.set(
        m.machineId,
        votes.map((v) => ({ candidateId: v.candidateId, voteId: v.voteId, bucketStart: v.bucketStart })),
      );
      await publishVotes({
        mqttUrl: runtime.mqttUrl,
        stage: config.stage,
        machineId: m.machineId,
        tls: await machineTlsFor(runtime, m.machineId),
        messages: votes,
        window: 4,
      });
    }),
  );
  await runtime.bus.drain();
});

afterAll(async () => {
  await runtime?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The record a machine's gateway signs at close, from what it cast, with the key given. */
function resultRecord(
  m: DemoMachine,
  signer = m,
  change: (counts: Record<string, number>) => void = () => {},
): ResultRecord {
  const votes = cast.get(m.machineId)!;
  const counts: Record<string, number> = {};
  for (const v of votes) counts[v.candidateId] = (counts[v.candidateId] ?? 0) + 1;
  change(counts);
  const fields: SignedResultFields = {
    electionId: election.electionId,
    machineId: m.machineId,
    boothId: m.boothId,
    constituencyId: m.constituencyId,
    counts,
    voteCount: votes.length,
    firstBucket: votes[0]!.bucketStart,
    lastBucket: votes[0]!.bucketStart,
    voteIdsHash: createHash('sha256')
      .update(voteIdsDigestInput(votes.map((v) => v.voteId)))
      .digest('hex'),
    closedAt: closesAt,
  };
  return {
    ...fields,
    signature: sign(null, resultSigningBytes(fields), signer.privateKey).toString('base64url'),
  };
}

async function publishResult(m: DemoMachine, record: ResultRecord): Promise<void> {
  const client = await connectMachine({
    mqttUrl: runtime.mqttUrl,
    machineId: m.machineId,
    tls: await machineTlsFor(runtime, m.machineId),
  });
  await client.publishAsync(topics.results(runtime.deps.config.stage, m.machineId), JSON.stringify(record), {
    qos: 1,
  });
  await client.endAsync();
}

async function call(method: string, path: string, token?: string, body?: unknown) {
  const response = await fetch(`${runtime.httpUrl}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the test reads the JSON answers field by field
  return { status: response.status, body: (await response.json()) as any };
}

function verifyElection(where: string) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', cli, 'verify-election', where], {
    encoding: 'utf8',
  });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

function verifyElectionAsync(where: string): Promise<{ status: number | null; out: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'verify-election', where]);
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    child.stderr.on('data', (d) => {
      out += String(d);
    });
    child.on('close', (status) => done({ status, out }));
  });
}

function writeBulletin(name: string, bulletin: Bulletin): string {
  const out = join(dir, name);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'bulletin.json'), JSON.stringify(bulletin));
  return out;
}

const alertsRaised = () =>
  seen
    .filter((e) => e['detail-type'] === 'alert.raised')
    .map((e) => e.detail as { kind: string; severity: string; machine?: string; region?: string });

// Region 1 (c-1-1): m-1-1-1 honest, m-1-1-2 moves one vote between candidates, m-1-1-3 never
// reports, m-1-1-4's record is signed with m-1-1-1's key. Region 2 (c-2-1): every machine honest.
describe('close of poll', () => {
  it('rolls up reconciled, disagreeing and missing machines per booth, constituency, region and nation', async () => {
    for (const m of election.machines.filter((x) => x.constituencyId === 'c-2-1'))
      await publishResult(m, resultRecord(m));
    await publishResult(machine('m-1-1-1'), resultRecord(machine('m-1-1-1')));
    await publishResult(
      machine('m-1-1-2'),
      resultRecord(machine('m-1-1-2'), undefined, (c) => {
        c['cand-1-1-1']! -= 1;
        c['cand-1-1-2']! += 1;
      }),
    );
    await publishResult(machine('m-1-1-4'), resultRecord(machine('m-1-1-4'), machine('m-1-1-1')));
    await runtime.bus.drain();

    const national = await call('GET', '/close/rollup', admin());
    expect(national.status).toBe(200);
    expect(national.body.nation).toEqual({ expected: 8, reconciled: 5, disagreeing: 2, missing: 1 });
    expect(national.body.regions).toEqual([
      { regionId: 'region-1', expected: 4, reconciled: 1, disagreeing: 2, missing: 1 },
      { regionId: 'region-2', expected: 4, reconciled: 4, disagreeing: 0, missing: 0 },
    ]);
    expect(national.body.booths).toContainEqual({
      boothId: 'booth-1-1-3',
      constituencyId: 'c-1-1',
      regionId: 'region-1',
      expected: 1,
      reconciled: 0,
      disagreeing: 0,
      missing: 1,
    });
    const unreconciled = national.body.unreconciled as {
      machineId: string;
      status: string;
      problems: string[];
    }[];
    expect(unreconciled.map((m) => [m.machineId, m.status])).toEqual([
      ['m-1-1-2', 'disagreeing'],
      ['m-1-1-3', 'missing'],
      ['m-1-1-4', 'disagreeing'],
    ]);
    expect(unreconciled[0]!.problems).toEqual(
      expect.arrayContaining([
        'candidate cand-1-1-1: record 1, stored 2',
        'candidate cand-1-1-2: record 2, stored 1',
      ]),
    );
    expect(unreconciled[2]!.problems).toEqual(['signature does not verify with the machine key']);

    // An officer sees their own region's roll-up only.
    const own = await call('GET', '/close/rollup', officer('region-2'));
    expect(own.body.nation).toEqual({ expected: 4, reconciled: 4, disagreeing: 0, missing: 0 });
    expect((await call('GET', '/close/rollup?regionId=region-1', officer('region-2'))).status).toBe(403);
    expect((await call('GET', '/close/rollup')).status).toBe(401);
  });

  it('alerts the region at once on a disagreeing record, and on a missing one after the grace: warning, then critical', async () => {
    const critical = alertsRaised().filter((a) => a.kind === 'result-mismatch');
    expect(critical.map((a) => [a.machine, a.severity, a.region]).sort()).toEqual([
      ['m-1-1-2', 'critical', 'region-1'],
      ['m-1-1-4', 'critical', 'region-1'],
    ]);
    const { missingWarningAfterMs, missingCriticalAfterMs } = runtime.deps.config.monitoring.closeOfPoll;
    const missing = () =>
      alertsRaised().filter((a) => a.kind.startsWith('result-missing') || a.kind === 'result-overdue');

    ahead = closesAt - Date.now() + missingWarningAfterMs - 60_000;
    await runtime.scheduler.runNow('checkMissingResults');
    await runtime.bus.drain();
    expect(missing()).toEqual([]);

    ahead = closesAt - Date.now() + missingWarningAfterMs + 1000;
    await runtime.scheduler.runNow('checkMissingResults');
    await runtime.scheduler.runNow('checkMissingResults');
    await runtime.bus.drain();
    expect(missing().map((a) => [a.kind, a.severity, a.machine, a.region])).toEqual([
      ['result-missing', 'warning', 'm-1-1-3', 'region-1'],
    ]);

    ahead = closesAt - Date.now() + missingCriticalAfterMs + 1000;
    await runtime.scheduler.runNow('checkMissingResults');
    await runtime.bus.drain();
    expect(missing().map((a) => [a.kind, a.severity, a.machine])).toEqual([
      ['result-missing', 'warning', 'm-1-1-3'],
      ['result-overdue', 'critical', 'm-1-1-3'],
    ]);
  });

  it('publishes a bulletin in which verify-election names each machine that is wrong', async () => {
    // Read from the route itself, as anyone would (the child needs this process's loop free).
    const fromUrl = await verifyElectionAsync(`${runtime.httpUrl}/bulletin`);
    expect(fromUrl.status).toBe(1);
    expect(fromUrl.out).toMatch(/DIFFERENCE: machine m-1-1-4 .*signed by machine m-1-1-1's key, not its own/);
    const answer = await call('GET', '/bulletin');
    expect(answer.status).toBe(200);
    const out = writeBulletin('before-exceptions', answer.body as Bulletin);
    const checked = verifyElection(out);
    expect(checked.status).toBe(1);
    expect(checked.out).toMatch(/DIFFERENCE: machine m-1-1-2 .*disagrees with the votes the platform stored/);
    expect(checked.out).toMatch(/DIFFERENCE: machine m-1-1-3 .*no result record \(it never reported\)/);
    expect(checked.out).toMatch(/DIFFERENCE: machine m-1-1-4 .*signed by machine m-1-1-1's key, not its own/);
    expect(checked.out).not.toMatch(/DIFFERENCE: .*c-2-1/);
  });

  it('certifies a constituency when every machine reconciles, or once its returning officer excuses each exception', async () => {
    const before = await call('GET', '/close/certification', admin());
    expect(before.status).toBe(200);
    const status = (body: { constituencies: unknown }) =>
      Object.fromEntries(
        (body.constituencies as { constituencyId: string; status: string }[]).map((c) => [
          c.constituencyId,
          c.status,
        ]),
      );
    expect(status(before.body)).toEqual({ 'c-1-1': 'pending', 'c-2-1': 'certified' });
    expect(before.body.constituencies[1].certifiedAt).toMatch(/^\d{4}-/);

    const excuse = (machineId: string, token: string) =>
      call('POST', '/close/constituencies/c-1-1/exceptions', token, {
        machineId,
        reason: `${machineId}: paper count agreed with the stored votes`,
      });
    expect((await excuse('m-1-1-1', officer('region-1'))).status).toBe(409);
    expect((await excuse('m-1-1-2', officer('region-2'))).status).toBe(404);
    expect((await excuse('m-1-1-2', officer('region-1'))).status).toBe(200);
    expect((await excuse('m-1-1-3', officer('region-1'))).status).toBe(200);
    expect(status((await call('GET', '/close/certification', admin())).body)['c-1-1']).toBe('pending');
    const last = await excuse('m-1-1-4', officer('region-1'));
    expect(last.body.certification).toMatchObject({
      constituencyId: 'c-1-1',
      basis: 'exceptions',
      exceptions: 3,
    });
    const after = await call('GET', '/close/certification', admin());
    expect(status(after.body)).toEqual({ 'c-1-1': 'certified', 'c-2-1': 'certified' });
    expect(after.body.allCertifiedAt).toBe(after.body.constituencies[0].certifiedAt);

    const audit = await call('GET', '/audit?limit=500', admin());
    const actions = (audit.body.entries as { action: string; subject: string }[]).filter(
      (e) => e.action === 'close.exception' || e.action === 'constituency.certified',
    );
    expect(actions.map((e) => `${e.action} ${e.subject}`)).toEqual([
      'constituency.certified constituency:c-2-1',
      'close.exception machine:m-1-1-2',
      'close.exception machine:m-1-1-3',
      'close.exception machine:m-1-1-4',
      'constituency.certified constituency:c-1-1',
    ]);
  });

  it('lets verify-election pass a bulletin that holds, and name an altered count', async () => {
    const bulletin = (await call('GET', '/bulletin')).body as Bulletin;
    const excused = verifyElection(writeBulletin('after-exceptions', bulletin));
    expect(excused.out).toMatch(/note: machine m-1-1-2 .*excused by the returning officer/);
    expect(excused.out).toMatch(/note: machine m-1-1-3 .*no result record/);
    // A record signed with another machine's key stays a difference even when excused.
    expect(excused.out).toMatch(/DIFFERENCE: machine m-1-1-4 .*signed by machine m-1-1-1's key/);
    expect(bulletin.body.constituencies.find((c) => c.constituencyId === 'c-1-1')).toMatchObject({
      countedMachines: ['m-1-1-1'],
      counts: { 'cand-1-1-1': 2, 'cand-1-1-2': 1 },
    });

    // Region 2's part alone, signed by the election key: every signature and chain holds.
    const key = runtime.deps.electionKey!;
    const part = {
      ...bulletin.body,
      machines: bulletin.body.machines.filter((m) => m.regionId === 'region-2'),
      constituencies: bulletin.body.constituencies.filter((c) => c.regionId === 'region-2'),
    };
    const clean = {
      ...bulletin,
      body: part,
      signature: Buffer.from(await key.sign(Buffer.from(canonicalJson(part)))).toString('base64url'),
    };
    const passed = verifyElection(writeBulletin('clean', clean));
    expect(passed).toMatchObject({ status: 0 });
    expect(passed.out).toContain('verified: every signature checks');
    expect(passed.out).toContain('4 machines, 4 signed records, 1 constituencies, 12 votes');

    // One count altered in a machine's record: its signature and the bulletin's no longer hold.
    const altered = JSON.parse(JSON.stringify(clean)) as Bulletin;
    const record = altered.body.machines.find((m) => m.machineId === 'm-2-1-3')!.record!;
    record.counts['cand-2-1-1']! -= 1;
    record.counts['cand-2-1-2']! += 1;
    const tampered = verifyElection(writeBulletin('altered-record', altered));
    expect(tampered.status).toBe(1);
    expect(tampered.out).toContain('DIFFERENCE: the bulletin is not signed by its election key');
    expect(tampered.out).toMatch(/DIFFERENCE: machine m-2-1-3 .*signature does not verify/);

    // One published count altered and signed again by whoever holds the election key: the
    // machine records do not add up to it.
    const inflated = JSON.parse(JSON.stringify(part)) as Bulletin['body'];
    inflated.constituencies[0]!.counts['cand-2-1-2']! += 1;
    inflated.constituencies[0]!.voteCount += 1;
    const resigned = {
      ...clean,
      body: inflated,
      signature: Buffer.from(await key.sign(Buffer.from(canonicalJson(inflated)))).toString('base64url'),
    };
    const recount = verifyElection(writeBulletin('altered-result', resigned));
    expect(recount.status).toBe(1);
    expect(recount.out).toContain(
      'DIFFERENCE: constituency c-2-1, candidate cand-2-1-2: published 5, the machine records add up to 4',
    );
    expect(recount.out).not.toContain('not signed by its election key');
  });

  it('exports the bulletin as static files a mirror can host', async () => {
    const { exportBulletin } = await import('../../src/close/bulletin-files');
    const out = join(dir, 'mirror');
    await exportBulletin(
      { records: runtime.deps.records, electionKey: runtime.deps.electionKey! },
      election.electionId,
      out,
      { now: clock.now(), caCertificatePem: runtime.ca!.certPem },
    );
    const files = JSON.parse(readFileSync(join(out, 'bulletin.json'), 'utf8')) as Bulletin;
    expect(files.body.machines).toHaveLength(8);
    expect(readFileSync(join(out, 'machines', 'm-2-1-1.json'), 'utf8')).toContain('"machineId":"m-2-1-1"');
    expect(verifyElection(out).out).toMatch(/DIFFERENCE: machine m-1-1-4 /);
  });
});
