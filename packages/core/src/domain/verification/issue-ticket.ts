import { randomBytes } from 'node:crypto';
import type { IssueRefusal, TicketStatus } from '@ballotstream/events';
import type { Biometrics } from '../../ports/biometrics';
import type { Clock } from '../../ports/clock';
import type { RecordStore } from '../../ports/record-store';
import type { TicketKeys, VoterPseudonyms } from '../../ports/ticket-keys';
import type { VoterRegistry } from '../../ports/voter-registry';
import { err, ok, type Result } from '../../result';
import { recordKeys } from '../shared/keys';
import { mintTicket } from './ticket';

export interface IssueCentreDeps {
  readonly keys: TicketKeys;
  readonly pseudonyms: VoterPseudonyms;
  readonly registry: VoterRegistry;
  readonly biometrics: Biometrics;
  readonly records: RecordStore;
  readonly clock: Clock;
  readonly electionId: string;
  readonly ticketTtlMs: number;
}

/** A ticket as the issue centre hands it to the clerk: the compact string goes on the card's QR code. */
export interface IssuedTicket {
  readonly ticketId: string;
  readonly ticket: string;
  readonly electionId: string;
  readonly voterKey: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** The registry photo the clerk compares with the person at the desk. */
  readonly photoRef: string;
  readonly replaces?: string;
}

export interface RevokedTicket {
  readonly ticketId: string;
  readonly electionId: string;
  readonly revokedAt: number;
}

export interface IssueTicketInput {
  readonly voterId: string;
  readonly fingerprints: readonly Uint8Array[];
  /** Who issued it (the clerk's subject), kept on the ticket record for the audit. */
  readonly issuedBy?: string;
}

/**
 * A new ticket id: 96 random bits, since a ticket id alone opens the public status read (and so
 * whether its voter has voted). Every place that mints a ticket takes its id from here.
 */
export const newTicketId = (): string => `t${randomBytes(12).toString('base64url')}`;

/**
 * Issues a voter's ticket for the election: looks the voter up in the registry, mints a signed
 * ticket naming only the voter's keyed hash, records it, and enrols the fingerprints. A voter
 * holds at most one live ticket; a second issue is refused (`reissueTicket` replaces a card).
 */
export async function issueTicket(
  deps: IssueCentreDeps,
  input: IssueTicketInput,
): Promise<Result<IssuedTicket, IssueRefusal>> {
  const person = await deps.registry.find(input.voterId);
  if (person === undefined) return err('not-registered');
  if (!person.eligible) return err('not-eligible');
  const voterKey = deps.pseudonyms.voterKey(input.voterId);
  if (await hasVoted(deps, voterKey)) return err('already-voted');

  // A voter who already holds a ticket is refused before anything is enrolled, so a second
  // issue cannot replace the fingers the voter will be matched against.
  const pointer = recordKeys.voterTicket(voterKey, deps.electionId);
  if ((await deps.records.get('voters', pointer)) !== undefined) return err('already-issued');
  // Enrolled before any ticket exists: if the biometric API fails, nothing live is left behind
  // and the clerk simply tries again (enrolment is idempotent per voter).
  await deps.biometrics.enrol(voterKey, input.fingerprints);

  const minted = await mintAndRecord(deps, voterKey, input.issuedBy, undefined, person.boothId);
  // The ticket record exists before the voter points at it: a crash in between leaves only a
  // record of a ticket nobody was handed, and the voter free to be issued again.
  const reserved = await deps.records.put(
    'voters',
    { ...pointer, ticketId: minted.ticketId },
    { kind: 'absent' },
  );
  if (!reserved) {
    await markRevoked(deps, minted.ticketId, 'lost a race with another issue of the same voter');
    return err('already-issued');
  }
  await deps.records.put('voters', {
    ...recordKeys.voterProfile(voterKey),
    photoRef: person.photoRef,
    constituencyId: person.constituencyId,
  });
  return ok({ ...minted, photoRef: person.photoRef });
}

export interface ReissueTicketInput {
  readonly ticketId: string;
  readonly reason: string;
  readonly fingerprints?: readonly Uint8Array[];
  readonly issuedBy?: string;
}

/**
 * Replaces a voter's live ticket (lost or damaged card): the old one is revoked first, then the
 * voter points at the new one. A crash in between leaves the voter pointing at a revoked ticket,
 * which a second reissue of that same ticket repairs.
 */
