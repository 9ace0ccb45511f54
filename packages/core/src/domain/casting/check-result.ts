import { createHash } from 'node:crypto';
import { type ResultRecord, resultSigningBytes, voteIdsDigestInput } from '@ballotstream/events';
import type { RecordStore } from '../../ports/record-store';
import type { VoteStore } from '../../ports/vote-store';
import { verifyEd25519 } from '../crypto/ed25519';
import { fromBase64url } from '../crypto/encoding';
import { findMachine } from '../shared/registry';

export interface CheckResultDeps {
  readonly records: RecordStore;
  readonly primary: VoteStore;
  readonly secondary: VoteStore;
}

export interface ResultCheck {
  readonly storedVotes: number;
  /** Empty when the record is signed by the machine and matches its stored votes exactly. */
  readonly problems: readonly string[];
}

/** Whether a result record carries a valid signature of the machine key given (raw Ed25519, base64url). */
export function resultSignatureValid(record: ResultRecord, publicKey: string): boolean {
  const { signature, ...fields } = record;
  const bytes = fromBase64url(signature);
  return bytes !== undefined && verifyEd25519(publicKey, resultSigningBytes(fields), bytes);
}

/**
 * Checks a machine's signed result record against the votes the cloud stored for that machine
 * (from the primary region, or the secondary when the primary does not answer): signature,
 * vote count, counts per candidate, first and last bucket, and the digest of the vote ids.
 */
export async function checkResultRecord(deps: CheckResultDeps, record: ResultRecord): Promise<ResultCheck> {
  const machine = await findMachine(deps.records, record.machineId);
  if (machine === undefined)
    return { storedVotes: 0, problems: [`machine ${record.machineId} is not registered`] };
  if (!resultSignatureValid(record, machine.publicKey)) {
    return { storedVotes: 0, problems: ['signature does not verify with the machine key'] };
  }
  const query = { machineId: record.machineId };
  const stored = await deps.primary
    .votesOf(record.electionId, query)
    .catch(() => deps.secondary.votesOf(record.electionId, query));
  const problems: string[] = [];
  if (stored.length !== record.voteCount) {
    problems.push(`record counts ${record.voteCount} votes, the cloud stored ${stored.length}`);
  }
  const counts = new Map<string, number>();
  for (const v of stored) counts.set(v.candidateId, (counts.get(v.candidateId) ?? 0) + 1);
  for (const candidate of new Set([...counts.keys(), ...Object.keys(record.counts)])) {
    const mine = record.counts[candidate] ?? 0;
    const theirs = counts.get(candidate) ?? 0;
    if (mine !== theirs) problems.push(`candidate ${candidate}: record ${mine}, stored ${theirs}`);
  }
  const buckets = stored.map((v) => v.bucketStart);
  const first = buckets.length === 0 ? null : Math.min(...buckets);
  const last = buckets.length === 0 ? null : Math.max(...buckets);
  if (first !== record.firstBucket || last !== record.lastBucket) {
    problems.push(`buckets: record ${record.firstBucket}..${record.lastBucket}, stored ${first}..${last}`);
  }
  const digest = createHash('sha256')
    .update(voteIdsDigestInput(stored.map((v) => v.voteId)))
    .digest('hex');
  if (digest !== record.voteIdsHash) problems.push('the digest of vote ids differs from the stored votes');
  return { storedVotes: stored.length, problems: problems.slice(0, 20) };
}
