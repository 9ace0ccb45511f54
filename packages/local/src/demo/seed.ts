import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mintTicket, rawPublicKey, recordKeys } from '@ballotstream/core';
import type { Deps } from '@ballotstream/functions/shared/deps';
import { demoBoothPlace, demoCandidate, demoConstituencyName, demoRegionName } from './geography';

export interface DemoSize {
  readonly regions: number;
  readonly constituenciesPerRegion: number;
  readonly candidatesPerConstituency: number;
  readonly boothsPerConstituency: number;
  readonly voters: number;
}

export const smallDemo: DemoSize = {
  regions: 3,
  constituenciesPerRegion: 2,
  candidatesPerConstituency: 4,
  boothsPerConstituency: 3,
  voters: 3000,
};

export interface DemoMachine {
  readonly machineId: string;
  readonly boothId: string;
  readonly constituencyId: string;
  readonly regionId: string;
  readonly privateKey: KeyObject;
}

export interface DemoVoter {
  readonly voterId: string;
  readonly ticket: string;
  /** The fingerprint sample a booth reads, base64url. */
  readonly fingerprint: string;
}

export interface DemoElection {
  readonly electionId: string;
  readonly machines: readonly DemoMachine[];
  readonly voters: readonly DemoVoter[];
  readonly candidates: ReadonlyMap<string, readonly string[]>;
}

/** The fingerprint a demo voter presents; deterministic so a test can present a wrong one. */
export function demoFingerprint(voterId: string): string {
  return Buffer.from(`fingerprint:${voterId}`).toString('base64url');
}

/**
 * Seeds a generated election: regions, constituencies, candidates, booths with one machine
 * each, and voters enrolled with a fingerprint and a signed ticket.
 */
export async function seedDemoElection(deps: Deps, size: DemoSize = smallDemo): Promise<DemoElection> {
  const { records, config } = deps;
  const electionId = config.electionId;
  const machines: DemoMachine[] = [];
  const candidates = new Map<string, string[]>();
  for (let r = 1; r <= size.regions; r++) {
    const regionId = `region-${r}`;
    await records.put('registry', {
      ...recordKeys.registryEntity('region', regionId),
      regionId,
      name: demoRegionName(r),
    });
    for (let c = 1; c <= size.constituenciesPerRegion; c++) {
      const constituencyId = `c-${r}-${c}`;
      await records.put('registry', {
        ...recordKeys.constituency(constituencyId),
        constituencyId,
        regionId,
        name: demoConstituencyName(r, c),
      });
      candidates.set(
        constituencyId,
        Array.from({ length: size.candidatesPerConstituency }, (_, k) => `cand-${r}-${c}-${k + 1}`),
      );
      for (const [k, candidateId] of candidates.get(constituencyId)!.entries()) {
        await records.put('registry', {
          ...recordKeys.registryEntity('candidate', candidateId),
          candidateId,
          constituencyId,
          regionId,
          ...demoCandidate(r, c, k + 1),
        });
      }
      for (let b = 1; b <= size.boothsPerConstituency; b++) {
        const boothId = `booth-${r}-${c}-${b}`;
        const machineId = `m-${r}-${c}-${b}`;
        const { privateKey } = generateKeyPairSync('ed25519');
        await records.put('registry', {
          ...recordKeys.booth(boothId),
          boothId,
          constituencyId,
          regionId,
          // A booth's place and electorate, as the registry's booth schema holds them.
          ...demoBoothPlace(r, c, b),
          electorate: Math.ceil(
            size.voters / (size.regions * size.constituenciesPerRegion * size.boothsPerConstituency),
          ),
        });
        await records.put('registry', {
          ...recordKeys.machine(machineId),
          machineId,
          boothId,
          constituencyId,
          regionId,
          publicKey: rawPublicKey(privateKey),
          blocked: false,
        });
        machines.push({ machineId, boothId, constituencyId, regionId, privateKey });
      }
    }
  }

  const voters: DemoVoter[] = [];
  const now = deps.clock.now();
  for (let v = 1; v <= size.voters; v++) {
    const voterId = `voter-${String(v).padStart(7, '0')}`;
    const voterKey = deps.pseudonyms.voterKey(voterId);
    const fingerprint = demoFingerprint(voterId);
    await deps.biometrics.enrol(voterKey, Buffer.from(fingerprint, 'base64url'));
    const ticketId = `t-${v}`;
    const claims = { ticketId, electionId, voterKey, issuedAt: now, expiresAt: now + 7 * 24 * 3600_000 };
    const ticket = await mintTicket(deps.ticketKeys, claims);
    // The same records the issue centre writes, so status reads and reissue work on demo voters.
    await records.put('tickets', { ...recordKeys.ticket(ticketId), ...claims, status: 'issued' });
    await records.put('voters', { ...recordKeys.voterTicket(voterKey, electionId), ticketId });
    voters.push({ voterId, ticket, fingerprint });
  }
  return { electionId, machines, voters, candidates };
}
