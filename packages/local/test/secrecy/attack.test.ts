import { randomInt, randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logger } from '@ballotstream/functions/shared/observability';
import { BoothGateway, DurableQueue, queueKeyOf } from '@ballotstream/gateway';
import { type DemoElection, seedDemoElection } from '@ballotstream/local/demo/seed';
import { boothVerificationEvent } from '@ballotstream/local/runtime/booth-event';
import { lambdaContext, loadHandler } from '@ballotstream/local/runtime/handlers';
import { type Runtime, startRuntime } from '@ballotstream/local/runtime/runtime';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  afterSortedRun,
  alongRegister,
  everyFile,
  finerTimes,
  type Linkage,
  lmdbRecords,
  type RedisKeyView,
  type Register,
  rawCandidateLinkages,
  rawOrderLinkages,
  redisView,
  type StoredVote,
  storedVoteRows,
} from './attacker';

// Issue 18: an outside tester linked voters to candidates from stored state alone. This plays
// that tester against everything a stopped platform leaves: every file of the data directory
// (vote stores with their write-ahead logs, the LMDB records, gateway queues, logs, outbox) and
// Redis, holding the roll, the voter-key secret and each booth's register of who came in when.

const VOTERS = 36;
// Voters who have voted when the copy of the running platform's disk is taken.
const BEFORE_COPY = 24;
const CANDIDATES = 3;
const MACHINES = 2;
// One bucket for the whole run, so the bucket (the time a vote may keep) says nothing here.
const BUCKET_MS = 86_400_000;

/**
 * How likely guessing at random gets at least `k` of `n` voters right (binomial tail): an attack
 * whose score chance explains less often than once in 10^5 has linked voters. Reading the cast
 * order off an artefact gets every guess right (12 of 12 at one booth: 2·10^-6).
 */
function byChance(n: number, k: number): number {
  const p = 1 / CANDIDATES;
  let tail = 0;
  for (let i = k; i <= n; i++) {
    let ways = 1;
    for (let j = 0; j < i; j++) ways = (ways * (n - j)) / (j + 1);
    tail += ways * p ** i * (1 - p) ** (n - i);
  }
  return tail;
}

const redisUrl = process.env.REDIS_URL;
const CAPTURE_CHECK = 'secrecy attack: the log is captured';
const electionId = `secrecy-${randomUUID().slice(0, 8)}`;
let dataDir: string;
let runningCopy: string;
let runtime: Runtime | undefined;
let election: DemoElection;
const truth = new Map<string, string>();
const allRegisters: Register[] = [];
const logLines: string[] = [];
let castFrom = 0;
let castTo = 0;
let redisKeys: RedisKeyView[] = [];
let voterKeys: string[] = [];

