import { randomBytes, randomUUID } from 'node:crypto';
import type { VerificationRefusal, VerificationRequest } from '@ballotstream/events';
import { DependencyError } from '../../errors';
import type { Biometrics } from '../../ports/biometrics';
import type { Clock } from '../../ports/clock';
import type { RecordStore } from '../../ports/record-store';
import type { TicketKeys } from '../../ports/ticket-keys';
import type { VoterCache } from '../../ports/voter-cache';
import { err, ok, type Result } from '../../result';
import { fromBase64url, sha256 } from '../crypto/encoding';
import { recordKeys } from '../shared/keys';
import { findMachine } from '../shared/registry';
import { readTicket } from './ticket';

export interface VerifyVoterDeps {
  readonly keys: TicketKeys;
  readonly records: RecordStore;
  readonly cache: VoterCache;
  readonly biometrics: Biometrics;
  readonly clock: Clock;
  readonly electionId: string;
  readonly ballotTokenTtlMs: number;
  readonly claimTtlMs: number;
}

export interface BallotGrant {
  readonly ballotToken: string;
  readonly machineId: string;
  readonly expiresAt: number;
}

export interface VerificationContext {
  readonly electionId: string;
  readonly boothId: string;
  readonly machineId: string;
}

/**
 * Verifies a voter at a booth and grants one ballot token bound to one machine.
 * Exactly one of any number of concurrent attempts for a voter wins: the cache claim
 * turns most losers away in one round trip, and the durable conditional write decides.
 */
export async function verifyVoter(
  deps: VerifyVoterDeps,
  request: VerificationRequest,
): Promise<Result<BallotGrant, VerificationRefusal>> {
  const now = deps.clock.now();
  const read = readTicket(deps.keys, request.ticket);
  if (!read.ok) return read;
  const claims = read.value;
  if (claims.electionId !== deps.electionId) return err('wrong-election');
  if (claims.expiresAt <= now) return err('expired');

  const ticket = await deps.records.get('tickets', recordKeys.ticket(claims.ticketId));
  if (ticket?.status === 'revoked') return err('revoked');

  const machine = await findMachine(deps.records, request.machineId);
  if (machine === undefined || machine.boothId !== request.boothId) return err('unknown-machine');
  if (machine.blocked) return err('machine-blocked');

  const sample = fromBase64url(request.fingerprint);
  if (sample === undefined) return err('malformed');
  const match = await deps.biometrics.match(claims.voterKey, sample);
  if (match === 'not-enrolled') return err('unknown-voter');
  if (match === 'mismatch') return err('biometric-mismatch');

  const claimed = await claimVoter(deps, claims.voterKey, claims.ticketId, request.boothId, now);
  if (!claimed.ok) return claimed;

  const ballotToken = randomBytes(24).toString('base64url');
  const expiresAt = now + deps.ballotTokenTtlMs;
  await deps.records.put(
    'ballots',
    {
      ...recordKeys.ballotToken(sha256(ballotToken)),
      electionId: deps.electionId,
      boothId: request.boothId,
      machineId: request.machineId,
      expiresAt,
    },
    { kind: 'absent' },
  );
  return ok({ ballotToken, machineId: request.machineId, expiresAt });
}

/** The claim protocol of ARCHITECTURE.md: cache first when it answers, the durable write always. */
async function claimVoter(
  deps: VerifyVoterDeps,
  voterKey: string,
  ticketId: string,
  boothId: string,
  now: number,
): Promise<Result<void, 'already-voted'>> {
  const claimId = randomUUID();
  let cacheHeld = false;
  try {
    if (
      (await deps.cache.claim(deps.electionId, voterKey, ticketId, claimId, deps.claimTtlMs)) ===
      'already-claimed'
    ) {
      return err('already-voted');
    }
    cacheHeld = true;
  } catch (error) {
    // An unreachable cache slows verification down; the durable write alone still decides.
    if (!(error instanceof DependencyError)) throw error;
  }

  let won: boolean;
  try {
    won = await deps.records.put(
      'voters',
      {
        ...recordKeys.voterStatus(voterKey, deps.electionId),
        status: 'voted',
        boothId,
        day: new Date(now).toISOString().slice(0, 10),
      },
      { kind: 'absent' },
    );
  } catch (error) {
    if (cacheHeld) await bestEffort(() => deps.cache.release(deps.electionId, voterKey, ticketId, claimId));
    throw error;
  }

  if (!won) {
    // The cache had forgotten this voter (flushed or failed over): tell it again.
    await bestEffort(() => deps.cache.markVoted(deps.electionId, voterKey, ticketId));
    return err('already-voted');
  }
  if (cacheHeld) await bestEffort(() => deps.cache.confirm(deps.electionId, voterKey, ticketId, claimId));
  return ok(undefined);
}

async function bestEffort(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch {
    // The cache is an accelerator; the durable record already holds the truth.
  }
}
