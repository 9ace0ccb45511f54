import {
  type AcceptedVote,
  type VoteMessage,
  type VoteRefusal,
  voteSigningBytes,
} from '@ballotstream/events';
import type { Clock } from '../../ports/clock';
import type { RecordStore } from '../../ports/record-store';
import type { SignatureChecker } from '../../ports/signature-checker';
import { err, ok, type Result } from '../../result';
import { fromBase64url, sha256 } from '../crypto/encoding';
import { recordKeys } from '../shared/keys';
import { findMachine, type MachineRecord } from '../shared/registry';
import { boothPollHoursOf, DEFAULT_QUEUE_GRACE_MS, registryFact } from '../shared/registry-facts';

export interface IngestVoteDeps {
  readonly records: RecordStore;
  readonly clock: Clock;
  readonly signatures: SignatureChecker;
  readonly bucketMs: number;
  /** How far ahead of the cloud's clock a booth's clock may run. */
  readonly clockSkewMs: number;
  /** How long a ballot token lives after it is granted (so its grant time is `expiresAt - ttl`). */
  readonly ballotTokenTtlMs: number;
  /** How long after the close a queued voter's vote still counts (`DEFAULT_QUEUE_GRACE_MS` when unset). */
  readonly queueGraceMs?: number;
}

// Digests of messages whose signature verified, oldest first; bounded so memory stays flat.
const verifiedMessages = new Set<string>();
const VERIFIED_KEPT = 200_000;

function remember(key: string): void {
  verifiedMessages.add(key);
  if (verifiedMessages.size > VERIFIED_KEPT) {
    const oldest = verifiedMessages.values().next().value;
    if (oldest !== undefined) verifiedMessages.delete(oldest);
  }
}

export interface VoteRefused {
  readonly reason: VoteRefusal;
  readonly detail: string;
}

export interface VoteTaken {
  readonly vote: AcceptedVote;
  /**
   * The token was already spent on this same vote id: a redelivery, whose acceptance may already
   * be out. False when this call spent the token, so no acceptance of it can have gone out yet.
   */
  readonly redelivery: boolean;
}

/**
 * Accepts a signed vote exactly once. A redelivery of an accepted vote id is accepted again
 * (so a crash before publishing is repaired by the redelivery); the recorders dedupe on it.
 * Times are judged by the bucket the machine signed, not by arrival, so a booth that was offline
 * for hours delivers votes that were valid when cast.
 */
export async function ingestVote(
  deps: IngestVoteDeps,
  message: VoteMessage,
  topicMachineId: string,
): Promise<Result<VoteTaken, VoteRefused>> {
  if (message.machineId !== topicMachineId) {
    return err({
      reason: 'topic-mismatch',
      detail: `vote names machine ${message.machineId} on another machine's topic`,
    });
  }
  const machine = await findMachine(deps.records, message.machineId);
  if (machine === undefined)
    return err({ reason: 'unknown-machine', detail: `machine ${message.machineId} is not registered` });
  if (!(await signatureHolds(deps, machine, message)))
    return err({ reason: 'bad-signature', detail: 'signature does not verify with the machine key' });
  const offBallot = await offBallotReason(deps.records, message, machine);
  if (offBallot !== undefined) return err({ reason: 'off-ballot', detail: offBallot });

  const bucketStart = message.bucketStart - (message.bucketStart % deps.bucketMs);
  const untimely = await timeRefusal(deps, message, machine, bucketStart);
  if (untimely !== undefined) return err(untimely);

  const vote: AcceptedVote = {
    voteId: message.voteId,
    electionId: message.electionId,
    constituencyId: machine.constituencyId,
    boothId: machine.boothId,
    machineId: machine.machineId,
    candidateId: message.candidateId,
    bucketStart,
    ...(message.receipt === undefined ? {} : { receipt: message.receipt }),
  };
  const spent = await spendBallotToken(deps, message, machine, bucketStart);
  return spent.ok ? ok({ vote, redelivery: spent.value.redelivery }) : spent;
}

/** Whether the vote is signed by its machine's key; a message verified before is not verified again. */
async function signatureHolds(
  deps: IngestVoteDeps,
  machine: MachineRecord,
  message: VoteMessage,
): Promise<boolean> {
  const { signature, ...signed } = message;
  const signedBytes = voteSigningBytes(signed);
  // QoS 1 redelivers the same bytes often; a message verified before need not be verified again.
  const seenKey = sha256(`${machine.publicKey}\n${signature}\n${signedBytes.toString('utf8')}`);
  if (verifiedMessages.has(seenKey)) return true;
  const signatureBytes = fromBase64url(signature);
  const valid =
    signatureBytes !== undefined &&
    (await deps.signatures.verify({
      publicKey: machine.publicKey,
      message: signedBytes,
      signature: signatureBytes,
    }));
  if (valid) remember(seenKey);
  return valid;
}

