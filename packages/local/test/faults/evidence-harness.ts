import { type KeyObject, randomBytes, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTallies } from '@ballotstream/core';
import { type SignedVoteFields, topics, type VoteMessage, voteSigningBytes } from '@ballotstream/events';
import type { DemoElection, DemoMachine, DemoSize } from '@ballotstream/local/demo/seed';
import { boothVerificationEvent } from '@ballotstream/local/runtime/booth-event';
import { lambdaContext, loadHandler } from '@ballotstream/local/runtime/handlers';
import { type Runtime, type RuntimeOptions, startRuntime } from '@ballotstream/local/runtime/runtime';
import { seedElectionFast } from '@ballotstream/local/simulate/election';
import { DuckDBInstance } from '@duckdb/node-api';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import mqtt from 'mqtt';

export const faultElection: DemoSize = {
  regions: 2,
  constituenciesPerRegion: 2,
  candidatesPerConstituency: 3,
  boothsPerConstituency: 2,
  voters: 400,
};

/** A runtime on a fresh data folder with a seeded election, for one fault drill. */
export interface Drill {
  readonly runtime: Runtime;
  readonly election: DemoElection;
  readonly dataDir: string;
  /** Every vote.accepted / vote.rejected the bus carried, in order. */
  readonly accepted: string[];
  readonly rejected: { reason: string; voteId?: string }[];
  stop(): Promise<void>;
}

