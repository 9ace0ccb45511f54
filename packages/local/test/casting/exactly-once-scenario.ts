import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { DuckDbVoteStore } from '@ballotstream/core/adapters/local';
import type { EventBridgeEnvelope, ResultRecord, VoteMessage } from '@ballotstream/events';
import { BoothGateway, type GatewayProcessConfig } from '@ballotstream/gateway';
import type { MqttClient } from 'mqtt';
import {
  connectMachine,
  grantBallotToken,
  machineTlsFor,
  publishVotes,
  signedVote,
} from '../../src/casting/casting-load';
import { type DemoElection, type DemoMachine, seedDemoElection } from '../../src/demo/seed';
import { type Runtime, startRuntime } from '../../src/runtime/runtime';

/** How big a run of the exactly-once scenario is. */
export interface ScenarioSize {
  /** Votes sent by the simulated gateways that deliver every message twice, out of order. */
  readonly duplicatedVotes: number;
  /** Votes cast on the gateway that is offline for two simulated hours. */
  readonly offlineVotes: number;
  /** Votes cast on the gateway process that is killed mid-queue and restarted. */
  readonly killedVotes: number;
  readonly boothsPerConstituency: number;
  /** Reports progress between phases (the heavy run prints it). */
  readonly log?: (line: string) => void;
}

/** What the scenario saw, for the test to hold against the ground truth. */
export interface ScenarioOutcome {
  /** Votes per `constituency#candidate` that the booths cast (each acknowledged press once). */
  readonly truth: ReadonlyMap<string, number>;
  /** The published tally per `constituency#candidate`, from `GET /tallies`. */
  readonly tallied: ReadonlyMap<string, number>;
  /** Each region's own count per `constituency#candidate`, straight from its store. */
  readonly regions: {
    readonly primary: ReadonlyMap<string, number>;
    readonly secondary: ReadonlyMap<string, number>;
  };
  readonly countryTotal: number;
  /** Votes the killed gateway had delivered when it was killed, and how many it held. */
  readonly killedAt: { readonly delivered: number; readonly cast: number };
  readonly resultChecks: readonly { readonly type: string; readonly machineId: string }[];
  readonly secrecy: SecrecyReport;
  readonly rejected: number;
  /** Events a subscriber could not handle after every retry, per subscription, with one error each. */
  readonly deadLetters: ReadonlyMap<string, { readonly count: number; readonly error: string }>;
}

/** The secrecy check over every stored vote of both regions. */
export interface SecrecyReport {
  readonly columns: readonly string[];
  readonly storedVotes: number;
  /** Stored values equal to a ballot token, receipt or anything a voter holds. */
  readonly leakedValues: number;
  /** Bucket starts that are not a multiple of the bucket. */
  readonly finerThanBucket: number;
  /** Of consecutive votes of one machine (in cast order), the share stored in the same order. */
  readonly orderKept: number;
  readonly orderPairs: number;
}

const stage = 'local';
const bucketMs = 60_000;
const hour = 3_600_000;

/**
 * Plays the exactly-once scenario through the real MQTT path over TLS: simulated gateways that
 * deliver every vote twice and out of order, one real gateway offline for two simulated hours,
 * one gateway process killed mid-queue and restarted; then tallies, both regions and a secrecy
 * check over every stored vote.
 */