/** Why the vote's signed time cannot count: ahead of the cloud clock, outside its booth's hours, or after a block. */
async function timeRefusal(
  deps: IngestVoteDeps,
  message: VoteMessage,
  machine: MachineRecord,
  bucketStart: number,
): Promise<VoteRefused | undefined> {
  const now = deps.clock.now();
  if (bucketStart > now + deps.clockSkewMs) {
    return {
      reason: 'future-bucket',
      detail: `vote bucket starts ${bucketStart - now} ms ahead of the cloud clock`,
    };
  }
  const hours = await boothPollHoursOf(deps.records, message.electionId, machine.boothId);
  if (hours !== undefined) {
    const graceMs = deps.queueGraceMs ?? DEFAULT_QUEUE_GRACE_MS;
    // A bucket that began before the opening may hold votes cast after it.
    if (bucketStart + deps.bucketMs <= hours.opensAt || bucketStart >= hours.closesAt + graceMs) {
      return {
        reason: 'outside-poll-hours',
        detail: `vote cast at ${new Date(bucketStart).toISOString()}, outside polls ${new Date(hours.opensAt).toISOString()} – ${new Date(hours.closesAt).toISOString()}`,
      };
    }
  }
  // A vote cast before the block still counts; only a bucket that began at or after it is refused.
  if (machine.blocked && (machine.blockedAt === undefined || bucketStart >= machine.blockedAt)) {
    return { reason: 'machine-blocked', detail: `machine ${machine.machineId} was blocked before this vote` };
  }
  return undefined;
}

/**
 * Spends the vote's ballot token once, or finds it spent by this very message (a redelivery).
 * The token's record names the spending message by a digest of the machine's signature, never the
 * vote id, so whoever holds a voter's token cannot follow it to the vote's candidate.
 */
async function spendBallotToken(
  deps: IngestVoteDeps,
  message: VoteMessage,
  machine: MachineRecord,
  bucketStart: number,
): Promise<Result<{ readonly redelivery: boolean }, VoteRefused>> {
  const tokenKey = recordKeys.ballotToken(sha256(message.ballotToken));
  const token = await deps.records.get('ballots', tokenKey);
  if (token === undefined || (token.electionId !== undefined && token.electionId !== message.electionId))
    return err({ reason: 'unknown-token', detail: 'no ballot token was granted with this value' });
  if (token.machineId !== machine.machineId) {
    return err({ reason: 'token-other-machine', detail: 'ballot token was granted to another machine' });
  }
  const spentBy = `sig:${sha256(message.signature)}`;
  if (token.usedBy === spentBy) return ok({ redelivery: true });
  if (token.usedBy !== undefined)
    return err({ reason: 'token-reused', detail: 'ballot token was already used' });
  if (typeof token.expiresAt !== 'number' || token.expiresAt <= bucketStart) {
    return err({ reason: 'token-expired', detail: 'ballot token expired before the vote was cast' });
  }
  // The stored expiry was rounded up to the secrecy bucket, so the grant may have come up to a
  // bucket before `expiresAt - ttl`; only a vote before the earliest possible grant is refused.
  const grantedNoEarlierThan = token.expiresAt - deps.ballotTokenTtlMs - deps.bucketMs;
  if (bucketStart + deps.bucketMs + deps.clockSkewMs <= grantedNoEarlierThan) {
    return err({ reason: 'token-expired', detail: 'vote claims a time before its ballot token was granted' });
  }
  const consumed = await deps.records.update(
    'ballots',
    tokenKey,
    { usedBy: spentBy },
    { kind: 'field-absent', field: 'usedBy' },
  );
  if (!consumed) {
    const again = await deps.records.get('ballots', tokenKey);
    if (again?.usedBy !== spentBy)
      return err({ reason: 'token-reused', detail: 'ballot token was already used' });
  }
  return ok({ redelivery: !consumed });
}

function constituencyOfCandidate(records: RecordStore, candidateId: string): Promise<string | undefined> {
  return registryFact(records, `candidate#${candidateId}`, async () => {
    const record = await records.get('registry', recordKeys.registryEntity('candidate', candidateId));
    return typeof record?.constituencyId === 'string' ? record.constituencyId : undefined;
  });
}

/**
 * Why a signed vote is not a vote of its machine's ballot: it names another booth or constituency
 * than the machine's registration, or a candidate who does not stand in that constituency.
 */
async function offBallotReason(
  records: RecordStore,
  message: VoteMessage,
  machine: MachineRecord,
): Promise<string | undefined> {
  if (message.constituencyId !== machine.constituencyId)
    return `vote names constituency ${message.constituencyId}; machine ${machine.machineId} serves ${machine.constituencyId}`;
  if (message.boothId !== machine.boothId)
    return `vote names booth ${message.boothId}; machine ${machine.machineId} stands in ${machine.boothId}`;
  const standsIn = await constituencyOfCandidate(records, message.candidateId);
  if (standsIn !== machine.constituencyId)
    return `candidate ${message.candidateId} is not on the ballot of constituency ${machine.constituencyId}`;
  return undefined;
}

/** Whether `vote.accepted` was already published for a vote id (a redelivery then changes nothing). */
export async function wasVotePublished(records: RecordStore, voteId: string): Promise<boolean> {
  return (await records.get('ledger', recordKeys.ledgerVote(voteId)))?.published === true;
}

/**
 * Notes that `vote.accepted` went out for a vote id. Written only after publishing, so a crash in
 * between leaves no mark and the redelivery publishes again; the record holds no voter or time.
 */
export async function markVotePublished(records: RecordStore, voteId: string): Promise<void> {
  await records.put('ledger', { ...recordKeys.ledgerVote(voteId), published: true });
}