/** Starts a runtime with durable files (so secrecy can be read back) and seeds an election. */
export async function startDrill(
  options: Omit<RuntimeOptions, 'dataDir'> = {},
  size: DemoSize = faultElection,
): Promise<Drill> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const dataDir = mkdtempSync(join(tmpdir(), 'ballotstream-fault-'));
  const runtime = await startRuntime({ runSchedules: false, busBackoffMs: 20, ...options, dataDir });
  const election = await seedElectionFast(runtime.deps, size);
  const accepted: string[] = [];
  const rejected: { reason: string; voteId?: string }[] = [];
  runtime.bus.listen((e) => {
    const detail = e.detail as { voteId?: string; reason?: string };
    if (e['detail-type'] === 'vote.accepted') accepted.push(detail.voteId!);
    if (e['detail-type'] === 'vote.rejected')
      rejected.push({ reason: String(detail.reason), ...(detail.voteId ? { voteId: detail.voteId } : {}) });
  });
  let stopped = false;
  return {
    runtime,
    election,
    dataDir,
    accepted,
    rejected,
    async stop() {
      if (stopped) return;
      stopped = true;
      await runtime.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A voter granted a ballot at a machine. */
export interface Ballot {
  readonly voterIndex: number;
  readonly machine: DemoMachine;
  readonly ballotToken: string;
}

/** Verifies voters [from, to) through the real handler, each at machine `i % machines`. */
export async function verify(
  drill: Drill,
  from: number,
  to: number,
  machineOf: (i: number) => DemoMachine = (i) => drill.election.machines[i % drill.election.machines.length]!,
): Promise<{ granted: Ballot[]; refused: { voterIndex: number; status: number; error: string }[] }> {
  const entry = await loadHandler({ file: 'verification/verify-voter', export: 'handler' });
  const granted: Ballot[] = [];
  const refused: { voterIndex: number; status: number; error: string }[] = [];
  await Promise.all(
    Array.from({ length: to - from }, async (_, k) => {
      const i = from + k;
      const voter = drill.election.voters[i]!;
      const machine = machineOf(i);
      const body = JSON.stringify({
        ticket: voter.ticket,
        fingerprint: voter.fingerprint,
        boothId: machine.boothId,
        machineId: machine.machineId,
      });
      const result = (await entry(
        boothVerificationEvent(body, machine.boothId),
        lambdaContext('verifyVoter'),
      )) as APIGatewayProxyStructuredResultV2;
      const parsed = JSON.parse(result.body ?? '{}') as { ballotToken?: string; error?: string };
      if (result.statusCode === 201 && parsed.ballotToken) {
        granted.push({ voterIndex: i, machine, ballotToken: parsed.ballotToken });
      } else {
        refused.push({ voterIndex: i, status: result.statusCode ?? 0, error: String(parsed.error) });
      }
    }),
  );
  return { granted, refused };
}

/** Signs a vote as a booth gateway would, with the machine's own key and clock. */
export function signVote(
  election: DemoElection,
  ballot: Ballot,
  candidateId: string,
  bucketMs: number,
  now: number = Date.now(),
  key: KeyObject = ballot.machine.privateKey,
): VoteMessage {
  const fields: SignedVoteFields = {
    voteId: randomUUID(),
    electionId: election.electionId,
    constituencyId: ballot.machine.constituencyId,
    boothId: ballot.machine.boothId,
    machineId: ballot.machine.machineId,
    candidateId,
    bucketStart: now - (now % bucketMs),
    ballotToken: ballot.ballotToken,
    receipt: randomBytes(6).toString('base64url'),
  };
  return { ...fields, signature: sign(null, voteSigningBytes(fields), key).toString('base64url') };
}

/** The candidate voter `i` chooses, deterministically, among their constituency's. */
export function choiceOf(election: DemoElection, ballot: Ballot): string {
  const candidates = election.candidates.get(ballot.machine.constituencyId)!;
  return candidates[ballot.voterIndex % candidates.length]!;
}

/** Counts votes by `constituency#candidate`. */
export function countBy(votes: readonly VoteMessage[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of votes) {
    const key = `${v.constituencyId}#${v.candidateId}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Publishes messages QoS 1 as machine clients would (one client per machine id), `window` in flight. */
export async function publishAs(
  mqttUrl: string,
  stage: string,
  messages: readonly { machineId: string; payload: string | Buffer; topicMachineId?: string }[],
  window = 32,
): Promise<void> {
  const clients = new Map<string, mqtt.MqttClient>();
  try {
    for (const m of messages) {
      if (!clients.has(m.machineId))
        clients.set(
          m.machineId,
          await mqtt.connectAsync(mqttUrl, { clientId: m.machineId, reconnectPeriod: 200 }),
        );
    }
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < messages.length; i = next++) {
        const m = messages[i]!;
        await clients
          .get(m.machineId)!
          .publishAsync(topics.votes(stage, m.topicMachineId ?? m.machineId), m.payload, { qos: 1 });
      }
    };
    await Promise.all(Array.from({ length: window }, worker));
  } finally {
    await Promise.allSettled([...clients.values()].map((c) => c.endAsync()));
  }
}

/** Runs the tally job and reads the materialised tally as `constituency#candidate → votes`. */
export async function materialisedTally(drill: Drill): Promise<Map<string, number>> {
  await drill.runtime.bus.drain();
  await drill.runtime.scheduler.runNow('materialiseTallies');
  const report = await readTallies(drill.runtime.deps.records, drill.election.electionId, 'constituency');
  const counts = new Map<string, number>();
  for (const line of report.lines)
    if (line.votes > 0) counts.set(`${line.scope}#${line.candidateId}`, line.votes);
  return counts;
}

/** Votes each region's store holds for the election. */
export async function storedTotals(drill: Drill): Promise<{ primary: number; secondary: number }> {
  const { primary, secondary } = drill.runtime.deps.voteStores;
  const id = drill.election.electionId;
  const sum = (rows: readonly { votes: number }[]) => rows.reduce((s, r) => s + r.votes, 0);
  const [a, b] = await Promise.all([primary.tally(id, 0, 8.64e15), secondary.tally(id, 0, 8.64e15)]);
  return { primary: sum(a), secondary: sum(b) };
}

/**
 * Reads both vote store files after the runtime stopped and lists every breach of ballot
 * secrecy found: a column that could name a voter, a ticket or a token; a stored value equal to
 * a voter id, ticket or ballot token; a time finer than the bucket.
 */
export async function secrecyBreaches(
  dataDir: string,
  secrets: readonly string[],
  bucketMs: number,
): Promise<string[]> {
  const breaches: string[] = [];
  const secretSet = new Set(secrets);
  for (const region of ['primary', 'secondary']) {
    const instance = await DuckDBInstance.create(join(dataDir, `votes-${region}.duckdb`));
    const connection = await instance.connect();
    try {
      const columns = (
        await connection.runAndReadAll(
          "SELECT column_name FROM information_schema.columns WHERE table_name = 'votes'",
        )
      )
        .getRows()
        .map((r) => String(r[0]));
      for (const c of columns)
        if (/voter|ticket|token|receipt|time|at$/i.test(c)) breaches.push(`${region}: column ${c}`);
      const rows = (await connection.runAndReadAll('SELECT * FROM votes')).getRows();
      const bucketAt = columns.indexOf('bucket_start');
      for (const row of rows) {
        for (const value of row)
          if (typeof value === 'string' && secretSet.has(value)) breaches.push(`${region}: value ${value}`);
        if (bucketAt >= 0 && Number(row[bucketAt]) % bucketMs !== 0)
          breaches.push(`${region}: time ${row[bucketAt]}`);
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }
  return breaches;
}

/** The secrets a drill's votes must never carry into a store. */
export function secretsOf(election: DemoElection, ballots: readonly Ballot[]): string[] {
  return [
    ...election.voters.map((v) => v.voterId),
    ...election.voters.map((v) => v.ticket),
    ...ballots.map((b) => b.ballotToken),
  ];
}

/** Shuffles a copy of a list (Fisher–Yates) with a seeded generator, so a failure can be replayed. */
export function shuffledWith<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0 || 1;
  const random = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
