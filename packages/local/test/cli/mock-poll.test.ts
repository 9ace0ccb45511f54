import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { rawPublicKey, readTicket, recordKeys } from '@ballotstream/core';
import { LmdbRecordStore, loadFileTicketKeys } from '@ballotstream/core/adapters/local';
import { BoothGateway } from '@ballotstream/gateway';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTokenIssuer } from '../../src/auth/jwt';
import { issueMachineCertificate, loadOrCreateElectionCa } from '../../src/pki/election-ca';

const cli = resolve(import.meta.dirname, '../../src/cli.ts');
const tsx = pathToFileURL(resolve(import.meta.dirname, '../../../../node_modules/tsx/dist/loader.mjs')).href;
const blueprint = resolve(import.meta.dirname, '../../../../elections/city-municipal.json');
// A Redis database of this test's own, so its keys can be read without meeting other tests'.
const redisUrl = `${process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'}/9`;
const REAL = 'pune-mc-2027';
const MOCK = `${REAL}-mock`;

let root: string;
let redis: Redis;
const running = new Set<ChildProcess>();

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ballotstream-mock-poll-'));
  redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  await deleteKeys(`*${REAL}*`);
});

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  await deleteKeys(`*${REAL}*`).catch(() => undefined);
  redis?.disconnect();
  rmSync(root, { recursive: true, force: true });
});

async function deleteKeys(pattern: string): Promise<void> {
  const keys = await redis.keys(pattern);
  if (keys.length > 0) await redis.del(...keys);
}

