import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DependencyError } from '@ballotstream/core';
import type { VoteStore } from '@ballotstream/core/ports';
import type { VoteMessage } from '@ballotstream/events';
import { installDeps } from '@ballotstream/functions/shared/deps';
import { BoothGateway } from '@ballotstream/gateway';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Ballot,
  choiceOf,
  countBy,
  type Drill,
  materialisedTally,
  publishAs,
  secrecyBreaches,
  secretsOf,
  signVote,
  startDrill,
  storedTotals,
  verify,
} from './evidence-harness';

let drill: Drill | undefined;
afterEach(async () => {
  await drill?.stop();
  drill = undefined;
});

function gatewayFor(
  d: Drill,
  ballot: Ballot,
  clock?: () => number,
  extra: { queueDir?: string; paceMs?: number } = {},
): BoothGateway {
  const { machine } = ballot;
  return new BoothGateway({
    ...extra,
    stage: d.runtime.deps.config.stage,
    machineId: machine.machineId,
    boothId: machine.boothId,
    electionId: d.election.electionId,
    constituencyId: machine.constituencyId,
    privateKey: machine.privateKey,
    mqttUrl: d.runtime.mqttUrl,
    bucketMs: d.runtime.deps.config.bucketMs,
    ...(clock === undefined ? {} : { clock }),
  });
}

/** Starts one gateway per machine that has ballots; each gateway casts its machine's ballots in turn. */
async function castThroughGateways(
  d: Drill,
  ballots: readonly Ballot[],
  clockOf: (machineId: string) => (() => number) | undefined = () => undefined,
  onCast?: (count: number) => Promise<void> | void,
): Promise<Map<string, string>> {
  const byMachine = new Map<string, Ballot[]>();
  for (const b of ballots)
    byMachine.set(b.machine.machineId, [...(byMachine.get(b.machine.machineId) ?? []), b]);
  const gateways = new Map<string, BoothGateway>();
  for (const [machineId, list] of byMachine) {
    const gateway = gatewayFor(d, list[0]!, clockOf(machineId));
    await gateway.start();
    gateways.set(machineId, gateway);
  }
  // What each vote was cast for, by vote id: the ground truth the tally must equal.
  const cast = new Map<string, string>();
  let count = 0;
  try {
    await Promise.all(
      [...byMachine].map(async ([machineId, list]) => {
        for (const ballot of list) {
          const candidate = choiceOf(d.election, ballot);
          const receipt = await gateways.get(machineId)!.cast(ballot.ballotToken, candidate);
          cast.set(receipt.voteId, `${ballot.machine.constituencyId}#${candidate}`);
          await onCast?.(++count);
        }
      }),
    );
    // A cast is on the gateway's disk; delivery follows in the background until acknowledged.
    await Promise.all([...gateways.values()].map((g) => g.drained()));
    for (const gateway of gateways.values()) expect(gateway.pending()).toBe(0);
  } finally {
    await Promise.allSettled([...gateways.values()].map((g) => g.stop()));
  }
  return cast;
}

function truthOf(cast: ReadonlyMap<string, string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of cast.values()) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

describe('the broker restarted in the middle of the stream', () => {
  it('loses no vote and counts none twice once the gateways reconnect', async () => {
    drill = await startDrill();
    const d = drill;
    const ballots = (await verify(d, 0, d.election.voters.length)).granted;
    const port = Number(new URL(d.runtime.mqttUrl).port);
    let restarting: Promise<void> | undefined;
    const cast = await castThroughGateways(d, ballots, undefined, (count) => {
      if (count === 150) {
        restarting = (async () => {
          await d.runtime.broker.close();
          await new Promise((r) => setTimeout(r, 300));
          await d.runtime.broker.listen(port);
        })();
      }
    });
    await restarting;
    expect(cast.size).toBe(ballots.length);
    expect(await materialisedTally(d)).toEqual(truthOf(cast));
    expect(await storedTotals(d)).toEqual({ primary: cast.size, secondary: cast.size });
    expect(new Set(d.accepted)).toEqual(new Set(cast.keys()));
    expect(d.rejected).toEqual([]);
  });
});

