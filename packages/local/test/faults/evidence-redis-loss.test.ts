import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Ballot,
  choiceOf,
  countBy,
  type Drill,
  materialisedTally,
  publishAs,
  signVote,
  startDrill,
  verify,
} from './evidence-harness';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function privateRedis(): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}/9`;
  for (let i = 0; i < 100; i++) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return { url, process: child };
    } catch {
      probe.disconnect();
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('private redis-server did not start');
}

describe('the voter cache flushed, then killed, in the middle of voting', () => {
  let redis: { url: string; process: ChildProcess };
  let drill: Drill;
  beforeAll(async () => {
    redis = await privateRedis();
    drill = await startDrill({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await drill?.stop();
    redis?.process.kill('SIGKILL');
  });

  it('grants each voter one ballot, counts each vote once, and keeps serving', async () => {
    const { runtime, election } = drill;
    const machines = election.machines;
    const elsewhere = (i: number) => machines[(i + 3) % machines.length]!;
    const ballots: Ballot[] = [];

    const first = await verify(drill, 0, 150);
    ballots.push(...first.granted);
    expect(first.refused).toEqual([]);

    const admin = new Redis(redis.url);
    await admin.flushdb();
    admin.disconnect();
    const againAfterFlush = await verify(drill, 0, 150, elsewhere);
    expect(againAfterFlush.granted).toEqual([]);
    expect(new Set(againAfterFlush.refused.map((r) => r.error))).toEqual(new Set(['already-voted']));
    const second = await verify(drill, 150, 250);
    ballots.push(...second.granted);
    expect(second.refused).toEqual([]);

    redis.process.kill('SIGKILL');
    await new Promise((resolve) => redis.process.once('exit', resolve));
    const third = await verify(drill, 250, 400);
    ballots.push(...third.granted);
    expect(third.refused).toEqual([]);
    const againAfterKill = await verify(drill, 0, 400, elsewhere);
    expect(againAfterKill.granted).toEqual([]);
    expect(new Set(againAfterKill.refused.map((r) => r.error))).toEqual(new Set(['already-voted']));

    const perVoter = new Map<number, number>();
    for (const b of ballots) perVoter.set(b.voterIndex, (perVoter.get(b.voterIndex) ?? 0) + 1);
    expect(perVoter.size).toBe(election.voters.length);
    expect([...perVoter.values()].every((n) => n === 1)).toBe(true);

    const votes = ballots.map((b) =>
      signVote(election, b, choiceOf(election, b), runtime.deps.config.bucketMs),
    );
    await publishAs(
      runtime.mqttUrl,
      runtime.deps.config.stage,
      votes.map((v) => ({ machineId: v.machineId, payload: JSON.stringify(v) })),
    );
    expect(await materialisedTally(drill)).toEqual(countBy(votes));
    expect(drill.rejected).toEqual([]);

    const health = (await (await fetch(`${runtime.httpUrl}/health`)).json()) as { cache?: string };
    expect(health.cache).toBe('down');
  });
});
