import { createDecipheriv, generateKeyPairSync, randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VoteMessage } from '@ballotstream/events';
import { describe, expect, it } from 'vitest';
import { DurableQueue, queueKeyOf } from './durable-queue';

const key = queueKeyOf(generateKeyPairSync('ed25519').privateKey);
const vote = (voteId: string, candidateId = 'k-1'): VoteMessage => ({
  voteId,
  electionId: 'e-1',
  constituencyId: 'c-1',
  boothId: 'b-1',
  machineId: 'm-1',
  candidateId,
  bucketStart: 60_000,
  ballotToken: `token-${voteId}-0123456789`,
  receipt: 'RCPT1234ABCD',
  signature: 'c2lnbmF0dXJl',
});
const logOf = (dir: string) => readFileSync(join(dir, 'queue.log'), 'utf8');
const linesOf = (dir: string) => logOf(dir).split('\n').filter(Boolean);

/** Opens each record of a log with the key, as someone holding the machine's key could. */
function opened(dir: string): unknown[] {
  return linesOf(dir).map((line) => {
    const bytes = Buffer.from(line, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from('ballotstream/queue/v1'));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return JSON.parse(
      Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8'),
    );
  });
}

describe('the gateway durable queue', () => {
  it('has a vote on disk once append resolves, and resumes what was not acknowledged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'queue-'));
    const queue = await DurableQueue.open(dir, key);
    await Promise.all([queue.append(vote('a')), queue.append(vote('b')), queue.append(vote('c'))]);
    expect(linesOf(dir)).toHaveLength(3);
    await queue.acknowledge('b');
    await queue.close();

    const resumed = await DurableQueue.open(dir, key);
    expect(resumed.pending().map((v) => v.voteId)).toEqual(['a', 'c']);
    expect(resumed.castSummary('e-1')).toEqual({
      voteIds: ['a', 'b', 'c'],
      counts: { 'k-1': 3 },
      firstBucket: 60_000,
      lastBucket: 60_000,
    });
    expect(resumed.hasUsedToken(vote('b').ballotToken)).toBe(true);
    await resumed.close();
  });

  it('ignores a line a crash left half written, which no voter was told about', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'queue-'));
    const queue = await DurableQueue.open(dir, key);
    await queue.append(vote('a'));
    await queue.close();
    appendFileSync(join(dir, 'queue.log'), linesOf(dir)[0]!.slice(0, 40));
    const resumed = await DurableQueue.open(dir, key);
    expect(resumed.pending().map((v) => v.voteId)).toEqual(['a']);
    await resumed.append(vote('c'));
    await resumed.close();
    const again = await DurableQueue.open(dir, key);
    expect(again.pending().map((v) => v.voteId)).toEqual(['a', 'c']);
    await again.close();
  });

  it('seals every record, and pads it, so the log shows no vote, token, receipt or candidate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'queue-'));
    const queue = await DurableQueue.open(dir, key);
    await queue.append(vote('vote-aaaa', 'k-1'));
    await queue.append(vote('vote-bbbb', 'a-candidate-with-a-much-longer-id'));
    const log = logOf(dir);
    for (const secret of ['vote-aaaa', 'token-vote', 'RCPT1234ABCD', 'k-1', 'a-candidate', 'c-1', 'e-1'])
      expect(log).not.toContain(secret);
    const [first, second] = linesOf(dir);
    expect(first!.length).toBe(second!.length);
    await queue.close();
  });

  it('refuses to open a log sealed under another key rather than drop its votes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'queue-'));
    const queue = await DurableQueue.open(dir, key);
    await queue.append(vote('a'));
    await queue.close();
    await expect(DurableQueue.open(dir, randomBytes(32))).rejects.toThrow(/cannot open/);
  });

  it('keeps of a delivered vote only sorted ids, counts and token digests once the queue is idle', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'queue-'));
    const queue = await DurableQueue.open(dir, key);
    // Cast in an order that sorting undoes: z, m, a.
    for (const [id, candidate] of [
      ['z', 'k-2'],
      ['m', 'k-1'],
      ['a', 'k-2'],
    ] as const)
      await queue.append(vote(id, candidate));
    for (const id of ['z', 'm', 'a']) await queue.acknowledge(id);
    await queue.close();
    const records = opened(dir);
    expect(records).toEqual([
      {
        t: 'delivered',
        electionId: 'e-1',
        voteIds: ['a', 'm', 'z'],
        counts: { 'k-1': 1, 'k-2': 2 },
        firstBucket: 60_000,
        lastBucket: 60_000,
      },
      { t: 'tokens', digests: expect.any(Array) },
    ]);
    const digests = (records[1] as { digests: string[] }).digests;
    expect(digests).toEqual([...digests].sort());

    const resumed = await DurableQueue.open(dir, key);
    expect(resumed.pendingCount()).toBe(0);
    expect(resumed.hasUsedToken(vote('m').ballotToken)).toBe(true);
    expect(resumed.castSummary('e-1').counts).toEqual({ 'k-1': 1, 'k-2': 2 });
    await resumed.close();
  });

  it('keeps votes not yet delivered whole through a compaction', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'queue-'));
    const queue = await DurableQueue.open(dir, key);
    await queue.append(vote('a'));
    await queue.append(vote('b'));
    await queue.acknowledge('a');
    await queue.close();
    const resumed = await DurableQueue.open(dir, key);
    expect(resumed.pending()).toEqual([vote('b')]);
    expect(opened(dir).filter((r) => (r as { t: string }).t === 'vote')).toHaveLength(1);
    await resumed.close();
  });

  it('reads the plain-text log of an older gateway and seals it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'queue-'));
    writeFileSync(
      join(dir, 'queue.log'),
      `${JSON.stringify({ t: 'vote', m: vote('a') })}\n${JSON.stringify({ t: 'vote', m: vote('b') })}\n${JSON.stringify({ t: 'ack', id: 'a' })}\n`,
    );
    const queue = await DurableQueue.open(dir, key);
    expect(queue.pending().map((v) => v.voteId)).toEqual(['b']);
    expect(logOf(dir)).not.toContain('"t"');
    expect(queue.castSummary('e-1').voteIds).toEqual(['a', 'b']);
    await queue.close();
  });
});