/** `ballotstream up …` in the test's folder, as a user starts it; resolves with its URLs once the blueprint is applied. */
async function up(...flags: string[]): Promise<{ httpUrl: string; mqttUrl: string; stop(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', tsx, cli, 'up', '--config', blueprint, '--no-web-build', '--redis-url', redisUrl, ...flags],
    { cwd: root, env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let out = '';
  child.stderr!.on('data', (chunk) => {
    out += String(chunk);
  });
  const ready = await new Promise<string>((done, fail) => {
    child.stdout!.on('data', (chunk) => {
      out += String(chunk);
      // The election is registered once every data file is in: then it is ready.
      if (/^ {2}election {4}/m.test(out)) done(out);
    });
    void exited.then(() => fail(new Error(`up exited before it was ready:\n${out}`)));
  });
  return {
    httpUrl: /API +(http:\/\/\S+)/.exec(ready)![1]!,
    mqttUrl: /MQTT +(mqtts?:\/\/\S+)/.exec(ready)![1]!,
    stop: async () => {
      child.kill('SIGINT');
      await exited;
      running.delete(child);
    },
  };
}

/** The real election's and stage's Redis keys with their values' digests. */
async function realRedisKeys(): Promise<Record<string, string>> {
  const keys = [...(await redis.keys(`*bs:${REAL}:*`)), ...(await redis.keys('bs:city-municipal:*'))].sort();
  const dumps = await Promise.all(keys.map((key) => redis.dump(key)));
  return Object.fromEntries(
    keys.map((key, i) => [
      key,
      createHash('sha256')
        .update(dumps[i] ?? '')
        .digest('hex'),
    ]),
  );
}

/** Every file under a directory with a digest of its content, by path. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(dir);
  return files;
}

async function call(httpUrl: string, token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${httpUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('a mock poll (up --config <blueprint> --mock-poll)', () => {
  it("takes a verification and a vote over HTTP and MQTT, and never touches the real election's data", async () => {
    const realDir = join(root, '.data', 'city-municipal');
    const mockDir = join(root, '.data', 'city-municipal-mock');

    // The real election, registered ahead of its poll day; then it is left alone.
    const real = await up();
    await real.stop();
    const realBefore = snapshot(realDir);
    const realKeysBefore = await realRedisKeys();
    expect(Object.keys(realBefore).some((f) => f.startsWith('keys/'))).toBe(true);

    const mock = await up('--mock-poll');
    try {
      const tokens = LocalTokenIssuer.fromKeyDir(join(mockDir, 'keys'));
      const as = (role: string) => tokens.mint({ role: role as 'admin', subject: `mock-poll-${role}` });

      // A machine for a booth, registered as on any poll day, with its certificate from the mock's CA.
      const { privateKey } = generateKeyPairSync('ed25519');
      const machine = { machineId: 'm-ward-1-booth-1', boothId: 'ward-1-booth-1' };
      const registered = await call(mock.httpUrl, as('admin'), 'POST', '/admin/machines', {
        ...machine,
        publicKey: rawPublicKey(privateKey),
      });
      expect(registered, JSON.stringify(registered.body)).toMatchObject({ status: 201 });

      // The issue centre enrols a voter of the roll and signs a ticket; the booth verifies it.
      const fingerprint = Buffer.from('finger:PUN0000006').toString('base64url');
      const issued = await call(mock.httpUrl, as('clerk'), 'POST', '/tickets', {
        voterId: 'PUN0000006',
        fingerprints: [fingerprint],
      });
      expect(issued.status).toBe(201);
      const verified = await call(mock.httpUrl, as('booth'), 'POST', '/verifications', {
        ticket: issued.body.ticket,
        fingerprint,
        ...machine,
      });
      expect(verified).toMatchObject({ status: 201, body: { ballotToken: expect.any(String) } });

      // The machine casts over MQTT (TLS, the mock's CA); the receipt comes back recorded.
      const ca = await loadOrCreateElectionCa(join(mockDir, 'pki'));
      const gateway = new BoothGateway({
        stage: 'city-municipal-mock',
        ...machine,
        electionId: MOCK,
        constituencyId: 'ward-1',
        privateKey,
        mqttUrl: mock.mqttUrl,
        tls: await issueMachineCertificate(ca, machine.machineId),
        bucketMs: 300_000,
        queueDir: join(root, 'queue'),
        retry: { initialMs: 50, maxMs: 500 },
      });
      await gateway.start();
      try {
        const { receipt } = await gateway.cast(String(verified.body.ballotToken), 'ward-1-cand-2');
        const recorded = await eventually(async () => {
          const answer = await call(mock.httpUrl, '', 'GET', `/receipts/${receipt}`);
          return answer.body.recorded === true ? answer.body : undefined;
        });
        expect(recorded).toMatchObject({ recorded: true });
      } finally {
        await gateway.stop();
      }

      // The ticket is the mock's: its keys are not the real election's, which call it forged.
      const realKeys = loadFileTicketKeys(join(realDir, 'keys'));
      const mockKeys = loadFileTicketKeys(join(mockDir, 'keys'));
      expect(readTicket(mockKeys, String(issued.body.ticket))).toMatchObject({ ok: true });
      expect(readTicket(realKeys, String(issued.body.ticket))).toMatchObject({ ok: false, error: 'forged' });
    } finally {
      await mock.stop();
    }

    // Nothing of the real election's data directory changed, and the mock's is its own.
    expect(snapshot(realDir)).toEqual(realBefore);
    expect(existsSync(join(mockDir, 'records'))).toBe(true);

    // Each directory's records hold its own election only.
    for (const [dir, own, other] of [
      [mockDir, MOCK, REAL],
      [realDir, REAL, MOCK],
    ] as const) {
      const records = new LmdbRecordStore(join(dir, 'records'));
      try {
        const election = await records.get('registry', recordKeys.registryEntity('election', own));
        expect(election, dir).toMatchObject({ electionId: own });
        if (own === MOCK) expect(election?.name).toMatch(/^MOCK POLL: /);
        expect(
          await records.get('registry', recordKeys.registryEntity('election', other)),
          dir,
        ).toBeUndefined();
      } finally {
        await records.close();
      }
    }

    // The voter's claim is under the mock's election id; no key of the real stage or election moved.
    expect(await redis.keys(`{bs:${MOCK}:*`)).not.toHaveLength(0);
    expect(await realRedisKeys()).toEqual(realKeysBefore);
  }, 300_000);
});