async function eventually(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ballotstream-secrecy-'));
  runningCopy = mkdtempSync(join(tmpdir(), 'ballotstream-secrecy-running-'));
  // Every log line the handlers write is kept in the data directory, as a host's log would be.
  logger.setLogLevel('DEBUG');
  // Powertools writes info and debug lines to stdout, warnings and errors to stderr.
  const writes = [process.stdout, process.stderr].map((stream) => {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      logLines.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof stream.write;
    return () => {
      stream.write = write;
    };
  });
  logger.debug(CAPTURE_CHECK);
  try {
    runtime = await startRuntime({
      dataDir,
      ...(redisUrl === undefined ? {} : { redisUrl }),
      runSchedules: false,
      mqttTls: false,
      busBackoffMs: 20,
      config: { electionId, bucketMs: BUCKET_MS, tallyWindowMs: BUCKET_MS },
    });
    election = await seedDemoElection(runtime.deps, {
      regions: 1,
      constituenciesPerRegion: 1,
      candidatesPerConstituency: CANDIDATES,
      boothsPerConstituency: MACHINES,
      voters: VOTERS,
    });
    voterKeys = election.voters.map((v) => runtime!.deps.pseudonyms.voterKey(v.voterId));
    const candidates = [...election.candidates.values()][0]!;
    // Each candidate gets the same number of votes, in an order nobody can predict.
    const choices = election.voters.map((_, i) => candidates[i % CANDIDATES]!);
    for (let i = choices.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [choices[i], choices[j]] = [choices[j]!, choices[i]!];
    }
    const gateways = election.machines.map(
      (m) =>
        new BoothGateway({
          stage: runtime!.deps.config.stage,
          machineId: m.machineId,
          boothId: m.boothId,
          electionId,
          constituencyId: m.constituencyId,
          privateKey: m.privateKey,
          mqttUrl: runtime!.mqttUrl,
          bucketMs: BUCKET_MS,
          queueDir: join(dataDir, 'gateways', m.machineId),
          retry: { initialMs: 50, maxMs: 500 },
        }),
    );
    for (const g of gateways) await g.start();
    await Promise.all(gateways.map((g) => g.connected()));
    for (const m of election.machines) allRegisters.push({ machineId: m.machineId, voterIds: [] });

    // Stay clear of a bucket's edge, so every vote of the run shares one bucket.
    const intoBucket = Date.now() % BUCKET_MS;
    if (intoBucket > BUCKET_MS - 300_000)
      await new Promise((r) => setTimeout(r, BUCKET_MS - intoBucket + 100));
    const verify = await loadHandler({ file: 'verification/verify-voter', export: 'handler' });
    const { primary, secondary } = runtime.deps.voteStores;
    const stored = async (n: number) => {
      const sum = (rows: readonly { votes: number }[]) => rows.reduce((s, r) => s + r.votes, 0);
      const [a, b] = await Promise.all([
        primary.tally(electionId, 0, 8.64e15),
        secondary.tally(electionId, 0, 8.64e15),
      ]);
      return sum(a) === n && sum(b) === n;
    };
    const castBy = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const voter = election.voters[i]!;
        const m = i % MACHINES;
        const machine = election.machines[m]!;
        const result = (await verify(
          boothVerificationEvent(
            JSON.stringify({
              ticket: voter.ticket,
              fingerprint: voter.fingerprint,
              boothId: machine.boothId,
              machineId: machine.machineId,
            }),
            machine.boothId,
          ),
          lambdaContext('verifyVoter'),
        )) as APIGatewayProxyStructuredResultV2;
        expect(result.statusCode).toBe(201);
        const { ballotToken } = JSON.parse(result.body ?? '{}') as { ballotToken: string };
        await gateways[m]!.cast(ballotToken, choices[i]!);
        truth.set(voter.voterId, choices[i]!);
        (allRegisters[m]!.voterIds as string[]).push(voter.voterId);
        await new Promise((r) => setTimeout(r, 150 + randomInt(250)));
      }
      await Promise.all(gateways.map((g) => g.drained()));
      await eventually(() => stored(to));
      await runtime!.bus.drain();
    };
    castFrom = Date.now();
    await castBy(0, BEFORE_COPY);
    // A copy of the disk taken while the platform runs, just after a concealment run; then more
    // voters come, and the platform stops before the schedule conceals their votes.
    await runtime.scheduler.runNow('concealVoteOrder');
    cpSync(dataDir, runningCopy, { recursive: true });
    await castBy(BEFORE_COPY, VOTERS);
    castTo = Date.now();
    await runtime.scheduler.runNow('materialiseTallies');
    await runtime.bus.drain();
    for (const g of gateways) await g.stop();
    await runtime.stop();
    runtime = undefined;
  } finally {
    for (const restore of writes) restore();
  }
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  writeFileSync(join(dataDir, 'logs', 'runtime.log'), logLines.join(''));
  if (redisUrl !== undefined) {
    const redis = new Redis(redisUrl);
    try {
      redisKeys = await redisView(redis, electionId, voterKeys);
    } finally {
      redis.disconnect();
    }
  }
}, 180_000);

