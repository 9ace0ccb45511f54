import { generateKeyPairSync } from 'node:crypto';
import { rawPublicKey, recordKeys } from '@ballotstream/core';
import type { Deps } from '@ballotstream/functions/shared/deps';
import {
  demoBoothPlace,
  demoCandidate,
  demoConstituencyName,
  demoConstituencyNameHi,
  demoRegionName,
} from '../demo/geography';
import {
  type DemoElection,
  type DemoMachine,
  type DemoSize,
  type DemoVoter,
  enrolDemoVoter,
} from '../demo/seed';

/** Runs `work(i)` for i in [0, count) with at most `concurrency` at once. */
export async function inPool(
  count: number,
  concurrency: number,
  work: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) await work(i);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/**
 * Seeds an election of the demo's shape as `seedDemoElection` does, but with many writes in
 * flight, so the durable store's group commit makes seeding a national-sized election take
 * seconds instead of minutes. Booth and voter ids match the demo's.
 */
export async function seedElectionFast(
  deps: Deps,
  size: DemoSize,
  concurrency = 256,
  /** Booths voters are registered at, in plan order: voter i's home is booth i mod this. */
  homeBooths?: number,
): Promise<DemoElection> {
  const { records, config } = deps;
  const electionId = config.electionId;
  const plan: (Omit<DemoMachine, 'privateKey'> & { r: number; c: number; b: number })[] = [];
  const candidates = new Map<string, string[]>();
  // The same registry records `seedDemoElection` writes, so every read model and rule sees them.
  const registry: Record<string, unknown>[] = [];
  const electorate = Math.ceil(
    size.voters / (size.regions * size.constituenciesPerRegion * size.boothsPerConstituency),
  );
  for (let r = 1; r <= size.regions; r++) {
    const regionId = `region-${r}`;
    registry.push({ ...recordKeys.registryEntity('region', regionId), regionId, name: demoRegionName(r) });
    for (let c = 1; c <= size.constituenciesPerRegion; c++) {
      const constituencyId = `c-${r}-${c}`;
      registry.push({
        ...recordKeys.constituency(constituencyId),
        constituencyId,
        regionId,
        name: demoConstituencyName(r, c),
        nameHi: demoConstituencyNameHi(r, c),
      });
      const ids = Array.from({ length: size.candidatesPerConstituency }, (_, k) => `cand-${r}-${c}-${k + 1}`);
      candidates.set(constituencyId, ids);
      for (const [k, candidateId] of ids.entries()) {
        registry.push({
          ...recordKeys.registryEntity('candidate', candidateId),
          candidateId,
          constituencyId,
          regionId,
          ...demoCandidate(r, c, k + 1),
        });
      }
      for (let b = 1; b <= size.boothsPerConstituency; b++) {
        const boothId = `booth-${r}-${c}-${b}`;
        registry.push({
          ...recordKeys.booth(boothId),
          boothId,
          constituencyId,
          regionId,
          ...demoBoothPlace(r, c, b),
          electorate,
        });
        plan.push({ machineId: `m-${r}-${c}-${b}`, boothId, constituencyId, regionId, r, c, b });
      }
    }
  }
  await inPool(registry.length, concurrency, (i) =>
    records.put('registry', registry[i] as Parameters<typeof records.put>[1]),
  );
  const machines: DemoMachine[] = new Array(plan.length);
  await inPool(plan.length, concurrency, async (i) => {
    const { r: _r, c: _c, b: _b, ...m } = plan[i]!;
    const { privateKey } = generateKeyPairSync('ed25519');
    await records.put('registry', {
      ...recordKeys.machine(m.machineId),
      ...m,
      publicKey: rawPublicKey(privateKey),
      blocked: false,
    });
    machines[i] = { ...m, privateKey };
  });

  const voters: DemoVoter[] = new Array(size.voters);
  const now = deps.clock.now();
  await inPool(size.voters, concurrency, async (i) => {
    const home = homeBooths === undefined ? undefined : plan[i % Math.min(homeBooths, plan.length)]?.boothId;
    voters[i] = await enrolDemoVoter(deps, i + 1, now, home);
  });
  return { electionId, machines, voters, candidates };
}