export async function reissueTicket(
  deps: IssueCentreDeps,
  input: ReissueTicketInput,
): Promise<Result<IssuedTicket, IssueRefusal>> {
  const old = await deps.records.get('tickets', recordKeys.ticket(input.ticketId));
  if (old === undefined || old.electionId !== deps.electionId || typeof old.voterKey !== 'string') {
    return err('unknown-ticket');
  }
  const voterKey = old.voterKey;
  const pointer = recordKeys.voterTicket(voterKey, deps.electionId);
  const live = await deps.records.get('voters', pointer);
  if (live?.ticketId !== input.ticketId) return err('ticket-revoked');
  if (await hasVoted(deps, voterKey)) return err('already-voted');

  const home = typeof old.homeBoothId === 'string' ? old.homeBoothId : undefined;
  const minted = await mintAndRecord(deps, voterKey, input.issuedBy, input.ticketId, home);
  await markRevoked(deps, input.ticketId, `reissued: ${input.reason}`);
  const swapped = await deps.records.update(
    'voters',
    pointer,
    { ticketId: minted.ticketId },
    { kind: 'field-equals', field: 'ticketId', value: input.ticketId },
  );
  if (!swapped) {
    // Another clerk reissued the same card at the same moment and won; ours is void.
    await markRevoked(deps, minted.ticketId, 'lost a race with another reissue');
    return err('ticket-revoked');
  }
  if (input.fingerprints !== undefined) await deps.biometrics.enrol(voterKey, input.fingerprints);
  const profile = await deps.records.get('voters', recordKeys.voterProfile(voterKey));
  const photoRef = typeof profile?.photoRef === 'string' ? profile.photoRef : '';
  return ok({ ...minted, photoRef, replaces: input.ticketId });
}

/** Revokes a live ticket; no booth accepts it afterwards. */
export async function revokeTicket(
  deps: Pick<IssueCentreDeps, 'records' | 'clock' | 'electionId'>,
  input: { readonly ticketId: string; readonly reason: string },
): Promise<Result<RevokedTicket, IssueRefusal>> {
  const record = await deps.records.get('tickets', recordKeys.ticket(input.ticketId));
  if (record === undefined || record.electionId !== deps.electionId) return err('unknown-ticket');
  const revokedAt = deps.clock.now();
  const revoked = await deps.records.update(
    'tickets',
    recordKeys.ticket(input.ticketId),
    { status: 'revoked', revokedAt, revokedBecause: input.reason },
    { kind: 'field-equals', field: 'status', value: 'issued' },
  );
  if (!revoked) return err('ticket-revoked');
  return ok({ ticketId: input.ticketId, electionId: deps.electionId, revokedAt });
}

/** What the citizen app may know of a ticket: valid, revoked, used or expired, and nothing of the voter. */
export async function ticketStatus(
  deps: Pick<IssueCentreDeps, 'records' | 'clock' | 'electionId'>,
  ticketId: string,
): Promise<Result<TicketStatus, 'unknown-ticket'>> {
  const record = await deps.records.get('tickets', recordKeys.ticket(ticketId));
  if (record === undefined || typeof record.voterKey !== 'string') return err('unknown-ticket');
  if (record.status !== 'issued') return ok('revoked');
  const electionId = typeof record.electionId === 'string' ? record.electionId : deps.electionId;
  const voted = await deps.records.get('voters', recordKeys.voterStatus(record.voterKey, electionId));
  if (voted !== undefined) return ok('used');
  if (typeof record.expiresAt !== 'number' || record.expiresAt <= deps.clock.now()) return ok('expired');
  return ok('valid');
}

async function hasVoted(deps: Pick<IssueCentreDeps, 'records' | 'electionId'>, voterKey: string) {
  return (await deps.records.get('voters', recordKeys.voterStatus(voterKey, deps.electionId))) !== undefined;
}

async function mintAndRecord(
  deps: IssueCentreDeps,
  voterKey: string,
  issuedBy: string | undefined,
  replaces?: string,
  homeBoothId?: string,
): Promise<Omit<IssuedTicket, 'photoRef'>> {
  const ticketId = newTicketId();
  const issuedAt = deps.clock.now();
  const expiresAt = issuedAt + deps.ticketTtlMs;
  const claims = { ticketId, electionId: deps.electionId, voterKey, issuedAt, expiresAt };
  const ticket = await mintTicket(deps.keys, claims);
  await deps.records.put(
    'tickets',
    {
      ...recordKeys.ticket(ticketId),
      ...claims,
      status: 'issued',
      ...(issuedBy === undefined ? {} : { issuedBy }),
      ...(replaces === undefined ? {} : { replaces }),
      // The booth the voter is registered at: a verification elsewhere counts as a visitor there.
      ...(homeBoothId === undefined ? {} : { homeBoothId }),
    },
    { kind: 'absent' },
  );
  return { ...claims, ticket, ...(replaces === undefined ? {} : { replaces }) };
}

async function markRevoked(
  deps: Pick<IssueCentreDeps, 'records' | 'clock'>,
  ticketId: string,
  because: string,
): Promise<void> {
  await deps.records.update(
    'tickets',
    recordKeys.ticket(ticketId),
    { status: 'revoked', revokedAt: deps.clock.now(), revokedBecause: because },
    { kind: 'field-equals', field: 'status', value: 'issued' },
  );
}
