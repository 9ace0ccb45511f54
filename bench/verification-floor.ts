import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { atConcurrency, type Rate } from './measure';

/** A rate with the CPU this process spent per operation (every thread), in µs. */
export interface CpuRate extends Rate {
  readonly cpuMicrosPerOp: number;
}

/** CPU spent by this process while `work` runs, in µs per operation. */
export async function cpuPerOp<T>(
  ops: number,
  work: () => Promise<T>,
): Promise<{ micros: number; value: T }> {
  const cpu = process.cpuUsage();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return { micros: (used.user + used.system) / Math.max(1, ops), value };
}

/** A keep-alive HTTP client of `sockets` connections: the same for the bare floor and the path. */
export function keepAliveAgent(sockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

/** POSTs a JSON body and reads the whole answer: its status and parsed body. */
export function postJson(
  agent: Agent,
  url: string,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          try {
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
            });
          } catch (error) {
            reject(
              new Error(`${url} answered ${res.statusCode} with a body that is not JSON`, { cause: error }),
            );
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A verification's request body and answer, at their real sizes (a ticket is ~300 B of base64url). */
const requestBody = JSON.stringify({
  ticket: randomBytes(240).toString('base64url'),
  fingerprint: randomBytes(32).toString('hex'),
  boothId: 'booth-c-01-01',
  machineId: 'machine-c-01-01-1',
});
const answerBody = JSON.stringify({
  ballotToken: randomBytes(32).toString('base64url'),
  machineId: 'machine-c-01-01-1',
  expiresAt: 1_780_000_020_000,
  visitor: 'first-visit',
});

/**
 * A bare `node:http` JSON request and answer, client and server in this process with the keep-alive
 * client the verification path uses, at the same number in flight: the body is read and parsed, an
 * answer written and parsed. No routing, no authorizer, no event built. CPU per request and its rate.
 */
export async function bareHttpJson(total: number, concurrency: number): Promise<CpuRate> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { ticket?: unknown };
      res.writeHead(typeof parsed.ticket === 'string' ? 201 : 400, { 'content-type': 'application/json' });
      res.end(answerBody);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/verifications`;
  const agent = keepAliveAgent(concurrency);
  try {
    await atConcurrency(Math.min(total, 500), concurrency, () => postJson(agent, url, requestBody));
    const { micros, value } = await cpuPerOp(total, () =>
      atConcurrency(total, concurrency, async () => {
        const answer = await postJson(agent, url, requestBody);
        if (answer.status !== 201) throw new Error(`the bare server answered ${answer.status}`);
      }),
    );
    return { ...value, cpuMicrosPerOp: micros };
  } finally {
    agent.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Bare LMDB doing a durable conditional write: read the key and write it only if absent, in one
 * write transaction, many in flight so they share commits (as the record store does). CPU per write.
 */
export async function lmdbConditionalWriteCpu(writes: number, inFlight: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'ballotstream-floor-'));
  const db = open<{ status: string; at: number }, string>({ path: join(dir, 'records') });
  try {
    const run = randomUUID().slice(0, 8);
    const { micros } = await cpuPerOp(writes, () =>
      atConcurrency(writes, inFlight, (i) =>
        db.transaction(() => {
          const key = `voter#${run}#${i}`;
          if (db.get(key) !== undefined) return false;
          db.put(key, { status: 'verified', at: i });
          return true;
        }),
      ),
    );
    return micros;
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The ballot token's own arithmetic, CPU per token: derived from the attempt's secret with an HMAC
 * and stored under its SHA-256 (its conditional write is measured by `lmdbConditionalWriteCpu`).
 */
export function ballotTokenCpu(tokens: number): number {
  const secrets = Array.from({ length: 1_000 }, () => randomBytes(32));
  const cpu = process.cpuUsage();
  let check = 0;
  for (let i = 0; i < tokens; i++) {
    const token = createHmac('sha256', secrets[i % secrets.length]!)
      .update('ballotstream ballot token')
      .digest('base64url');
    check += createHash('sha256').update(token).digest()[0]!;
  }
  const used = process.cpuUsage(cpu);
  if (check < 0) throw new Error('unreachable');
  return (used.user + used.system) / tokens;
}

/** The parts of a verification's floor, µs of CPU each, and their sum. */
export interface VerificationFloor {
  readonly httpMicros: number;
  readonly ticketSignatureMicros: number;
  readonly redisClaimMicros: number;
  readonly conditionalWriteMicros: number;
  readonly ballotTokenMicros: number;
  readonly totalMicros: number;
}

/** Sums a verification's bare parts: the request, the ticket check, the claim, two durable writes. */
export function verificationFloor(parts: Omit<VerificationFloor, 'totalMicros'>): VerificationFloor {
  return {
    ...parts,
    totalMicros:
      parts.httpMicros +
      parts.ticketSignatureMicros +
      parts.redisClaimMicros +
      parts.conditionalWriteMicros +
      parts.ballotTokenMicros,
  };
}
