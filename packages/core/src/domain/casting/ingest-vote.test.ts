import { generateKeyPairSync, sign } from 'node:crypto';
import { type SignedVoteFields, type VoteMessage, voteSigningBytes } from '@ballotstream/events';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryRecordStore } from '../../adapters/local/memory-record-store';
import { InlineSignatureChecker } from '../../adapters/shared/inline-signature-checker';
import { rawPublicKey } from '../crypto/ed25519';
import { sha256 } from '../crypto/encoding';
import { importCsv } from '../registry/csv-import';
import { createEntity } from '../registry/manage-registry';
import { recordKeys } from '../shared/keys';
import { type IngestVoteDeps, ingestVote } from './ingest-vote';

const ELECTION = 'general-2026';
const BUCKET = 60_000;
const TTL = 15 * 60_000;
const machineKey = generateKeyPairSync('ed25519');

let now: number;
let records: MemoryRecordStore;
let deps: IngestVoteDeps;

beforeEach(async () => {
  now = Date.parse('2026-05-01T06:00:00Z');
  records = new MemoryRecordStore();
  deps = {
    records,
    clock: { now: () => now },
    signatures: new InlineSignatureChecker(),
    bucketMs: BUCKET,
    clockSkewMs: 5_000,
    ballotTokenTtlMs: TTL,
  };
  await records.put('registry', {
    ...recordKeys.machine('m-1'),
    machineId: 'm-1',
    boothId: 'b-1',
    constituencyId: 'c-1',
    regionId: 'r-1',
    publicKey: rawPublicKey(machineKey.privateKey),
    blocked: false,
  });
  for (const [candidateId, constituencyId] of [
    ['cand-1', 'c-1'],
    ['cand-2', 'c-1'],
    ['cand-other-ward', 'c-2'],
  ] as const) {
    await records.put('registry', {
      ...recordKeys.registryEntity('candidate', candidateId),
      candidateId,
      constituencyId,
      regionId: 'r-1',
      name: candidateId,
    });
  }
});

async function grant(token: string): Promise<void> {
  await records.put('ballots', {
    ...recordKeys.ballotToken(sha256(token)),
    machineId: 'm-1',
    electionId: ELECTION,
    expiresAt: now + TTL,
  });
}

function vote(token: string, overrides: Partial<SignedVoteFields> = {}): VoteMessage {
  const fields: SignedVoteFields = {
    voteId: `v-${token}`,
    electionId: ELECTION,
    constituencyId: 'c-1',
    boothId: 'b-1',
    machineId: 'm-1',
    candidateId: 'cand-1',
    bucketStart: now - (now % BUCKET),
    ballotToken: token,
    ...overrides,
  };
  return {
    ...fields,
    signature: sign(null, voteSigningBytes(fields), machineKey.privateKey).toString('base64url'),
  };
}

describe('ingestVote', () => {
  it('spends a token without writing the vote id into its record, so a token leads to no vote', async () => {
    await grant('tok-a');
    const message = vote('tok-a');
    const result = await ingestVote(deps, message, 'm-1');
    expect(result.ok).toBe(true);
    const stored = await records.get('ballots', recordKeys.ballotToken(sha256('tok-a')));
    expect(stored).toBeDefined();
    const text = JSON.stringify(stored);
    expect(text).not.toContain(message.voteId);
    expect(text).not.toContain(sha256(message.voteId));
    expect(text).not.toContain(message.candidateId);
  });

  it('takes a redelivery of the same message as such, and refuses any other vote on a spent token', async () => {
    await grant('tok-b');
    const first = vote('tok-b');
    expect(await ingestVote(deps, first, 'm-1')).toMatchObject({ ok: true, value: { redelivery: false } });
    expect(await ingestVote(deps, first, 'm-1')).toMatchObject({ ok: true, value: { redelivery: true } });
    const otherVote = vote('tok-b', { voteId: 'v-other' });
    expect(await ingestVote(deps, otherVote, 'm-1')).toMatchObject({
      ok: false,
      error: { reason: 'token-reused' },
    });
    // The same vote id signed again for another candidate is another vote, not a redelivery.
    const changed = vote('tok-b', { candidateId: 'cand-2' });
    expect(await ingestVote(deps, changed, 'm-1')).toMatchObject({
      ok: false,
      error: { reason: 'token-reused' },
    });
  });

  it("refuses a candidate who is not on the ballot of the machine's constituency", async () => {
    await grant('tok-c');
    await grant('tok-d');
    expect(await ingestVote(deps, vote('tok-c', { candidateId: 'nobody' }), 'm-1')).toMatchObject({
      ok: false,
      error: { reason: 'off-ballot' },
    });
    expect(await ingestVote(deps, vote('tok-d', { candidateId: 'cand-other-ward' }), 'm-1')).toMatchObject({
      ok: false,
      error: { reason: 'off-ballot' },
    });
  });

  it("refuses a vote naming another constituency or booth than the machine's", async () => {
    await grant('tok-e');
    await grant('tok-f');
    expect(await ingestVote(deps, vote('tok-e', { constituencyId: 'c-2' }), 'm-1')).toMatchObject({
      ok: false,
      error: { reason: 'off-ballot' },
    });
    expect(await ingestVote(deps, vote('tok-f', { boothId: 'b-9' }), 'm-1')).toMatchObject({
      ok: false,
      error: { reason: 'off-ballot' },
    });
  });

  it('leaves a refused token unspent', async () => {
    await grant('tok-g');
    await ingestVote(deps, vote('tok-g', { candidateId: 'nobody' }), 'm-1');
    expect(await ingestVote(deps, vote('tok-g'), 'm-1')).toMatchObject({ ok: true });
  });

  it('accepts a vote cast late in a long bucket, though the token expiry was rounded up past the next one', async () => {
    // A 1 h secrecy bucket and a 10 min token: granted at 06:51, the expiry rounds up to 08:00,
    // which read back as "granted at 07:50" would put the grant after the vote's bucket.
    const hour = 3_600_000;
    const long = { ...deps, bucketMs: hour, ballotTokenTtlMs: 10 * 60_000 };
    now = Date.parse('2026-05-01T06:51:00Z');
    await records.put('ballots', {
      ...recordKeys.ballotToken(sha256('tok-late')),
      machineId: 'm-1',
      electionId: ELECTION,
      expiresAt: Date.parse('2026-05-01T08:00:00Z'),
    });
    const late = vote('tok-late', { bucketStart: Date.parse('2026-05-01T06:00:00Z') });
    expect((await ingestVote(long, late, 'm-1')).ok).toBe(true);

    // A vote whose bucket ended well before any time the token could have been granted is refused.
    await records.put('ballots', {
      ...recordKeys.ballotToken(sha256('tok-early')),
      machineId: 'm-1',
      electionId: ELECTION,
      expiresAt: Date.parse('2026-05-01T08:00:00Z'),
    });
    const early = vote('tok-early', { bucketStart: Date.parse('2026-05-01T05:00:00Z') });
    const refused = await ingestVote(long, early, 'm-1');
    expect(refused.ok ? 'accepted' : refused.error.reason).toBe('token-expired');
  });
});

