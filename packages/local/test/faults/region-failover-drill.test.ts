import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VerificationRequest } from '@ballotstream/events';
import { BoothGateway } from '@ballotstream/gateway';
import { afterAll, describe, expect, it } from 'vitest';
import { localBusArn } from '../../src/bus/region-forwarding';
import { type RegionName, type Regions, startRegions } from '../../src/runtime/regions';
import type { Runtime } from '../../src/runtime/runtime';
import { type PrivateRedis, startPrivateRedis } from '../../src/testing/private-redis';
import { type LoadVoter, prepareVerificationLoad } from '../../src/testing/verification-load';

// The drill of issue 17: the primary region's broker, API and cache die mid-election; booths,
// gateways and the national desk carry on in the secondary, then the primary comes back.
const RACE_VOTERS = 100;
const BOOTHS = 4;
const AFTER_HANDOVER_VOTERS = 40;
const AFTER_RETURN_VOTERS = 40;
const SETTLE_MS = 1_500;

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(25);
  }
}

interface Answer {
  readonly status: number;
  readonly ballotToken?: string;
  readonly region: RegionName;
}

/**
 * A booth's verification client: it knows both regions' APIs (the failover record's two targets),
 * keeps its attempt id until it has an answer, and asks the other region when one does not answer
 * or says it does not own the voters now.
 */
async function boothVerify(
  apis: Record<RegionName, string>,
  headers: Record<string, string>,
  request: VerificationRequest,
): Promise<Answer> {
  let region: RegionName = 'primary';
  const deadline = Date.now() + 120_000;
  // Refused by both regions in turn, a booth waits longer each round (up to a second), so a
  // country of booths does not flood the surviving region while the desk hands over.
  let waitMs = 40;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${apis[region]}/verifications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(request),
      });
      const body = (await response.json()) as { ballotToken?: string };
      if (response.status !== 503) {
        return {
          status: response.status,
          region,
          ...(body.ballotToken === undefined ? {} : { ballotToken: body.ballotToken }),
        };
      }
    } catch {
      // The region's API is gone: the other one.
    }
    region = region === 'primary' ? 'secondary' : 'primary';
    await sleep(waitMs * (0.5 + Math.random()));
    if (region === 'primary') waitMs = Math.min(1_000, waitMs * 2);
  }
  throw new Error('a booth got no answer from either region in two minutes');
}

function attemptsOf(
  voter: LoadVoter,
  machines: readonly { boothId: string; machineId: string }[],
  n: number,
) {
  return machines.slice(0, n).map((m) => ({
    ticket: voter.ticket,
    fingerprint: voter.fingerprint,
    boothId: m.boothId,
    machineId: m.machineId,
    attemptId: randomBytes(16).toString('base64url'),
  }));
}