afterAll(async () => {
  await runtime?.stop();
  if (redisUrl !== undefined) {
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`*${electionId}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(runningCopy, { recursive: true, force: true });
});

const correct = (linkage: Linkage) =>
  [...linkage.guesses].filter(([voterId, candidate]) => truth.get(voterId) === candidate).length;

describe('an attacker holding everything the platform stores', () => {
  it('has a data directory with every kind of artefact to read', () => {
    const names = everyFile(dataDir).map((f) => f.rel);
    expect(names.some((n) => n.endsWith('votes-primary.duckdb'))).toBe(true);
    expect(names.some((n) => n.startsWith('records'))).toBe(true);
    expect(names.some((n) => n.includes('gateways'))).toBe(true);
    expect(logLines.some((l) => l.includes(CAPTURE_CHECK))).toBe(true);
  });

  it.each([
    ['the data directory of the stopped platform', () => dataDir, VOTERS],
    ['a copy of the disk taken while it ran', () => runningCopy, BEFORE_COPY],
  ])('links no more voters to candidates than guessing would, from any file of %s', async (_, dir, voted) => {
    const root = dir();
    const stores = await storedVoteRows(root);
    expect(stores.size).toBe(2);
    const linkages: Linkage[] = [];
    const votes = new Map<string, StoredVote>();
    const cameIn = new Set(election.voters.slice(0, voted).map((v) => v.voterId));
    const registers = allRegisters.map((r) => ({ ...r, voterIds: r.voterIds.filter((v) => cameIn.has(v)) }));
    for (const [rel, rows] of stores) {
      expect(rows).toHaveLength(voted);
      for (const v of rows) votes.set(v.voteId, v);
      linkages.push(alongRegister(`${rel} (rows in file order)`, registers, rows));
      linkages.push(
        alongRegister(
          `${rel} (rows after the vote-id-sorted run, over the register's end)`,
          registers,
          afterSortedRun(rows),
          true,
        ),
      );
    }
    const files = everyFile(root);
    linkages.push(...rawOrderLinkages(files, registers, votes));
    const machineOfVoter = new Map(
      registers.flatMap((r) => r.voterIds.map((v) => [v, r.machineId] as const)),
    );
    const candidates = [...election.candidates.values()].flat();
    linkages.push(...rawCandidateLinkages(files, registers, candidates, machineOfVoter));
    const scores = linkages.map((l) => `${correct(l)}/${l.guesses.size} ${l.artefact}`);
    const linked = linkages.filter((l) => byChance(l.guesses.size, correct(l)) < 1e-5).map((l) => l.artefact);
    const sizes = files.map((f) => `${f.rel} ${statSync(f.path).size}`);
    expect(linked, [...scores, ...sizes].join('\n')).toEqual([]);
  });

  it('finds no time finer than the bucket in any record about a voter, a ballot or a vote', async () => {
    const records = await lmdbRecords(join(dataDir, 'records'));
    const stores = await storedVoteRows(dataDir);
    const voteIds = [...stores.values()].flat().map((v) => v.voteId);
    const candidates = [...election.candidates.values()].flat();
    const found: string[] = [];
    for (const [table, rows] of records) {
      for (const record of rows) {
        const text = JSON.stringify(record);
        // Voter status, ballot tokens and the ledger are about voters and votes by nature; any
        // other record is when it names a vote or a candidate.
        const aboutVotes =
          ['voters', 'ballots', 'ledger'].includes(table) ||
          voteIds.some((id) => text.includes(id)) ||
          candidates.some((c) => text.includes(`"${c}"`));
        if (!aboutVotes) continue;
        for (const t of finerTimes(record, castFrom, castTo + 60_000, BUCKET_MS))
          found.push(`${table} ${String(record.pk)} ${t}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('finds no log line that names a vote or a candidate', async () => {
    const stores = await storedVoteRows(dataDir);
    const ids = [...stores.values()].flat().map((v) => v.voteId);
    const candidates = [...election.candidates.values()].flat();
    const naming = logLines.filter(
      (line) => ids.some((id) => line.includes(id)) || candidates.some((c) => line.includes(c)),
    );
    expect(naming).toEqual([]);
  });

  it('even with a machine’s own key, finds in its queue log no vote it delivered', () => {
    for (const m of election.machines) {
      const records = DurableQueue.auditRecords(
        join(dataDir, 'gateways', m.machineId),
        queueKeyOf(m.privateKey),
      );
      expect(records.length).toBeGreaterThan(0);
      expect(
        records.filter(
          (r) => (r as { t?: string } | undefined)?.t !== 'delivered' && (r as { t?: string }).t !== 'tokens',
        ),
      ).toEqual([]);
      const delivered = records.find((r) => (r as { t: string }).t === 'delivered') as { voteIds: string[] };
      expect(delivered.voteIds).toEqual([...delivered.voteIds].sort());
      expect(delivered.voteIds).toHaveLength(VOTERS / MACHINES);
    }
  });

  it.runIf(redisUrl !== undefined)('learns from Redis no voter’s own time of verification', () => {
    const naming = redisKeys.filter((k) => k.voterKeys.length > 0);
    expect(naming.length).toBeGreaterThan(0);
    // A key that names one voter carries that voter's time in its idle time and TTL.
    const own = naming.filter((k) => k.voterKeys.length === 1).map((k) => `${k.key} idle ${k.idleSeconds}s`);
    expect(own).toEqual([]);
    const times = naming.flatMap((k) =>
      k.values.flatMap((v) =>
        [...v.matchAll(/\d{10,}/g)].flatMap((m) =>
          finerTimes(Number(m[0]), castFrom - 1000, castTo + 120_000, BUCKET_MS, k.key),
        ),
      ),
    );
    expect(times).toEqual([]);
    // Nor does the order a key lists its voters in follow the order they came: listed in arrival
    // order, every neighbouring pair would be in order; listed at random, about half are, and 28
    // or more of 35 either way happens by chance about once in 10^4.
    const cameAt = new Map(voterKeys.map((v, i) => [v, i]));
    for (const k of naming.filter((k) => k.fieldOrder.length === VOTERS)) {
      const pairs = k.fieldOrder.slice(1).map((v, i) => cameAt.get(v)! > cameAt.get(k.fieldOrder[i]!)!);
      const inOrder = pairs.filter(Boolean).length;
      expect(Math.max(inOrder, pairs.length - inOrder), k.key).toBeLessThan(28);
    }
  });
});
