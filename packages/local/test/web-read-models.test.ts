import { recordKeys } from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import { formatReceipt, tallyMaterialised, voteAccepted } from '@ballotstream/events';
import { appOf } from '@ballotstream/functions/shared/deps';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantBallotToken, signedVote } from '../src/casting/casting-load';
import { type DemoElection, seedDemoElection } from '../src/demo/seed';
import { type Runtime, startRuntime } from '../src/runtime/runtime';

let runtime: Runtime;
let election: DemoElection;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  runtime = await startRuntime({ runSchedules: false });
  election = await seedDemoElection(runtime.deps, {
    regions: 2,
    constituenciesPerRegion: 1,
    candidatesPerConstituency: 2,
    boothsPerConstituency: 1,
    voters: 1,
  });
});

afterAll(async () => {
  await runtime?.stop();
});

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${runtime.httpUrl}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the read models behind the citizen app and the monitoring centre', () => {
  it('says a receipt was recorded once ingest accepts its vote, and not before', async () => {
    const code = 'K7M2Q9ZD4TWX';
    expect((await get(`/receipts/${formatReceipt(code)}`)).body).toEqual({
      receipt: formatReceipt(code),
      recorded: false,
    });
    const { deps } = runtime;
    const machine = election.machines[0]!;
    const token = await grantBallotToken(deps.records, election.electionId, machine, Date.now() + 60_000);
    const bucketStart = Math.floor(Date.now() / deps.config.bucketMs) * deps.config.bucketMs;
    const candidate = election.candidates.get(machine.constituencyId)![0]!;
    const vote = signedVote(machine, election.electionId, candidate, bucketStart, token, code);
    const delivery = {
      id: 'q-1',
      machineId: machine.machineId,
      payload: { ok: true as const, message: vote },
    };
    expect(await appOf(deps).ingestVotes([delivery])).toEqual({ failed: [], refusals: [] });
    const answer = await get(`/receipts/${code.toLowerCase()}`);
    expect(answer).toEqual({ status: 200, body: { receipt: formatReceipt(code), recorded: true } });
  });

  it("notes a machine's last vote (to its bucket's end) once ingest accepts it, with no subscriber", async () => {
    const { deps } = runtime;
    const machine = election.machines[1]!;
    const token = await grantBallotToken(deps.records, election.electionId, machine, Date.now() + 60_000);
    const bucketStart = Math.floor(Date.now() / deps.config.bucketMs) * deps.config.bucketMs;
    const candidate = election.candidates.get(machine.constituencyId)![0]!;
    const vote = signedVote(machine, election.electionId, candidate, bucketStart, token);
    const delivery = {
      id: 'q-2',
      machineId: machine.machineId,
      payload: { ok: true as const, message: vote },
    };
    // The acceptance reaches no bus here: only ingest itself can have written the record.
    const published: unknown[] = [];
    const ingest = appOf({ ...deps, publisher: { publish: async (e) => void published.push(...e) } });
    expect(await ingest.ingestVotes([delivery])).toEqual({ failed: [], refusals: [] });
    expect(published).toHaveLength(1);
    const activity = await deps.records.get('fleet', recordKeys.machineActivity(machine.machineId));
    expect(activity?.lastVoteAt).toBe(bucketStart + deps.config.bucketMs);
  });

  it('keeps nothing but the code in the receipt record', async () => {
    const record = await runtime.deps.records.get(
      'ledger',
      recordKeys.receipt(runtime.deps.config.electionId, 'K7M2Q9ZD4TWX'),
    );
    const { pk: _pk, sk: _sk, ...fields } = record ?? { pk: '', sk: '' };
    expect(fields).toEqual({ recorded: true });
  });

  it('refuses a malformed receipt with a 400 naming the code', async () => {
    const answer = await get('/receipts/ABC');
    expect(answer.status).toBe(400);
    expect(answer.body.problems).toEqual(['code: must be 12 symbols']);
  });

  it('sums turnout per window, for the country and for one region', async () => {
    const electionId = runtime.deps.config.electionId;
    const windows = [
      { windowStart: 0, constituencies: { 'c-1-1': 3, 'c-2-1': 4 } },
      { windowStart: 900_000, constituencies: { 'c-1-1': 5 } },
    ];
    for (const w of windows) {
      await runtime.deps.records.put('tallies', {
        ...recordKeys.turnoutWindow(electionId, w.windowStart),
        ...w,
      });
    }
    const country = await get('/turnout');
    expect(country.body.points).toEqual([
      { windowStart: 0, votes: 7, cumulative: 7 },
      { windowStart: 900_000, votes: 5, cumulative: 12 },
    ]);
    const region = await get('/turnout?regionId=region-2');
    expect(region.body).toMatchObject({ regionId: 'region-2', totalVotes: 4 });
  });

  it('shows the latest region agreement of each window', async () => {
    const electionId = runtime.deps.config.electionId;
    const base = { electionId, windowStart: 0, windowEnd: 900_000, votes: 7 };
    await runtime.deps.publisher.publish([
      eventOf(tallyMaterialised, {
        ...base,
        agreement: 'primary-only',
        materialisedAt: '2026-11-27T08:00:00Z',
      }),
    ]);
    await runtime.deps.publisher.publish([
      eventOf(tallyMaterialised, { ...base, agreement: 'agree', materialisedAt: '2026-11-27T08:01:00Z' }),
    ]);
    await runtime.bus.drain();
    const windows = await get('/tallies/windows');
    expect(windows.body.windows).toEqual([
      {
        windowStart: 0,
        windowEnd: 900_000,
        votes: 7,
        agreement: 'agree',
        materialisedAt: '2026-11-27T08:01:00Z',
      },
    ]);
  });

  it('lists booths nearest a point, with distances, and refuses a point that is not one', async () => {
    const near = await get('/booths?near=19.1,72.9&limit=2');
    const booths = near.body.booths as { boothId: string; distanceKm: number }[];
    expect(booths.map((b) => b.boothId)).toEqual(['booth-2-1-1', 'booth-1-1-1']);
    expect(booths[0]!.distanceKm).toBeLessThan(booths[1]!.distanceKm);
    expect(booths[0]!.distanceKm).toBeGreaterThan(0);
    const bad = await get('/booths?near=north');
    expect(bad.status).toBe(400);
    expect(bad.body.problems).toEqual(['near: must be "lat,lon" in decimal degrees']);
  });

  it('pages the booth list through the API: `next` reads the page after, each booth once', async () => {
    const first = await get('/booths?limit=1');
    const firstPage = first.body as { booths: { boothId: string }[]; next?: string };
    expect(firstPage.booths).toHaveLength(1);
    expect(firstPage.next).toBe(firstPage.booths[0]!.boothId);
    const seen = [...firstPage.booths];
    let after = firstPage.next;
    while (after !== undefined) {
      const page = (await get(`/booths?limit=1&after=${after}`)).body as typeof firstPage;
      seen.push(...page.booths);
      after = page.next;
    }
    const all = (await get('/booths?limit=500')).body as typeof firstPage;
    expect(all.next).toBeUndefined();
    expect(seen.map((b) => b.boothId)).toEqual(all.booths.map((b) => b.boothId));
    const mixed = await get('/booths?near=19.1,72.9&after=booth-1-1-1');
    expect(mixed.status).toBe(400);
    expect(mixed.body.problems).toEqual([
      'after: cannot be used with near: the nearest booths come in one page',
    ]);
  });

  it("lists a constituency's candidates in ballot order, and asks for the constituency", async () => {
    const listed = await get('/candidates?constituencyId=c-1-1');
    expect((listed.body.candidates as { ballotOrder: number }[]).map((c) => c.ballotOrder)).toEqual([1, 2]);
    const missing = await get('/candidates');
    expect(missing.status).toBe(400);
    expect(String(missing.body.problems)).toContain('constituencyId');
  });

  it('keeps the fleet to officers, and an officer to their own region', async () => {
    const asOfficer = {
      authorization: `Bearer ${runtime.tokens.mint({ role: 'officer', regionId: 'region-1' })}`,
    };
    const asBooth = { authorization: `Bearer ${runtime.tokens.mint({ role: 'booth' })}` };
    const now = Date.now();
    await runtime.deps.publisher.publish([
      eventOf(voteAccepted, {
        voteId: 'v-2',
        electionId: runtime.deps.config.electionId,
        constituencyId: 'c-1-1',
        boothId: 'booth-1-1-1',
        machineId: 'm-1-1-1',
        candidateId: 'cand-1-1-1',
        bucketStart: now - (now % runtime.deps.config.bucketMs),
      }),
    ]);
    await runtime.bus.drain();
    expect((await fetch(`${runtime.httpUrl}/machines`)).status).toBe(401);
    expect((await fetch(`${runtime.httpUrl}/machines`, { headers: asBooth })).status).toBe(403);
    const own = await fetch(`${runtime.httpUrl}/machines`, { headers: asOfficer });
    const machines = ((await own.json()) as { machines: { machineId: string; state: string }[] }).machines;
    expect(machines.map((m) => m.machineId)).toEqual(['m-1-1-1']);
    expect(machines[0]!.state).toBe('voting');
    expect(
      (await fetch(`${runtime.httpUrl}/machines?regionId=region-2`, { headers: asOfficer })).status,
    ).toBe(403);
    expect((await fetch(`${runtime.httpUrl}/machines/m-2-1-1`, { headers: asOfficer })).status).toBe(404);
  });
});