describe('a gateway killed with votes still in its queue', () => {
  it('delivers every queued vote after it restarts, each counted once', async () => {
    drill = await startDrill();
    const d = drill;
    const machine = d.election.machines[0]!;
    const ballots = (await verify(d, 0, 200, () => machine)).granted;
    const queueDir = mkdtempSync(join(tmpdir(), 'ballotstream-fault-queue-'));
    const options = { queueDir, paceMs: 3 };
    const first = gatewayFor(d, ballots[0]!, undefined, options);
    await first.start();
    const cast = new Map<string, string>();
    for (const ballot of ballots) {
      const candidate = choiceOf(d.election, ballot);
      const receipt = await first.cast(ballot.ballotToken, candidate);
      cast.set(receipt.voteId, `${machine.constituencyId}#${candidate}`);
    }
    while (first.pending() > 120) await new Promise((r) => setTimeout(r, 5));
    // The gateway dies with votes in flight and most of its queue undelivered.
    await first.stop();
    const left = d.accepted.length;
    expect(left).toBeLessThan(ballots.length);

    const second = gatewayFor(d, ballots[0]!, undefined, options);
    await second.start();
    await second.drained();
    await second.stop();
    rmSync(queueDir, { recursive: true, force: true });
    expect(await materialisedTally(d)).toEqual(truthOf(cast));
    expect(await storedTotals(d)).toEqual({ primary: cast.size, secondary: cast.size });
    expect(new Set(d.accepted)).toEqual(new Set(cast.keys()));
    expect(d.rejected).toEqual([]);
  });
});

/** A vote store whose region can be taken down: every call fails as an unreachable region would. */
function downable(store: VoteStore): { store: VoteStore; setDown(down: boolean): void } {
  let down = false;
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'close') return value;
      return (...args: unknown[]) =>
        down
          ? Promise.reject(new DependencyError('vote-store', 'secondary region is unreachable'))
          : (value as (...a: unknown[]) => unknown).apply(target, args);
    },
  });
  return {
    store: proxy,
    setDown(next) {
      down = next;
    },
  };
}

describe('the secondary region down while votes arrive', () => {
  it('tallies every vote from the primary, keeps the rest visible, and agrees once the region is back', async () => {
    drill = await startDrill();
    const d = drill;
    const { runtime, election } = d;
    const secondary = downable(runtime.deps.voteStores.secondary);
    installDeps({ ...runtime.deps, voteStores: { ...runtime.deps.voteStores, secondary: secondary.store } });
    const ballots = (await verify(d, 0, 300)).granted;
    const votes: VoteMessage[] = ballots.map((b) =>
      signVote(election, b, choiceOf(election, b), runtime.deps.config.bucketMs),
    );
    secondary.setDown(true);
    await publishAs(
      runtime.mqttUrl,
      runtime.deps.config.stage,
      votes.map((v) => ({ machineId: v.machineId, payload: JSON.stringify(v) })),
    );
    expect(await materialisedTally(d)).toEqual(countBy(votes));
    // Nothing is dropped silently: each vote the secondary missed is a dead letter naming it.
    const missed = runtime.bus.deadLetters().filter((l) => l.subscription === 'recordVoteSecondary');
    expect(missed.length).toBe(votes.length);

    secondary.setDown(false);
    expect(await materialisedTally(d)).toEqual(countBy(votes));
    const stores = await storedTotals(d);
    expect(stores).toEqual({ primary: votes.length, secondary: votes.length });
    expect(d.rejected).toEqual([]);
  });
});

describe('a machine whose clock is off by minutes', () => {
  it('counts each of its votes once or refuses it with a reason, and keeps time only to the bucket', async () => {
    drill = await startDrill();
    const d = drill;
    const { runtime, election } = d;
    const ballots = (await verify(d, 0, 240)).granted;
    const skews = new Map<string, number>([
      [election.machines[0]!.machineId, 7 * 60_000],
      [election.machines[1]!.machineId, -9 * 60_000],
      [election.machines[2]!.machineId, 3 * 60_000 + 17_000],
    ]);
    const cast = await castThroughGateways(d, ballots, (machineId) => {
      const skew = skews.get(machineId);
      return skew === undefined ? undefined : () => Date.now() + skew;
    });
    await runtime.bus.drain();
    const accepted = new Set(d.accepted);
    const refused = d.rejected.filter((r) => r.voteId !== undefined && cast.has(r.voteId));
    expect(accepted.size + refused.length).toBe(cast.size);
    expect(refused.every((r) => r.reason.length > 0)).toBe(true);
    const acceptedTruth = new Map([...cast].filter(([id]) => accepted.has(id)));
    expect(await materialisedTally(d)).toEqual(truthOf(acceptedTruth));

    const dataDir = d.dataDir;
    await runtime.stop();
    expect(
      await secrecyBreaches(dataDir, secretsOf(election, ballots), runtime.deps.config.bucketMs),
    ).toEqual([]);
  });
});
