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
  enrolDemoVoters,
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

// Writes issued together per batch: enough for one commit to carry many, few enough to bound memory.
const SEED_BATCH = 2048;

/**
 * Seeds an election of the demo's shape as `seedDemoElection` does, but in bulk: the registry
 * records are written directly rather than through the admin use cases, and every write goes in
 * batches issued together, so seeding a national-sized election takes seconds. Booth and voter
 * ids match the demo's.
 */
export async function seedElectionFast(
  deps: Deps,
  size: DemoSize,
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
  await inBatches(registry, (record) => records.put('registry', record as Parameters<typeof records.put>[1]));
  const machines = await registerMachines(deps, plan);
  const now = deps.clock.now();
  const homes = homeBooths === undefined ? 0 : Math.min(homeBooths, plan.length);
  const homeOf = (v: number) => (homes === 0 ? undefined : plan[(v - 1) % homes]?.boothId);
  const voters: DemoVoter[] = [];
  for (let first = 1; first <= size.voters; first += SEED_BATCH)
    voters.push(
      ...(await enrolDemoVoters(deps, first, Math.min(SEED_BATCH, size.voters - first + 1), now, homeOf)),
    );
  return { electionId, machines, voters, candidates };
}

// Everything is written a batch at a time, each batch's writes issued in one turn, so the store
// commits a batch together instead of one write after another.
async function inBatches<T>(items: readonly T[], write: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += SEED_BATCH)
    await Promise.all(items.slice(i, i + SEED_BATCH).map(write));
}

/** Gives each planned machine a new Ed25519 key and registers it with the public half. */
async function registerMachines(
  deps: Deps,
  plan: readonly (Omit<DemoMachine, 'privateKey'> & { r: number; c: number; b: number })[],
): Promise<DemoMachine[]> {
  const machines: DemoMachine[] = plan.map(({ r: _r, c: _c, b: _b, ...m }) => ({
    ...m,
    privateKey: generateKeyPairSync('ed25519').privateKey,
  }));
  await inBatches(machines, ({ privateKey, ...m }) =>
    deps.records.put('registry', {
      ...recordKeys.machine(m.machineId),
      ...m,
      publicKey: rawPublicKey(privateKey),
      blocked: false,
    }),
  );
  return machines;
}
