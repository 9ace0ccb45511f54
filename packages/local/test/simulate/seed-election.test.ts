import { rawPublicKey, readTicket, recordKeys } from '@ballotstream/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoElection } from '../../src/demo/seed';
import { type Runtime, startRuntime } from '../../src/runtime/runtime';
import { seedElectionFast } from '../../src/simulate/election';

let runtime: Runtime;
let election: DemoElection;
// More voters than one batch of writes, so a batch boundary is crossed.
const VOTERS = 2_100;

beforeAll(async () => {
  runtime = await startRuntime({ runSchedules: false });
  election = await seedElectionFast(
    runtime.deps,
    {
      regions: 1,
      constituenciesPerRegion: 2,
      candidatesPerConstituency: 3,
      boothsPerConstituency: 3,
      voters: VOTERS,
    },
    4,
  );
}, 120_000);
afterAll(async () => {
  await runtime?.stop();
});

describe('seeding an election in bulk', () => {
  it('enrols every voter with a signed ticket, its records, its fingerprint and its home booth', async () => {
    const { records, ticketKeys, biometrics, pseudonyms, config } = runtime.deps;
    expect(election.voters).toHaveLength(VOTERS);
    expect(new Set(election.voters.map((v) => v.ticketId)).size).toBe(VOTERS);
    for (const v of [1, 2, 5, 2048, 2049, VOTERS]) {
      const voter = election.voters[v - 1]!;
      expect(voter.voterId).toBe(`voter-${String(v).padStart(7, '0')}`);
      const claims = readTicket(ticketKeys, voter.ticket);
      const voterKey = pseudonyms.voterKey(voter.voterId);
      expect(claims).toMatchObject({ ok: true, value: { ticketId: voter.ticketId, voterKey } });
      // Voter v's home is booth (v - 1) mod 4 of the plan: the first constituency's three, then the next's first.
      const home = ['booth-1-1-1', 'booth-1-1-2', 'booth-1-1-3', 'booth-1-2-1'][(v - 1) % 4];
      expect(await records.get('tickets', recordKeys.ticket(voter.ticketId))).toMatchObject({
        status: 'issued',
        voterKey,
        homeBoothId: home,
      });
      expect(await records.get('voters', recordKeys.voterTicket(voterKey, config.electionId))).toMatchObject({
        ticketId: voter.ticketId,
      });
      expect(await biometrics.match(voterKey, Buffer.from(voter.fingerprint, 'base64url'))).toBe('match');
    }
  });

  it('registers one machine per booth with the public key of the private key it hands back', async () => {
    const { records } = runtime.deps;
    expect(election.machines.map((m) => m.machineId)).toHaveLength(6);
    for (const machine of election.machines) {
      const stored = await records.get('registry', recordKeys.machine(machine.machineId));
      expect(stored).toMatchObject({ boothId: machine.boothId, blocked: false });
      expect(stored?.publicKey).toBe(rawPublicKey(machine.privateKey));
    }
  });
});