export async function runExactlyOnceScenario(size: ScenarioSize): Promise<ScenarioOutcome> {
  const began = Date.now();
  const log = (line: string) => size.log?.(`[${((Date.now() - began) / 1000).toFixed(1)} s] ${line}`);
  const dir = mkdtempSync(join(tmpdir(), 'ballotstream-exactly-once-'));
  let runtime: Runtime | undefined;
  const children: ChildProcessWithoutNullStreams[] = [];
  try {
    // Records and vote stores in memory: durability is the gateway's part here, and the secrecy
    // audit reads the stores' rows in the order they hold them.
    runtime = await startRuntime({
      mqttTls: true,
      runSchedules: false,
      busBackoffMs: 20,
      config: { bucketMs, tallyWindowMs: 15 * 60_000 },
    });
    const events: EventBridgeEnvelope[] = [];
    const accepted = new Map<string, Set<string>>();
    let rejected = 0;
    runtime.bus.listen((e) => {
      if (e['detail-type'] === 'vote.accepted') {
        const { machineId, voteId } = e.detail as { machineId: string; voteId: string };
        const ids = accepted.get(machineId) ?? new Set<string>();
        ids.add(voteId);
        accepted.set(machineId, ids);
      } else if (e['detail-type'] === 'vote.rejected') rejected++;
      else if (e['detail-type'].startsWith('result.')) events.push(e);
    });
    const election = await seedDemoElection(runtime.deps, {
      regions: 2,
      constituenciesPerRegion: 2,
      candidatesPerConstituency: 4,
      boothsPerConstituency: size.boothsPerConstituency,
      voters: 0,
    });
    const truth = new Map<string, number>();
    const count = (m: DemoMachine, candidate: string) => {
      const key = `${m.constituencyId}#${candidate}`;
      truth.set(key, (truth.get(key) ?? 0) + 1);
    };
    const secrets = new Set<string>();
    const castOrder: string[][] = [];
    const now = Date.now();
    const [offlineMachine, killedMachine, ...simulated] = election.machines as [
      DemoMachine,
      DemoMachine,
      ...DemoMachine[],
    ];

    // 1. Simulated gateways: every vote signed once, published twice, in shuffled order.
    const perMachine = new Map<string, VoteMessage[]>();
    const grants: Promise<void>[] = [];
    for (let i = 0; i < size.duplicatedVotes; i++) {
      const m = simulated[i % simulated.length]!;
      const candidate = candidateOf(election, m, i);
      const castAt = now - Math.floor(Math.random() * hour);
      count(m, candidate);
      grants.push(
        grantBallotToken(runtime.deps.records, election.electionId, m, castAt + 10 * 60_000).then((token) => {
          secrets.add(token);
          const list = perMachine.get(m.machineId) ?? [];
          list.push(signedVote(m, election.electionId, candidate, castAt - (castAt % bucketMs), token));
          perMachine.set(m.machineId, list);
        }),
      );
    }
    await Promise.all(grants);
    const rt = runtime;
    log(`granted and signed ${size.duplicatedVotes} votes`);
    // Every machine connects first; then all publish at once.
    const clients = new Map<string, MqttClient>();
    for (const m of simulated) {
      const tls = await machineTlsFor(rt, m.machineId);
      clients.set(m.machineId, await connectMachine({ mqttUrl: rt.mqttUrl, machineId: m.machineId, tls }));
    }
    // Published in waves, each drained by the recorders before the next: the local bus has no
    // backpressure, and a backlog of minutes would only test Lambda-style timeouts.
    const streams = new Map(
      simulated.map((m) => {
        const once = perMachine.get(m.machineId) ?? [];
        return [m.machineId, shuffle([...once, ...once])] as const;
      }),
    );
    const waves = Math.max(1, Math.ceil((size.duplicatedVotes * 2) / 20_000));
    for (let wave = 0; wave < waves; wave++) {
      await Promise.all(
        simulated.map((m) => {
          const all = streams.get(m.machineId)!;
          const per = Math.ceil(all.length / waves);
          return publishVotes({
            mqttUrl: rt.mqttUrl,
            stage,
            machineId: m.machineId,
            client: clients.get(m.machineId)!,
            keepOpen: true,
            messages: all.slice(wave * per, (wave + 1) * per),
            window: 16,
          });
        }),
      );
      await rt.bus.drain();
    }
    await Promise.all([...clients.values()].map((c) => c.endAsync()));
    log('published every vote twice');
    await runtime.bus.drain();
    log('recorders caught up');
    await runtime.scheduler.runNow('materialiseTallies');

    log('tallied the first pass');
    // 2. A gateway offline for two simulated hours: it queues on disk, then comes back.
    const offlineDir = join(dir, 'offline-gateway');
    let simulatedNow = now - 2 * hour;
    const offline = await gatewayFor(
      runtime,
      election,
      offlineMachine,
      offlineDir,
      'mqtts://127.0.0.1:1',
      () => simulatedNow,
    );
    await offline.start();
    const castTimes = Array.from(
      { length: size.offlineVotes },
      (_, i) => now - 2 * hour + Math.floor((i * 2 * hour) / size.offlineVotes),
    );
    const offlineTokens = await Promise.all(
      castTimes.map((t) =>
        grantBallotToken(rt.deps.records, election.electionId, offlineMachine, t + 10 * 60_000),
      ),
    );
    // Presses come one after another on the simulated clock; their disk writes share fsyncs.
    const receipts = castTimes.map((t, i) => {
      simulatedNow = t;
      const candidate = candidateOf(election, offlineMachine, i);
      count(offlineMachine, candidate);
      secrets.add(offlineTokens[i]!);
      return offline.cast(offlineTokens[i]!, candidate);
    });
    const offlineCast: string[] = [];
    for (const receipt of await Promise.all(receipts)) {
      secrets.add(receipt.receipt);
      offlineCast.push(receipt.voteId);
    }
    castOrder.push(offlineCast);
    await offline.stop();
    const back = await gatewayFor(runtime, election, offlineMachine, offlineDir, runtime.mqttUrl, () =>
      Date.now(),
    );
    await back.start();
    await back.drained();
    // Poll close comes after the recorders have caught up, as it does at the end of a polling day.
    await runtime.bus.drain();
    await back.closePoll();

    log('offline gateway delivered its queue');
    // 3. A gateway process killed mid-queue with SIGKILL, then restarted on the same queue.
    const killedDir = join(dir, 'killed-gateway');
    const configPath = join(dir, 'killed-gateway.json');
    const config: GatewayProcessConfig = {
      stage,
      machineId: killedMachine.machineId,
      boothId: killedMachine.boothId,
      electionId: election.electionId,
      constituencyId: killedMachine.constituencyId,
      privateKeyPem: killedMachine.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      mqttUrl: 'mqtts://127.0.0.1:1',
      tls: await machineTlsFor(runtime, killedMachine.machineId),
      bucketMs,
      queueDir: killedDir,
      window: 1,
      paceMs: 2,
    };
    // First run: the broker is unreachable while the booth casts, so the whole queue is on disk.
    writeFileSync(configPath, JSON.stringify(config));
    const first = startGatewayProcess(configPath);
    children.push(first.child);
    await first.next((l) => l.startsWith('ready'));
    const killedTokens = await Promise.all(
      Array.from({ length: size.killedVotes }, () =>
        grantBallotToken(rt.deps.records, election.electionId, killedMachine, Date.now() + 10 * 60_000),
      ),
    );
    const killedCast: string[] = [];
    killedTokens.forEach((token, i) => {
      const candidate = candidateOf(election, killedMachine, i);
      secrets.add(token);
      count(killedMachine, candidate);
      first.send(`cast ${token} ${candidate}`);
    });
    for (let i = 0; i < size.killedVotes; i++) {
      const answer = await first.next((l) => l.startsWith('cast ') || l.startsWith('refused'));
      if (!answer.startsWith('cast ')) throw new Error(`the gateway process refused a press: ${answer}`);
      killedCast.push(answer.slice(5));
    }
    castOrder.push(killedCast);
    first.child.kill('SIGKILL');
    await first.exited;
    // Second run: online and pacing its uplink; killed again once part of the queue is through.
    writeFileSync(configPath, JSON.stringify({ ...config, mqttUrl: runtime.mqttUrl }));
    const second = startGatewayProcess(configPath);
    children.push(second.child);
    await second.next((l) => l.startsWith('ready'));
    const quarter = Math.max(1, Math.floor(size.killedVotes / 4));
    const deliveredOf = () => accepted.get(killedMachine.machineId)?.size ?? 0;
    await until(() => deliveredOf() >= quarter);
    second.child.kill('SIGKILL');
    const deliveredAtKill = deliveredOf();
    await second.exited;
    // Third run: resumes the rest of the queue from disk, then closes the poll.
    const third = startGatewayProcess(configPath);
    children.push(third.child);
    await third.next((l) => l.startsWith('ready'));
    third.send('drain');
    await third.next((l) => l === 'drained');
    await runtime.bus.drain();
    third.send('close');
    await third.next((l) => l.startsWith('closed'));
    third.child.stdin.end();
    await third.exited;

    log('killed gateway resumed and delivered');
    // 4. Tallies: late votes re-opened their windows; the run materialises them again.
    await runtime.bus.drain();
    await runtime.scheduler.runNow('materialiseTallies');
    await runtime.scheduler.runNow('concealVoteOrder');
    const tallied = await talliesOf(runtime.httpUrl, 'constituency');
    const country = await talliesOf(runtime.httpUrl, 'country');
    const { primary, secondary } = runtime.deps.voteStores;
    const span = [now - 3 * hour, now + hour] as const;
    const regions = {
      primary: rowsToMap(await primary.tally(election.electionId, ...span)),
      secondary: rowsToMap(await secondary.tally(election.electionId, ...span)),
    };
    const deadLetters = new Map<string, { count: number; error: string }>();
    for (const d of runtime.bus.deadLetters()) {
      const entry = deadLetters.get(d.subscription) ?? { count: 0, error: d.error };
      entry.count++;
      deadLetters.set(d.subscription, entry);
    }
    const secrecy = await secrecyCheck([primary, secondary] as DuckDbVoteStore[], secrets, castOrder);
    await runtime.stop();
    runtime = undefined;

    return {
      truth,
      tallied,
      regions,
      countryTotal: [...country.values()].reduce((a, b) => a + b, 0),
      killedAt: { delivered: deliveredAtKill, cast: size.killedVotes },
      resultChecks: events.map((e) => ({
        type: e['detail-type'],
        machineId: (e.detail as { machineId: string }).machineId,
      })),
      secrecy,
      rejected,
      deadLetters,
    };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await runtime?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads every stored row of both regions as the store holds them and measures what it could give away. */
async function secrecyCheck(
  stores: readonly DuckDbVoteStore[],
  secrets: ReadonlySet<string>,
  castOrder: readonly string[][],
): Promise<SecrecyReport> {
  let columns: string[] = [];
  let storedVotes = 0;
  let leakedValues = 0;
  let finerThanBucket = 0;
  let kept = 0;
  let pairs = 0;
  for (const store of stores) {
    const audit = await store.auditRows();
    columns = audit.columns;
    const position = new Map<string, number>();
    audit.rows.forEach((row, i) => {
      storedVotes++;
      for (const value of row) if (secrets.has(String(value))) leakedValues++;
      if (Number(row[columns.indexOf('bucket_start')]) % bucketMs !== 0) finerThanBucket++;
      position.set(String(row[columns.indexOf('vote_id')]), i);
    });
    for (const order of castOrder) {
      for (let i = 1; i < order.length; i++) {
        const a = position.get(order[i - 1]!);
        const b = position.get(order[i]!);
        if (a === undefined || b === undefined) continue;
        pairs++;
        if (a < b) kept++;
      }
    }
  }
  return {
    columns,
    storedVotes,
    leakedValues,
    finerThanBucket,
    orderKept: pairs === 0 ? 0 : kept / pairs,
    orderPairs: pairs,
  };
}

async function gatewayFor(
  runtime: Runtime,
  election: DemoElection,
  m: DemoMachine,
  queueDir: string,
  mqttUrl: string,
  clock: () => number,
): Promise<BoothGateway> {
  const tls = await machineTlsFor(runtime, m.machineId);
  return new BoothGateway({
    stage,
    machineId: m.machineId,
    boothId: m.boothId,
    electionId: election.electionId,
    constituencyId: m.constituencyId,
    privateKey: m.privateKey,
    mqttUrl,
    ...(tls === undefined ? {} : { tls }),
    bucketMs,
    queueDir,
    clock,
    retry: { initialMs: 50, maxMs: 1000 },
  });
}

function startGatewayProcess(configPath: string) {
  const main = resolve(import.meta.dirname, '../../../gateway/src/main.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', main, configPath], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { match: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const i = waiters.findIndex((w) => w.match(line));
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(line);
    else lines.push(line);
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    exited,
    send: (line: string) => child.stdin.write(`${line}\n`),
    next: (match: (l: string) => boolean) =>
      new Promise<string>((resolveLine, reject) => {
        const i = lines.findIndex(match);
        if (i >= 0) return resolveLine(lines.splice(i, 1)[0]!);
        waiters.push({ match, resolve: resolveLine });
        void exited.then(() => reject(new Error(`gateway process exited: ${stderr.slice(-500)}`)));
      }),
  };
}

async function talliesOf(httpUrl: string, level: 'constituency' | 'country'): Promise<Map<string, number>> {
  const response = await fetch(`${httpUrl}/tallies?level=${level}`);
  const body = (await response.json()) as { lines: { scope: string; candidateId: string; votes: number }[] };
  return new Map(body.lines.map((l) => [`${l.scope}#${l.candidateId}`, l.votes]));
}

function rowsToMap(
  rows: readonly { constituencyId: string; candidateId: string; votes: number }[],
): Map<string, number> {
  return new Map(rows.map((r) => [`${r.constituencyId}#${r.candidateId}`, r.votes]));
}

function candidateOf(election: DemoElection, m: DemoMachine, i: number): string {
  const candidates = election.candidates.get(m.constituencyId)!;
  // Uneven on purpose, so a count that lands on the wrong candidate shows.
  return candidates[(i * i + i) % candidates.length]!;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

async function until(done: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

export type { ResultRecord };