describe('ingestVote and the poll hours', () => {
  beforeEach(async () => {
    await records.put('registry', {
      ...recordKeys.registryEntity('election', ELECTION),
      electionId: ELECTION,
      name: 'General',
      pollDay: '2026-05-01',
      opensAt: '2026-05-01T07:00:00.000Z',
      closesAt: '2026-05-01T18:00:00.000Z',
      timeZone: 'UTC',
    });
  });

  it('refuses a vote cast before the polls open', async () => {
    await grant('tok-early');
    expect(await ingestVote(deps, vote('tok-early'), 'm-1')).toMatchObject({
      ok: false,
      error: { reason: 'outside-poll-hours' },
    });
  });

  it('accepts a vote while the polls are open, and one of a voter queued at the close within the grace', async () => {
    now = Date.parse('2026-05-01T12:00:00Z');
    await grant('tok-open');
    expect(await ingestVote(deps, vote('tok-open'), 'm-1')).toMatchObject({ ok: true });
    now = Date.parse('2026-05-01T18:10:00Z');
    await grant('tok-queued');
    expect(await ingestVote(deps, vote('tok-queued'), 'm-1')).toMatchObject({ ok: true });
  });

  it("takes a late-closing booth's votes until its own close and grace, and refuses them after", async () => {
    await records.put('registry', {
      ...recordKeys.registryEntity('booth', 'b-1'),
      boothId: 'b-1',
      constituencyId: 'c-1',
      regionId: 'r-1',
      closesAt: '2026-05-01T20:00:00.000Z',
    });
    now = Date.parse('2026-05-01T19:00:00Z');
    await grant('tok-late-booth');
    expect(await ingestVote(deps, vote('tok-late-booth'), 'm-1')).toMatchObject({ ok: true });
    now = Date.parse('2026-05-01T20:31:00Z');
    await grant('tok-after-booth');
    expect(await ingestVote(deps, vote('tok-after-booth'), 'm-1')).toMatchObject({
      ok: false,
      error: { reason: 'outside-poll-hours' },
    });
  });

  it('keeps a booth imported by CSV with a later closesAt open after the election closes', async () => {
    const registry = {
      records,
      clock: { now: () => Date.parse('2026-04-01T00:00:00Z') },
      publisher: { publish: async () => undefined },
      config: { electionId: ELECTION },
    };
    const actor = { subject: 'ada', role: 'admin' } as const;
    await createEntity(registry, { entity: 'region', body: { regionId: 'r-1', name: 'One' }, actor });
    await createEntity(registry, {
      entity: 'constituency',
      body: { constituencyId: 'c-1', regionId: 'r-1', name: 'One' },
      actor,
    });
    const fence = '77.1 28.6;77.2 28.6;77.2 28.7;77.1 28.6';
    const csv = `boothId,constituencyId,name,address,lat,lon,electorate,geofence,closesAt\nb-1,c-1,Hill,,28.65,77.15,900,${fence},2026-05-01T20:00:00Z\n`;
    const report = await importCsv(registry, {
      entity: 'booth',
      open: async function* () {
        yield csv;
      },
      file: 'booths.csv',
      actor: 'import:test',
    });
    expect(report).toMatchObject({ written: 1, refusedRows: 0 });
    now = Date.parse('2026-05-01T19:00:00Z');
    await grant('tok-csv-late');
    expect(await ingestVote(deps, vote('tok-csv-late'), 'm-1')).toMatchObject({ ok: true });
  });

  it('refuses a vote cast after the close and its grace', async () => {
    now = Date.parse('2026-05-01T19:00:00Z');
    await grant('tok-late');
    expect(await ingestVote(deps, vote('tok-late'), 'm-1')).toMatchObject({
      ok: false,
      error: { reason: 'outside-poll-hours' },
    });
  });
});
