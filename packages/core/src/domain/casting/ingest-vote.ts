import {
  type AcceptedVote,
  type VoteMessage,
  type VoteRefusal,
  voteSigningBytes,
} from '@ballotstream/events';
import type { Clock } from '../../ports/clock';
import type { RecordStore } from '../../ports/record-store';
import { err, ok, type Result } from '../../result';
import { verifyEd25519 } from '../crypto/ed25519';
import { fromBase64url, sha256 } from '../crypto/encoding';
import { recordKeys } from '../shared/keys';
import { findMachine } from '../shared/registry';

export interface IngestVoteDeps {
  readonly records: RecordStore;
  readonly clock: Clock;
  readonly bucketMs: number;
}

export interface VoteRefused {
  readonly reason: VoteRefusal;
  readonly detail: string;
}

/**
 * Accepts a signed vote exactly once. A redelivery of an accepted vote id is accepted again
 * (so a crash before publishing is repaired by the redelivery); the recorders dedupe on it.
 */
export async function ingestVote(
  deps: IngestVoteDeps,
  message: VoteMessage,
  topicMachineId: string,
): Promise<Result<AcceptedVote, VoteRefused>> {
  if (message.machineId !== topicMachineId) {
    return err({
      reason: 'topic-mismatch',
      detail: `vote names machine ${message.machineId} on another machine's topic`,
    });
  }
  const machine = await findMachine(deps.records, message.machineId);
  if (machine === undefined)
    return err({ reason: 'unknown-machine', detail: `machine ${message.machineId} is not registered` });

  const { signature, ...signed } = message;
  const signatureBytes = fromBase64url(signature);
  if (
    signatureBytes === undefined ||
    !verifyEd25519(machine.publicKey, voteSigningBytes(signed), signatureBytes)
  ) {
    return err({ reason: 'bad-signature', detail: 'signature does not verify with the machine key' });
  }
  if (machine.blocked)
    return err({ reason: 'machine-blocked', detail: `machine ${machine.machineId} is blocked` });

  const vote: AcceptedVote = {
    voteId: message.voteId,
    electionId: message.electionId,
    constituencyId: machine.constituencyId,
    boothId: machine.boothId,
    machineId: machine.machineId,
    candidateId: message.candidateId,
    bucketStart: message.bucketStart - (message.bucketStart % deps.bucketMs),
    ...(message.receipt === undefined ? {} : { receipt: message.receipt }),
  };

  const tokenKey = recordKeys.ballotToken(sha256(message.ballotToken));
  const token = await deps.records.get('ballots', tokenKey);
  if (token === undefined)
    return err({ reason: 'unknown-token', detail: 'no ballot token was granted with this value' });
  if (token.machineId !== machine.machineId) {
    return err({ reason: 'token-other-machine', detail: 'ballot token was granted to another machine' });
  }
  if (token.usedBy === message.voteId) return ok(vote);
  if (token.usedBy !== undefined)
    return err({ reason: 'token-reused', detail: 'ballot token was already used' });
  if (typeof token.expiresAt !== 'number' || token.expiresAt <= deps.clock.now()) {
    return err({ reason: 'token-expired', detail: 'ballot token expired before the vote arrived' });
  }

  const consumed = await deps.records.update(
    'ballots',
    tokenKey,
    { usedBy: message.voteId },
    { kind: 'field-absent', field: 'usedBy' },
  );
  if (!consumed) {
    const again = await deps.records.get('ballots', tokenKey);
    if (again?.usedBy !== message.voteId)
      return err({ reason: 'token-reused', detail: 'ballot token was already used' });
  }
  return ok(vote);
}
