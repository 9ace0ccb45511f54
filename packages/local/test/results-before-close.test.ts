import { recordKeys } from '@ballotstream/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoElection } from '../src/demo/seed';
import { type Runtime, startRuntime } from '../src/runtime/runtime';

let runtime: Runtime;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  runtime = await startRuntime({ runSchedules: false });
  await seedDemoElection(runtime.deps, {
    regions: 2,
    constituenciesPerRegion: 1,
    candidatesPerConstituency: 2,
    boothsPerConstituency: 1,
    voters: 0,
  });
});

afterAll(async () => {
  await runtime?.stop();
});

async function registerElection(closesInMs: number): Promise<void> {
  const { records, config } = runtime.deps;
  const closesAt = new Date(Date.now() + closesInMs).toISOString();
  await records.put('registry', {
    ...recordKeys.registryEntity('election', config.electionId),
    electionId: config.electionId,
    name: 'General election',
    pollDay: closesAt.slice(0, 10),
    opensAt: new Date(Date.now() + closesInMs - 11 * 3600_000).toISOString(),
    closesAt,
    timeZone: 'UTC',
  });
}

async function get(path: string, token?: string) {
  const response = await fetch(`${runtime.httpUrl}${path}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('running results before the polls close', () => {
  it('are not public while the polls of a registered election are open', async () => {
    await registerElection(3600_000);
    const answer = await get('/tallies?level=region');
    expect(answer.status).toBe(403);
    expect(String(answer.body.message)).toMatch(/published when polls close/);
  });

  it("are an officer's to read, for their own region only", async () => {
    const officer = runtime.tokens.mint({ role: 'officer', regionId: 'region-1', subject: 'o-1' });
    const own = await get('/monitor/tallies?level=region', officer);
    expect(own.status).toBe(200);
    expect(own.body.lines).toEqual([]);
    expect((await get('/monitor/tallies?level=region&regionId=region-2', officer)).status).toBe(403);
    expect((await get('/monitor/tallies?level=region')).status).toBe(401);
  });

  it('are public once the polls have closed', async () => {
    await registerElection(-60_000);
    expect((await get('/tallies?level=region')).status).toBe(200);
  });
});
