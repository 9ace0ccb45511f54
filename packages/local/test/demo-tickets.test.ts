import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoElection, seedDemoElection } from '../src/demo/seed';
import { type Runtime, startRuntime } from '../src/runtime/runtime';

let runtime: Runtime;
let election: DemoElection;

beforeAll(async () => {
  runtime = await startRuntime({ runSchedules: false });
  election = await seedDemoElection(runtime.deps, {
    regions: 1,
    constituenciesPerRegion: 1,
    candidatesPerConstituency: 2,
    boothsPerConstituency: 1,
    voters: 20,
  });
});
afterAll(async () => {
  await runtime?.stop();
});

const status = async (ticketId: string) => {
  const response = await fetch(`${runtime.httpUrl}/tickets/${encodeURIComponent(ticketId)}/status`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('demo tickets', () => {
  it('carry 96 random bits as the issue centre mints them, so none can be guessed from another', () => {
    const ids = election.voters.map((v) => v.ticketId);
    for (const id of ids) expect(id).toMatch(/^t[A-Za-z0-9_-]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('answer numbered guesses as unknown, so no one can list who voted', async () => {
    for (let n = 1; n <= 20; n++) expect((await status(`t-${n}`)).status, `t-${n}`).toBe(404);
  });

  it('tell the holder of a ticket its status, and nothing of the voter', async () => {
    const voter = election.voters[0]!;
    const answer = await status(voter.ticketId);
    expect(answer).toEqual({ status: 200, body: { ticketId: voter.ticketId, status: 'valid' } });
  });
});
