import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import {
  type AcceptedVote,
  type ResultRecord,
  resultMismatched,
  resultSigningBytes,
  resultVerified,
  type SignedResultFields,
  voteIdsDigestInput,
} from '@ballotstream/events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDbVoteStore } from '../adapters/local/duckdb-vote-store';
import { MemoryRecordStore } from '../adapters/local/memory-record-store';
import { rawPublicKey } from '../domain/crypto/ed25519';
import { recordKeys } from '../domain/shared/keys';
import { castingUseCases } from './casting';

const T0 = Date.UTC(2026, 10, 27, 9, 30);
const WINDOW_MS = 60_000;
const machineKey = generateKeyPairSync('ed25519');

let records: MemoryRecordStore;
let primary: DuckDbVoteStore;
let secondary: DuckDbVoteStore;

function vote(voteId: string, candidateId: string, bucketStart = T0): AcceptedVote {
  return {
    voteId,
    electionId: 'e-1',
    constituencyId: 'c-1',
    boothId: 'b-1',
    machineId: 'm-1',
    candidateId,
    bucketStart,
  };
}

function casting() {
  return castingUseCases(
    { records, clock: { now: () => T0 + 5 * WINDOW_MS }, voteStores: { primary, secondary } },
    { tallyWindowMs: WINDOW_MS },
  );
}

/** The machine's signed record of these votes, or of what `change` makes of it before signing. */
function resultRecord(
  votes: readonly AcceptedVote[],
  change: (f: SignedResultFields) => SignedResultFields = (f) => f,
) {
  const counts: Record<string, number> = {};
  for (const v of votes) counts[v.candidateId] = (counts[v.candidateId] ?? 0) + 1;
  const buckets = votes.map((v) => v.bucketStart);
  const fields = change({
    electionId: 'e-1',
    machineId: 'm-1',
    boothId: 'b-1',
    constituencyId: 'c-1',
    counts,
    voteCount: votes.length,
    firstBucket: Math.min(...buckets),
    lastBucket: Math.max(...buckets),
    voteIdsHash: createHash('sha256')
      .update(voteIdsDigestInput(votes.map((v) => v.voteId)))
      .digest('hex'),
    closedAt: T0 + 3_600_000,
  });
  const signature = sign(null, resultSigningBytes(fields), machineKey.privateKey).toString('base64url');
  return { ...fields, signature } satisfies ResultRecord;
}

beforeEach(async () => {
  records = new MemoryRecordStore();
  primary = await DuckDbVoteStore.open('primary', ':memory:');
  secondary = await DuckDbVoteStore.open('secondary', ':memory:');
  await records.put('registry', {
    ...recordKeys.machine('m-1'),
    machineId: 'm-1',
    boothId: 'b-1',
    constituencyId: 'c-1',
    regionId: 'north',
    publicKey: rawPublicKey(machineKey.privateKey),
  });
});

afterEach(async () => {
  await Promise.all([primary.close(), secondary.close()]);
});

describe('recording accepted votes', () => {
  it('stores a batch in the region named, marks each window it touched, and stores a replay once', async () => {
    const votes = [vote('v1', 'x'), vote('v2', 'y'), vote('v3', 'x', T0 + 2 * WINDOW_MS)];
    expect(await casting().recordVotes('secondary', votes)).toEqual({ written: 3, duplicates: 0 });
    expect(await casting().recordVotes('secondary', [vote('v1', 'x')])).toEqual({
      written: 0,
      duplicates: 1,
    });
    expect((await secondary.votesOf('e-1', {})).map((v) => v.voteId).sort()).toEqual(['v1', 'v2', 'v3']);
    expect(await primary.votesOf('e-1', {})).toEqual([]);
    const marks = await records.query('tallies', recordKeys.dirtyPartition('e-1'), {});
    expect(marks.records.map((m) => m.windowStart)).toEqual([T0, T0 + 2 * WINDOW_MS]);
  });
});

describe('checking a result record', () => {
  it('verifies a record that matches the stored votes and announces it with the record', async () => {
    const votes = [vote('v1', 'x'), vote('v2', 'y')];
    await primary.record(votes);
    const record = resultRecord(votes);
    const done = await casting().checkResult('m-1', record);
    expect(done.result).toEqual({ verified: true });
    expect(done.events).toHaveLength(1);
    expect(done.events[0]).toMatchObject({
      detailType: resultVerified.type,
      detail: { machineId: 'm-1', voteCount: 2, storedVotes: 2, record },
    });
  });

  it('flags a signed record that claims a vote the cloud never stored', async () => {
    const votes = [vote('v1', 'x')];
    await primary.record(votes);
    const record = resultRecord(votes, (f) => ({ ...f, voteCount: 2, counts: { x: 2 } }));
    const done = await casting().checkResult('m-1', record);
    const problems = ['record counts 2 votes, the cloud stored 1', 'candidate x: record 2, stored 1'];
    expect(done.result).toEqual({ verified: false, problems: expect.arrayContaining(problems) });
    expect(done.events).toEqual([
      expect.objectContaining({
        detailType: resultMismatched.type,
        detail: expect.objectContaining({ storedVotes: 1, problems: expect.arrayContaining(problems) }),
      }),
    ]);
  });

  it("refuses a record sent on another machine's topic without reading its votes", async () => {
    const done = await casting().checkResult('m-2', resultRecord([vote('v1', 'x')]));
    expect(done.result).toEqual({
      verified: false,
      problems: ["record names machine m-1 on another machine's topic"],
    });
    expect(done.events[0]).toMatchObject({
      detailType: resultMismatched.type,
      detail: { machineId: 'm-2', storedVotes: 0 },
    });
  });
});