describe('losing the primary region mid-election', () => {
  it('fails over booths, gateways and verification to the secondary, and back, with every tally equal to the ground truth', async () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
    const dataDir = mkdtempSync(join(tmpdir(), 'bs-regions-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    let primaryCache: PrivateRedis | undefined = await startPrivateRedis();
    cleanups.push(() => primaryCache?.kill());
    // The cache the primary comes back with, started now while this process is small to fork.
    const returnCache = await startPrivateRedis();
    cleanups.push(() => returnCache.kill());
    const regions: Regions = await startRegions({
      dataDir,
      runSchedules: false,
      busBackoffMs: 10,
      mqttTls: false,
      config: { handoverSettleMs: SETTLE_MS },
      redisUrls: { primary: primaryCache.url },
    });
    cleanups.push(() => regions.stop());
    const live = (region: RegionName): Runtime => {
      const runtime = regions.runtime(region);
      if (runtime === undefined) throw new Error(`${region} is down`);
      return runtime;
    };
    const primary = live('primary');
    const secondary = live('secondary');
    const apis = { primary: primary.httpUrl, secondary: secondary.httpUrl };
    // Votes the secondary accepts (published on its own bus) must reach the primary's store by the
    // AWS path, the cross-region forwarding rule, exactly once.
    const acceptedInSecondary = new Set<string>();
    secondary.bus.listen((e) => {
      if (e['detail-type'] === 'vote.accepted' && e.resources.includes(localBusArn('secondary'))) {
        acceptedInSecondary.add((e.detail as { voteId: string }).voteId);
      }
    });
    const booth = {
      authorization: `Bearer ${primary.tokens.mint({ role: 'booth', subject: 'drill-booths' })}`,
    };
    const desk = {
      'content-type': 'application/json',
      authorization: `Bearer ${primary.tokens.mint({ role: 'admin', subject: 'national-desk' })}`,
    };
    const { config } = primary.deps;

    const load = await prepareVerificationLoad(primary.deps, {
      voters: RACE_VOTERS + AFTER_HANDOVER_VOTERS + AFTER_RETURN_VOTERS,
      booths: BOOTHS,
    });
    const machines = load.machines;
    const constituencyId = machines[0]!.constituencyId;
    const listed = (await (
      await fetch(`${apis.primary}/candidates?constituencyId=${constituencyId}`)
    ).json()) as {
      candidates: { candidateId: string }[];
    };
    const candidates = listed.candidates.map((c) => c.candidateId);
    expect(candidates.length).toBeGreaterThan(1);

    // Every machine's gateway knows both regions' brokers.
    const gateways = new Map<string, BoothGateway>();
    for (const machine of machines) {
      const queueDir = join(dataDir, 'gateways', machine.machineId);
      const gateway = new BoothGateway({
        stage: config.stage,
        machineId: machine.machineId,
        boothId: machine.boothId,
        electionId: config.electionId,
        constituencyId: machine.constituencyId,
        privateKey: machine.privateKey,
        mqttUrl: primary.mqttUrl,
        fallbackMqttUrls: [secondary.mqttUrl],
        failover: { unreachableMs: 1_000, ackTimeoutMs: 3_000, probePrimaryEveryMs: 500 },
        bucketMs: config.bucketMs,
        queueDir,
        retry: { initialMs: 50, maxMs: 300 },
      });
      await gateway.start();
      await gateway.connected();
      gateways.set(machine.machineId, gateway);
      cleanups.push(() => gateway.stop());
    }

    const truth = new Map<string, number>();
    let cast = 0;
    const castFor = async (
      answers: readonly Answer[],
      requests: readonly VerificationRequest[],
      offset: number,
    ) => {
      for (const [i, answer] of answers.entries()) {
        if (answer.ballotToken === undefined) continue;
        const candidate = candidates[(offset + i) % candidates.length]!;
        await gateways.get(requests[i]!.machineId)!.cast(answer.ballotToken, candidate);
        const key = `${constituencyId}#${candidate}`;
        truth.set(key, (truth.get(key) ?? 0) + 1);
        cast++;
      }
    };
    const expectOnePerVoter = (answers: readonly Answer[], voters: number, perVoter: number) => {
      const byStatus: Record<number, number> = {};
      for (const a of answers) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
      expect(byStatus).toEqual(
        perVoter === 1 ? { 201: voters } : { 201: voters, 409: voters * (perVoter - 1) },
      );
    };

    // The race: every voter at four booths at once; the primary dies while the answers come in.
    const raceVoters = load.voters.slice(0, RACE_VOTERS);
    const raceRequests = raceVoters.flatMap((v) => attemptsOf(v, machines, BOOTHS));
    let answered = 0;
    let killedAt = 0;
    let handedAt = 0;
    const raceAnswers = Promise.all(
      raceRequests.map(async (request, i) => {
        // Booths start over a short spread, as voters arrive.
        await sleep((i % 40) * 5);
        const answer = await boothVerify(apis, booth, request);
        answered++;
        return answer;
      }),
    );
    await until('a third of the race is answered', () => answered >= raceRequests.length / 3);
    const gatewaysBefore = [...gateways.values()].map((g) => g.activeBroker());
    expect(new Set(gatewaysBefore)).toEqual(new Set([primary.mqttUrl]));
    killedAt = Date.now();
    // The broker goes first: the primary's health check says so within one probe.
    expect((await brokerHealth(apis.primary)).status).toBe(200);
    await primary.broker.close();
    const downProbe = await brokerHealth(apis.primary);
    expect(downProbe).toMatchObject({ status: 503, body: { status: 'down', received: 0 } });
    await Promise.all([regions.kill('primary'), primaryCache.kill()]);
    const killMs = Date.now() - killedAt;
    primaryCache = undefined;
    expect((await brokerHealth(apis.secondary)).status).toBe(200);
    const killedAfterAnswers = answered;

    // The national desk hands verification to the secondary; the primary cannot be asked.
    const handed = await fetch(`${apis.secondary}/verification/handover`, {
      method: 'POST',
      headers: desk,
      body: JSON.stringify({ to: 'secondary', force: true, reason: 'drill: primary region lost' }),
    });
    expect(handed.status).toBe(200);
    handedAt = Date.now();
    expect(await handed.json()).toMatchObject({
      region: 'secondary',
      epoch: 2,
      from: 'primary',
      forced: true,
    });

    const race = await raceAnswers;
    expectOnePerVoter(race, RACE_VOTERS, BOOTHS);
    const raceByRegion = { primary: 0, secondary: 0 };
    for (const a of race) if (a.status === 201) raceByRegion[a.region]++;
    expect(raceByRegion.primary).toBeGreaterThan(0);
    expect(raceByRegion.secondary).toBeGreaterThan(0);
    await castFor(race, raceRequests, 0);

    // Every gateway moves to the secondary's broker within a bounded time.
    await until('every gateway uses the secondary broker', () =>
      [...gateways.values()].every((g) => g.activeBroker() === secondary.mqttUrl),
    );
    const failovers = [...gateways.values()].map((g) => {
      const moved = g.brokerSwitches().find((s) => s.to === secondary.mqttUrl)!;
      return moved.at - killedAt;
    });
    const slowestFailover = Math.max(...failovers);
    expect(slowestFailover).toBeLessThan(30_000);

    // Verification goes on in the secondary (fresh voters, one booth each).
    const postVoters = load.voters.slice(RACE_VOTERS, RACE_VOTERS + AFTER_HANDOVER_VOTERS);
    const postRequests = postVoters.map((v, i) => attemptsOf(v, [machines[i % BOOTHS]!], 1)[0]!);
    const postStarted = Date.now();
    const post = await Promise.all(postRequests.map((r) => boothVerify(apis, booth, r)));
    const postMs = Date.now() - postStarted;
    expectOnePerVoter(post, AFTER_HANDOVER_VOTERS, 1);
    expect(post.every((a) => a.region === 'secondary')).toBe(true);
    await castFor(post, postRequests, RACE_VOTERS);
    for (const gateway of gateways.values()) await gateway.drained();

    // Tallies from the surviving region alone equal the ground truth.
    await secondary.bus.drain();
    await secondary.scheduler.runNow('materialiseTallies');
    expect(await tallies(apis.secondary, desk)).toEqual(truth);

    // While the primary is lost, what the secondary published for the primary's subscribers waits
    // in the forwarding (EventBridge retries a target bus for 24 h); its store takes nothing.
    expect(acceptedInSecondary.size).toBe(cast);
    const heldForPrimary = regions.forwarding.heldFor('primary');
    expect(heldForPrimary).toBeGreaterThanOrEqual(cast);
    await expect(regions.shared.voteStores.primary.tally(config.electionId, 0, Date.now())).rejects.toThrow();

    // The primary comes back on the same addresses; gateways return to its broker.
    const returnedAt = Date.now();
    const forwardedBefore = regions.forwarding.forwardedTo('primary');
    const restored = await regions.restart('primary', { redisUrl: returnCache.url });
    expect(regions.forwarding.forwardedTo('primary') - forwardedBefore).toBe(heldForPrimary);
    expect(regions.forwarding.heldFor('primary')).toBe(0);
    // The forwarded votes reach the primary's recorder, and its store holds each once, before any
    // tally run could backfill it.
    await until('the primary store holds the votes accepted in the secondary', async () => {
      await restored.bus.drain();
      const rows = await regions.shared.voteStores.primary.tally(
        config.electionId,
        0,
        Date.now() + 3_600_000,
      );
      return rows.reduce((sum, r) => sum + r.votes, 0) === cast;
    });
    const forwardedToPrimaryMs = Date.now() - returnedAt;
    await until('every gateway is back on the primary broker', () =>
      [...gateways.values()].every((g) => g.activeBroker() === restored.mqttUrl),
    );
    expect((await brokerHealth(apis.primary)).status).toBe(200);
    const slowestReturn = Math.max(
      ...[...gateways.values()].map((g) => g.brokerSwitches().at(-1)!.at - returnedAt),
    );
    // The desk hands verification back in a planned hand-over, asking the owner (the secondary).
    const back = await fetch(`${apis.secondary}/verification/handover`, {
      method: 'POST',
      headers: desk,
      body: JSON.stringify({ to: 'primary', reason: 'drill: primary region restored' }),
    });
    expect(back.status).toBe(200);
    expect(await back.json()).toMatchObject({ region: 'primary', epoch: 3, from: 'secondary' });

    const backVoters = load.voters.slice(RACE_VOTERS + AFTER_HANDOVER_VOTERS);
    // One of them also tries at every booth again (a voter who already voted is still refused).
    const backRequests = [
      ...backVoters.map((v, i) => attemptsOf(v, [machines[i % BOOTHS]!], 1)[0]!),
      ...attemptsOf(raceVoters[0]!, machines, BOOTHS),
    ];
    const backAnswers = await Promise.all(backRequests.map((r) => boothVerify(apis, booth, r)));
    expect(backAnswers.slice(AFTER_RETURN_VOTERS).every((a) => a.status === 409)).toBe(true);
    expectOnePerVoter(backAnswers.slice(0, AFTER_RETURN_VOTERS), AFTER_RETURN_VOTERS, 1);
    expect(backAnswers.slice(0, AFTER_RETURN_VOTERS).every((a) => a.region === 'primary')).toBe(true);
    await castFor(backAnswers, backRequests, RACE_VOTERS + AFTER_HANDOVER_VOTERS);
    for (const gateway of gateways.values()) await gateway.drained();

    // Both regions count; the stores agree with each other and with the ground truth.
    await until('both regions have recorded every vote', async () => {
      await Promise.all([restored.bus.drain(), secondary.bus.drain()]);
      const span = [0, Date.now() + 3_600_000] as const;
      const [p, s] = await Promise.all([
        regions.shared.voteStores.primary.tally(config.electionId, ...span),
        regions.shared.voteStores.secondary.tally(config.electionId, ...span),
      ]);
      const total = (rows: readonly { votes: number }[]) => rows.reduce((sum, r) => sum + r.votes, 0);
      return total(p) === cast && total(s) === cast;
    });
    await restored.scheduler.runNow('materialiseTallies');
    expect(await tallies(apis.primary, desk)).toEqual(truth);
    await secondary.scheduler.runNow('materialiseTallies');
    expect(await tallies(apis.secondary, desk)).toEqual(truth);
    expect([...truth.values()].reduce((a, b) => a + b, 0)).toBe(
      RACE_VOTERS + AFTER_HANDOVER_VOTERS + AFTER_RETURN_VOTERS,
    );

    console.info(
      [
        'region failover drill:',
        `  race: ${RACE_VOTERS} voters x ${BOOTHS} booths; primary killed after ${killedAfterAnswers} of ${raceRequests.length} answers;`,
        `        granted in primary ${raceByRegion.primary}, in secondary ${raceByRegion.secondary}; ${RACE_VOTERS * (BOOTHS - 1)} already-voted`,
        `  gateways failed over within ${slowestFailover} ms of the kill (each: ${failovers.join(', ')} ms)`,
        `  health check of the dead broker answered 503 (${downProbe.body.problem}) in ${downProbe.body.elapsedMs} ms, one probe of 5`,
        `  the primary's runtime took ${killMs} ms to stop; the forced hand-over answered ${handedAt - killedAt} ms after the kill began; secondary writes after ${SETTLE_MS} ms settle`,
        `  ${AFTER_HANDOVER_VOTERS} voters verified in the secondary in ${postMs} ms, 40 at a time`,
        `  gateways returned to the primary within ${slowestReturn} ms of its restart`,
        `  ${acceptedInSecondary.size} votes accepted in the secondary reached the primary's store through the forwarding rule (${heldForPrimary} events held) within ${forwardedToPrimaryMs} ms of its restart`,
        `  votes cast ${cast}; each store holds ${cast}; tallies from either region equal the ground truth`,
      ].join('\n'),
    );
  });
});

async function tallies(api: string, headers: Record<string, string>): Promise<Map<string, number>> {
  const response = await fetch(`${api}/monitor/tallies?level=constituency`, { headers });
  const body = (await response.json()) as { lines?: { scope: string; candidateId: string; votes: number }[] };
  if (body.lines === undefined) throw new Error(`no tallies: ${response.status} ${JSON.stringify(body)}`);
  return new Map(body.lines.map((l) => [`${l.scope}#${l.candidateId}`, l.votes]));
}

async function brokerHealth(api: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${api}/health/broker?n=5&timeoutMs=5000`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
