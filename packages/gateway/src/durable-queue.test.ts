import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VoteMessage } from '@ballotstream/events';
import { describe, expect, it } from 'vitest';
import { DurableQueue } from './durable-queue';

const vote = (voteId: string): VoteMessage => ({
  voteId,
  electionId: 'e-1',
  constituencyId: 'c-1',
  boothId: 'b-1',
  machineId: 'm-1',
  candidateId: 'k-1',
  bucketStart: 60_000,
  ballotToken: `token-${voteId}-0123456789`,
  signature: 'c2lnbmF0dXJl',
});

describe('the gateway durable queue', () => {
  it('has a vote on disk once append resolves, and resumes what was not acknowledged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'queue-'));
    const queue = await DurableQueue.open(dir);
    await Promise.all([queue.append(vote('a')), queue.append(vote('b')), queue.append(vote('c'))]);
    expect(readFileSync(join(dir, 'queue.log'), 'utf8').split('\n').filter(Boolean)).toHaveLength(3);
    await queue.acknowledge('b');
    await queue.close();

    const resumed = await DurableQueue.open(dir);
    expect(resumed.pending().map((v) => v.voteId)).toEqual(['a', 'c']);
    expect(resumed.allVotes().map((v) => v.voteId)).toEqual(['a', 'b', 'c']);
    expect(resumed.hasUsedToken(vote('b').ballotToken)).toBe(true);
    await resumed.close();
  });

  it('ignores a line a crash left half written, which no voter was told about', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'queue-'));
    const queue = await DurableQueue.open(dir);
    await queue.append(vote('a'));
    await queue.close();
    appendFileSync(join(dir, 'queue.log'), '{"t":"vote","m":{"voteId":"b","elec');
    const resumed = await DurableQueue.open(dir);
    expect(resumed.pending().map((v) => v.voteId)).toEqual(['a']);
    await resumed.append(vote('c'));
    await resumed.close();
    const again = await DurableQueue.open(dir);
    expect(again.pending().map((v) => v.voteId)).toEqual(['a', 'c']);
    await again.close();
  });
});
