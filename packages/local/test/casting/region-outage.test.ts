import { recordKeys, windowStartOf } from '@ballotstream/core';
import { SwitchableVoteStore } from '@ballotstream/core/adapters/local';
import type { VoteStore } from '@ballotstream/core/ports';
import type { EventBridgeEnvelope } from '@ballotstream/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantBallotToken, publishVotes, signedVote } from '../../src/casting/casting-load';
import { type DemoElection, seedDemoElection } from '../../src/demo/seed';
import { type Runtime, startRuntime } from '../../src/runtime/runtime';

let runtime: Runtime;
let election: DemoElection;
let secondary: SwitchableVoteStore;
const seen: EventBridgeEnvelope[] = [];
const truth = new Map<string, number>();

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  // Plain TCP: this test is about the vote stores, not about TLS.
  runtime = await startRuntime({ runSchedules: false, busBackoffMs: 5 });
  runtime.bus.listen((e) => seen.push(e));
  election = await seedDemoElection(runtime.deps, {
    regions: 1,
    constituenciesPerRegion: 2,
    candidatesPerConstituency: 3,
    boothsPerConstituency: 1,
    voters: 0,
  });
  secondary = new SwitchableVoteStore(runtime.deps.voteStores.secondary);
  // The handlers read the installed deps, so the outage switch sits in front of the secondary region.
  (runtime.deps.voteStores as { secondary: VoteStore }).secondary = secondary;
});

afterAll(async () => {
  await runtime?.stop();
});

async function castVotes(count: number): Promise<void> {
  const now = Date.now();
  const bucket = now - (now % runtime.deps.config.bucketMs);
  for (const machine of election.machines) {
    const candidates = election.candidates.get(machine.constituencyId)!;
    const messages = [];
    for (let i = 0; i < count; i++) {
      const candidate = candidates[i % candidates.length]!;
      const token = await grantBallotToken(runtime.deps.records, election.electionId, machine, now + 60_000);
      messages.push(signedVote(machine, election.electionId, candidate, bucket, token));
      const key = `${machine.constituencyId}#${candidate}`;
      truth.set(key, (truth.get(key) ?? 0) + 1);
    }
    await publishVotes({
      mqttUrl: runtime.mqttUrl,
      stage: runtime.deps.config.stage,
      machineId: machine.machineId,
      messages,
      window: 8,
    });
  }
  await runtime.bus.drain();
}

async function published(): Promise<Map<string, number>> {
  const response = await fetch(`${runtime.httpUrl}/tallies?level=constituency`);
  const body = (await response.json()) as { lines: { scope: string; candidateId: string; votes: number }[] };
  return new Map(body.lines.map((l) => [`${l.scope}#${l.candidateId}`, l.votes]));
}

const since = (n: number, type: string) => seen.slice(n).filter((e) => e['detail-type'] === type);

describe('when the secondary region is down for a window', () => {
  it('keeps tallying from the primary and raises a divergence alert', async () => {
    secondary.setDown(true);
    await castVotes(40);
    expect(runtime.bus.deadLetters().filter((d) => d.subscription === 'recordVoteSecondary')).toHaveLength(
      80,
    );
    const mark = seen.length;
    await runtime.scheduler.runNow('materialiseTallies');
    expect(await published()).toEqual(truth);
    const materialised = since(mark, 'tally.materialised').map((e) => e.detail as { agreement: string });
    expect(materialised.map((m) => m.agreement)).toEqual(['primary-only']);
    const diverged = since(mark, 'tally.diverged').map((e) => e.detail as { secondaryVotes: number | null });
    expect(diverged).toEqual([expect.objectContaining({ primaryVotes: 80, secondaryVotes: null })]);
  });

  it('backfills the secondary after it recovers, and then both regions agree', async () => {
    secondary.setDown(false);
    await castVotes(5);
    const mark = seen.length;
    await runtime.scheduler.runNow('materialiseTallies');
    const materialised = since(mark, 'tally.materialised').map(
      (e) => e.detail as { agreement: string; backfilled?: number },
    );
    expect(materialised).toEqual([expect.objectContaining({ agreement: 'agree', backfilled: 80 })]);
    expect(await published()).toEqual(truth);
    const span = [0, Date.now() + 3_600_000] as const;
    const [p, s] = await Promise.all([
      runtime.deps.voteStores.primary.tally(election.electionId, ...span),
      secondary.tally(election.electionId, ...span),
    ]);
    expect(s).toEqual(p);
    expect(p.reduce((sum, r) => sum + r.votes, 0)).toBe(90);
  });

  it('replaces a window on a re-run instead of adding to it', async () => {
    const before = await published();
    const { config, records } = runtime.deps;
    const now = Date.now();
    const windowStart = windowStartOf(now, config.tallyWindowMs);
    // Mark the window again, as a late vote would, and run twice.
    for (let run = 0; run < 2; run++) {
      await records.put('tallies', {
        ...recordKeys.dirtyWindow(election.electionId, windowStart),
        windowStart,
        mark: `again-${run}`,
      });
      const mark = seen.length;
      await runtime.scheduler.runNow('materialiseTallies');
      expect(since(mark, 'tally.materialised')).toHaveLength(1);
      expect(await published()).toEqual(before);
    }
  });
});
