import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  changeEvent,
  createEntity,
  mintTicket,
  newTicketId,
  rawPublicKey,
  recordKeys,
} from '@ballotstream/core';
import type { RegistryEntity } from '@ballotstream/events';
import type { Deps } from '@ballotstream/functions/shared/deps';
import {
  demoBoothPlace,
  demoCandidate,
  demoConstituencyName,
  demoConstituencyNameHi,
  demoRegionName,
} from './geography';

export interface DemoSize {
  readonly regions: number;
  readonly constituenciesPerRegion: number;
  readonly candidatesPerConstituency: number;
  readonly boothsPerConstituency: number;
  readonly voters: number;
}

const SEED_BATCH = 250;

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
  /** Random, as the issue centre mints it: numbered ids would let anyone list who voted. */
  readonly ticketId: string;
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
export async function seedDemoElection(
  deps: Deps,
  size: DemoSize = smallDemo,
  signal?: AbortSignal,
): Promise<DemoElection> {
  const { config } = deps;
  const electionId = config.electionId;
  const machines: DemoMachine[] = [];
  const candidates = new Map<string, string[]>();
  // The registry is filled through its own use cases, as an administrator would: validated,
  // audited, and each change published on the bus.
  const register = async (entity: RegistryEntity, body: Record<string, unknown>) => {
    const result = await createEntity(deps, { entity, body, actor: { subject: 'demo-seed', role: 'admin' } });
    if (!result.ok) throw new Error(`demo ${entity} refused: ${JSON.stringify(result.error)}`);
    await deps.publisher.publish([changeEvent(deps.clock.now(), result.value)]);
  };
  for (let r = 1; r <= size.regions; r++) {
    const regionId = `region-${r}`;
    await register('region', { regionId, name: demoRegionName(r) });
    // One officer per region, so the demo's alerts reach someone (see `ballotstream alerts outbox`).
    await register('officer', {
      officerId: `officer-${r}`,
      name: `Officer of ${demoRegionName(r)}`,
      regionId,
      phone: `+9198000000${String(r).padStart(2, '0')}`,
      email: `officer-${r}@example.org`,
      notifyBy: ['sms', 'email'],
      minSeverity: 'warning',
    });
    for (let c = 1; c <= size.constituenciesPerRegion; c++) {
      const constituencyId = `c-${r}-${c}`;
      await register('constituency', {
        constituencyId,
        regionId,
        name: demoConstituencyName(r, c),
        nameHi: demoConstituencyNameHi(r, c),
      });
      candidates.set(
        constituencyId,
        Array.from({ length: size.candidatesPerConstituency }, (_, k) => `cand-${r}-${c}-${k + 1}`),
      );
      for (const [k, candidateId] of candidates.get(constituencyId)!.entries()) {
        await register('candidate', { candidateId, constituencyId, ...demoCandidate(r, c, k + 1) });
      }
      for (let b = 1; b <= size.boothsPerConstituency; b++) {
        const boothId = `booth-${r}-${c}-${b}`;
        const machineId = `m-${r}-${c}-${b}`;
        const { privateKey } = generateKeyPairSync('ed25519');
        await register('booth', {
          boothId,
          constituencyId,
          ...demoBoothPlace(r, c, b),
          electorate: Math.ceil(
            size.voters / (size.regions * size.constituenciesPerRegion * size.boothsPerConstituency),
          ),
        });
        await register('machine', { machineId, boothId, publicKey: rawPublicKey(privateKey) });
        machines.push({ machineId, boothId, constituencyId, regionId, privateKey });
      }
    }
  }

  const now = deps.clock.now();
  const voters: DemoVoter[] = [];
  for (let first = 1; first <= size.voters && !signal?.aborted; first += SEED_BATCH)
    voters.push(...(await enrolDemoVoters(deps, first, Math.min(SEED_BATCH, size.voters - first + 1), now)));
  return { electionId, machines, voters, candidates };
}

/**
 * Enrols demo voters `first` to `first + count - 1`: a fingerprint with the biometric port, a
 * signed ticket, and the records the issue centre writes, so status reads and reissue work on
 * them. In bulk: every ticket is signed first, then every write of the batch is issued in one
 * turn, so the store commits the batch together (one LMDB transaction) rather than each voter's
 * three writes one after another.
 */
export async function enrolDemoVoters(
  deps: Deps,
  first: number,
  count: number,
  now: number,
  homeBoothOf?: (v: number) => string | undefined,
): Promise<DemoVoter[]> {
  const { records } = deps;
  const electionId = deps.config.electionId;
  const enrolments = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const voterId = `voter-${String(first + i).padStart(7, '0')}`;
      const voterKey = deps.pseudonyms.voterKey(voterId);
      const ticketId = newTicketId();
      const claims = { ticketId, electionId, voterKey, issuedAt: now, expiresAt: now + 7 * 24 * 3600_000 };
      const ticket = await mintTicket(deps.ticketKeys, claims);
      const homeBoothId = homeBoothOf?.(first + i);
      return {
        voterId,
        voterKey,
        ticketId,
        claims,
        ticket,
        homeBoothId,
        fingerprint: demoFingerprint(voterId),
      };
    }),
  );
  await Promise.all(
    enrolments.flatMap((e) => [
      deps.biometrics.enrol(e.voterKey, Buffer.from(e.fingerprint, 'base64url')),
      records.put('tickets', {
        ...recordKeys.ticket(e.ticketId),
        ...e.claims,
        status: 'issued',
        ...(e.homeBoothId === undefined ? {} : { homeBoothId: e.homeBoothId }),
      }),
      records.put('voters', { ...recordKeys.voterTicket(e.voterKey, electionId), ticketId: e.ticketId }),
    ]),
  );
  return enrolments.map(({ voterId, ticketId, ticket, fingerprint }) => ({
    voterId,
    ticketId,
    ticket,
    fingerprint,
  }));
}
