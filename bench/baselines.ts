import { generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { voteMessageSchema } from '@ballotstream/events';
import { DuckDBInstance } from '@duckdb/node-api';
import { Aedes } from 'aedes';
import { Redis } from 'ioredis';
import { open } from 'lmdb';
import mqtt from 'mqtt';
import { atConcurrency, type Rate, rateOf, timed } from './measure';

// The same shape of claim the voter cache runs: check two keys, set both with a TTL.
const claimScript = `
if redis.call('EXISTS', KEYS[1], KEYS[2]) > 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 1`;

function rawRedis(url: string): Redis {
  return new Redis(url, { enableAutoPipelining: true, maxRetriesPerRequest: 1 });
}

/** Raw `SET key value NX PX` from ioredis with auto-pipelining at a fixed number in flight. */
export async function redisSetNx(url: string, total: number, concurrency: number): Promise<Rate> {
  const redis = rawRedis(url);
  const run = randomUUID().slice(0, 8);
  try {
    return await atConcurrency(total, concurrency, (i) =>
      redis.set(`bench:${run}:setnx:${i}`, '1', 'PX', 60_000, 'NX'),
    );
  } finally {
    redis.disconnect();
  }
}

/**
 * Raw EVALSHA of a small two-key claim script, the cache's own round trip without the rest, and
 * the CPU this process (the client) spends per claim; Redis's own CPU is another process's.
 */
export async function redisLuaClaim(
  url: string,
  total: number,
  concurrency: number,
): Promise<Rate & { readonly cpuMicrosPerOp: number }> {
  const redis = rawRedis(url) as Redis & {
    benchClaim(a: string, b: string, c: string, t: number): Promise<number>;
  };
  redis.defineCommand('benchClaim', { numberOfKeys: 2, lua: claimScript });
  const run = randomUUID().slice(0, 8);
  try {
    await redis.benchClaim(`bench:${run}:warm:a`, `bench:${run}:warm:b`, 'x', 60_000);
    const cpu = process.cpuUsage();
    const rate = await atConcurrency(total, concurrency, (i) => {
      const tag = `{bench:${run}:${i}}`;
      return redis.benchClaim(`${tag}:voter`, `${tag}:ticket`, `claim:${i}`, 60_000);
    });
    const used = process.cpuUsage(cpu);
    return { ...rate, cpuMicrosPerOp: (used.user + used.system) / total };
  } finally {
    redis.disconnect();
  }
}

/**
 * The broker's own QoS 1 rate: aedes (the broker the runtime embeds) in this process, one
 * publisher with a bounded window of unacknowledged messages, one QoS 1 subscriber; a
 * message counts when the subscriber has it.
 */
export async function aedesQos1(
  total: number,
  window: number,
): Promise<Rate & { readonly cpuMicrosPerMessage: number }> {
  const aedes = await Aedes.createBroker();
  const server = createServer(aedes.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const subscriber = await mqtt.connectAsync(url, { clientId: `bench-sub-${randomUUID()}` });
  const publisher = await mqtt.connectAsync(url, { clientId: `bench-pub-${randomUUID()}` });
  try {
    await subscriber.subscribeAsync('bench/qos1', { qos: 1 });
    const sentAt = new Float64Array(total);
    const latencies: number[] = [];
    let received = 0;
    const allReceived = new Promise<void>((resolve) => {
      subscriber.on('message', (_topic, payload) => {
        const i = payload.readUInt32BE(0);
        latencies.push(performance.now() - sentAt[i]!);
        if (++received === total) resolve();
      });
    });
    // Payloads the size of a signed vote (~400 bytes), numbered so the receiver can time each.
    const body = Buffer.alloc(400, 120);
    const cpu = process.cpuUsage();
    const started = performance.now();
    await atConcurrency(total, window, (i) => {
      const payload = Buffer.from(body);
      payload.writeUInt32BE(i, 0);
      sentAt[i] = performance.now();
      return publisher.publishAsync('bench/qos1', payload, { qos: 1 });
    });
    await allReceived;
    const used = process.cpuUsage(cpu);
    return {
      ...rateOf(total, (performance.now() - started) / 1000, latencies),
      cpuMicrosPerMessage: (used.user + used.system) / total,
    };
  } finally {
    await Promise.allSettled([publisher.endAsync(), subscriber.endAsync()]);
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * What the broker alone spends on a message that goes nowhere further: aedes and one publisher
 * in this process, QoS 1 with the same window and payload, no subscriber. CPU time per message,
 * every thread of the process.
 */
export async function aedesPublishCpu(total: number, window: number): Promise<number> {
  const aedes = await Aedes.createBroker();
  const server = createServer(aedes.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const publisher = await mqtt.connectAsync(url, { clientId: `bench-pub-${randomUUID()}` });
  try {
    const body = Buffer.alloc(400, 120);
    const cpu = process.cpuUsage();
    await atConcurrency(total, window, () => publisher.publishAsync('bench/qos1', body, { qos: 1 }));
    const used = process.cpuUsage(cpu);
    return (used.user + used.system) / total;
  } finally {
    await publisher.endAsync();
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Bare DuckDB doing the least a region's store must for each vote: an idempotent insert (primary
 * key on the vote id, conflicts ignored) into a file-backed table, `perStatement` rows a
 * statement. CPU time per row, every thread of the process (DuckDB's own included).
 */
export async function duckdbIdempotentInsertCpu(rows: number, perStatement: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'ballotstream-floor-'));
  const instance = await DuckDBInstance.create(join(dir, 'votes.duckdb'));
  const connection = await instance.connect();
  try {
    await connection.run(`CREATE TABLE votes (vote_id VARCHAR PRIMARY KEY, election_id VARCHAR,
      constituency_id VARCHAR, booth_id VARCHAR, machine_id VARCHAR, candidate_id VARCHAR, bucket_start BIGINT)`);
    // Seven columns bound as seven strings and split side by side, as the store binds a batch.
    const split = (n: number) => `unnest(string_split($${n}, ','))`;
    const insert = await connection.prepare(
      `INSERT OR IGNORE INTO votes SELECT * FROM (SELECT ${[1, 2, 3, 4, 5, 6].map(split).join(', ')}, ${split(7)}::BIGINT)`,
    );
    const column = (count: number, value: (i: number) => string) =>
      Array.from({ length: count }, (_, i) => value(i)).join(',');
    const cpu = process.cpuUsage();
    for (let start = 0; start < rows; start += perStatement) {
      const n = (i: number) => start + i;
      insert.bindVarchar(
        1,
        column(perStatement, () => randomUUID()),
      );
      insert.bindVarchar(
        2,
        column(perStatement, () => 'election-2026'),
      );
      insert.bindVarchar(
        3,
        column(perStatement, (i) => `c-${n(i) % 543}`),
      );
      insert.bindVarchar(
        4,
        column(perStatement, (i) => `booth-${n(i) % 1000}`),
      );
      insert.bindVarchar(
        5,
        column(perStatement, (i) => `machine-${n(i) % 1000}`),
      );
      insert.bindVarchar(
        6,
        column(perStatement, (i) => `cand-${n(i) % 8}`),
      );
      insert.bindVarchar(
        7,
        column(perStatement, (i) => String(1780000020000 + (n(i) % 660) * 60000)),
      );
      await insert.run();
    }
    const used = process.cpuUsage(cpu);
    insert.destroySync();
    return (used.user + used.system) / rows;
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Bare LMDB doing the least the ballot token needs per vote: spend it once, a read and a write in
 * one write transaction (written only if unspent), many in flight so they share commits. CPU time
 * per token, every thread of the process.
 */
export async function lmdbTokenSpendCpu(tokens: number, inFlight: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'ballotstream-floor-'));
  const db = open<{ usedBy?: string; expiresAt: number }, string>({ path: join(dir, 'records') });
  try {
    await db.transaction(() => {
      for (let i = 0; i < tokens; i++) db.put(`ballot#${i}`, { expiresAt: i });
    });
    const cpu = process.cpuUsage();
    await atConcurrency(tokens, inFlight, (i) =>
      db.transaction(() => {
        const token = db.get(`ballot#${i}`);
        if (token === undefined || token.usedBy !== undefined) return false;
        db.put(`ballot#${i}`, { ...token, usedBy: randomUUID() });
        return true;
      }),
    );
    const used = process.cpuUsage(cpu);
    return (used.user + used.system) / tokens;
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A vote message parsed from its JSON and checked with the catalogue's schema, as every vote must
 * be before anything else: CPU time per message.
 */
export function voteValidationCpu(messages: number): number {
  const payloads = Array.from({ length: 1_000 }, (_, i) =>
    JSON.stringify({
      voteId: randomUUID(),
      electionId: 'election-2026',
      constituencyId: `c-${i % 543}`,
      boothId: `booth-${i}`,
      machineId: `machine-${i}`,
      candidateId: `cand-${i % 8}`,
      bucketStart: 1_780_000_020_000,
      ballotToken: randomBytes(32).toString('base64url'),
      receipt: randomBytes(8).toString('hex'),
      signature: randomBytes(64).toString('base64url'),
    }),
  );
  const cpu = process.cpuUsage();
  let valid = 0;
  for (let i = 0; i < messages; i++) {
    if (voteMessageSchema.safeParse(JSON.parse(payloads[i % payloads.length]!)).success) valid++;
  }
  const used = process.cpuUsage(cpu);
  if (valid !== messages) throw new Error(`${messages - valid} bench vote messages failed their schema`);
  return (used.user + used.system) / messages;
}

/** A bare `GROUP BY constituency, candidate` over every row of a vote store file: best of `runs`. */
export async function duckdbGroupBy(path: string, runs = 3): Promise<{ ms: number; groups: number }> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    let best = Number.POSITIVE_INFINITY;
    let groups = 0;
    for (let r = 0; r < runs; r++) {
      const { ms, value } = await timed(() =>
        connection.runAndReadAll(
          'SELECT constituency_id, candidate_id, count(*) AS votes FROM votes GROUP BY constituency_id, candidate_id',
        ),
      );
      best = Math.min(best, ms);
      groups = value.currentRowCount;
    }
    return { ms: best, groups };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * The bare query behind the tally: `GROUP BY window, constituency, candidate` over every row, in
 * each region's store file at once (as the tally job counts both regions at once), the groups
 * left in the engine as the tally leaves its counts there: best of `runs`.
 */
export async function duckdbWindowGroupBy(
  paths: readonly string[],
  windowMs: number,
  runs = 3,
): Promise<{ ms: number; groups: number }> {
  const opened = await Promise.all(
    paths.map(async (path) => {
      const instance = await DuckDBInstance.create(path);
      return { instance, connection: await instance.connect() };
    }),
  );
  try {
    let best = Number.POSITIVE_INFINITY;
    let groups = 0;
    for (let r = 0; r < runs; r++) {
      const { ms, value } = await timed(() =>
        Promise.all(
          opened.map(({ connection }) =>
            connection.runAndReadAll(
              `SELECT count(*) FROM (
                 SELECT bucket_start - bucket_start % ${Math.trunc(windowMs)}, constituency_id, candidate_id, count(*)
                 FROM votes GROUP BY ALL)`,
            ),
          ),
        ),
      );
      best = Math.min(best, ms);
      groups = Number(value[0]?.getRows()[0]?.[0] ?? 0);
    }
    return { ms: best, groups };
  } finally {
    for (const { connection, instance } of opened) {
      connection.closeSync();
      instance.closeSync();
    }
  }
}
/** The signature schemes the project verifies: tickets use either, machine signatures Ed25519. */
export type SignatureScheme = 'ed25519' | 'ecdsa-p256';

/** Raw signature checks per second, on one thread and on every core at once. */
export interface SignatureRates {
  readonly scheme: SignatureScheme;
  readonly messageBytes: number;
  readonly oneCore: number;
  readonly allCores: number;
  readonly threads: number;
}

// Plain JavaScript, so a worker runs it without the TypeScript loader: verify one prepared
// signature `count` times with a key object made once, starting when the parent says so.
const verifyLoop = `
const { parentPort, workerData } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const { scheme, publicKeyPem, message, signature, count } = workerData;
const key = createPublicKey(publicKeyPem);
const algorithm = scheme === 'ed25519' ? null : 'sha256';
const options = scheme === 'ed25519' ? key : { key, dsaEncoding: 'ieee-p1363' };
parentPort.once('message', () => {
  let valid = 0;
  for (let i = 0; i < count; i++) if (verify(algorithm, message, options, signature)) valid++;
  parentPort.postMessage(valid);
});
parentPort.postMessage('ready');`;

async function verifyOnThreads(
  scheme: SignatureScheme,
  message: Buffer,
  signature: Buffer,
  publicKeyPem: string,
  threads: number,
  perThread: number,
): Promise<number> {
  const workers = Array.from(
    { length: threads },
    () =>
      new Worker(verifyLoop, {
        eval: true,
        workerData: { scheme, publicKeyPem, message, signature, count: perThread },
      }),
  );
  try {
    const ready = workers.map((w) => new Promise((resolve) => w.once('message', resolve)));
    await Promise.all(ready);
    const done = workers.map(
      (w) =>
        new Promise<number>((resolve, reject) => {
          w.once('message', resolve);
          w.once('error', reject);
        }),
    );
    const started = performance.now();
    for (const w of workers) w.postMessage('go');
    const valid = await Promise.all(done);
    const seconds = (performance.now() - started) / 1000;
    if (valid.some((v) => v !== perThread)) throw new Error(`a ${scheme} signature failed to verify`);
    return (threads * perThread) / seconds;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * Node's own `crypto.verify` with a key object made once, on a message the size of what the
 * project signs: the most signature checks per second any path that checks each one can reach.
 * Measured on one worker thread, then on one per core at once.
 */
export async function signatureVerifications(
  scheme: SignatureScheme,
  messageBytes: number,
  perThread: number,
): Promise<SignatureRates> {
  const { privateKey, publicKey } =
    scheme === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const message = randomBytes(messageBytes);
  const signature =
    scheme === 'ed25519'
      ? sign(null, message, privateKey)
      : sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const threads = cpus().length;
  // A short warm-up run, so neither figure pays for the first compilation.
  await verifyOnThreads(scheme, message, signature, pem, 1, Math.ceil(perThread / 10));
  const oneCore = await verifyOnThreads(scheme, message, signature, pem, 1, perThread);
  const allCores = await verifyOnThreads(scheme, message, signature, pem, threads, perThread);
  return { scheme, messageBytes, oneCore, allCores, threads };
}
