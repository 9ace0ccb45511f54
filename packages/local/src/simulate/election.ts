import { generateKeyPairSync } from 'node:crypto';
import { mintTicket, rawPublicKey, recordKeys } from '@ballotstream/core';
import type { Deps } from '@ballotstream/functions/shared/deps';
import {
  type DemoElection,
  type DemoMachine,
  type DemoSize,
  type DemoVoter,
  demoFingerprint,
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
export async function seedElectionFast(deps: Deps, size: DemoSize, concurrency = 256): Promise<DemoElection> {
  const { records, config } = deps;
  const electionId = config.electionId;
  const plan: Omit<DemoMachine, 'privateKey'>[] = [];
  const candidates = new Map<string, string[]>();
  const constituencies: { constituencyId: string; regionId: string; name: string }[] = [];
  for (let r = 1; r <= size.regions; r++) {
    for (let c = 1; c <= size.constituenciesPerRegion; c++) {
      const constituencyId = `c-${r}-${c}`;
      constituencies.push({ constituencyId, regionId: `region-${r}`, name: `Constituency ${r}.${c}` });
      candidates.set(
        constituencyId,
        Array.from({ length: size.candidatesPerConstituency }, (_, k) => `cand-${r}-${c}-${k + 1}`),
      );
      for (let b = 1; b <= size.boothsPerConstituency; b++) {
        plan.push({
          machineId: `m-${r}-${c}-${b}`,
          boothId: `booth-${r}-${c}-${b}`,
          constituencyId,
          regionId: `region-${r}`,
        });
      }
    }
  }
  await inPool(constituencies.length, concurrency, (i) => {
    const c = constituencies[i]!;
    return records.put('registry', { ...recordKeys.constituency(c.constituencyId), ...c });
  });
  const machines: DemoMachine[] = new Array(plan.length);
  await inPool(plan.length, concurrency, async (i) => {
    const m = plan[i]!;
    const { privateKey } = generateKeyPairSync('ed25519');
    const { boothId, constituencyId, regionId, machineId } = m;
    await records.put('registry', { ...recordKeys.booth(boothId), boothId, constituencyId, regionId });
    await records.put('registry', {
      ...recordKeys.machine(machineId),
      machineId,
      boothId,
      constituencyId,
      regionId,
      publicKey: rawPublicKey(privateKey),
      blocked: false,
    });
    machines[i] = { ...m, privateKey };
  });

  const voters: DemoVoter[] = new Array(size.voters);
  const now = deps.clock.now();
  await inPool(size.voters, concurrency, async (i) => {
    const v = i + 1;
    const voterId = `voter-${String(v).padStart(7, '0')}`;
    const voterKey = deps.pseudonyms.voterKey(voterId);
    const fingerprint = demoFingerprint(voterId);
    await deps.biometrics.enrol(voterKey, Buffer.from(fingerprint, 'base64url'));
    const ticketId = `t-${v}`;
    const ticket = await mintTicket(deps.ticketKeys, {
      ticketId,
      electionId,
      voterKey,
      issuedAt: now,
      expiresAt: now + 7 * 24 * 3600_000,
    });
    await records.put('tickets', { ...recordKeys.ticket(ticketId), electionId, status: 'issued' });
    voters[i] = { voterId, ticket, fingerprint };
  });
  return { electionId, machines, voters, candidates };
}
