/**
 * One case per step of the trigger table (and per SNS subscriber): a real event built from the
 * catalogue's schemas, run on the AWS wiring, and what must come of it. Every case also holds
 * each command sent to the step's planned IAM statements (`expectRan`).
 */
import { createHash, randomBytes, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkBulletin, locationResourceNames, recordKeys, shardOfBooth } from '@ballotstream/core';
import {
  alertEscalated,
  alertRaised,
  anomalyDetected,
  boothCreated,
  boothUpdated,
  defenderViolation,
  type EventBridgeEnvelope,
  locationGeofenceEvent,
  machineBlocked,
  machineUnblocked,
  resultMismatched,
  resultSigningBytes,
  resultVerified,
  type SignedResultFields,
  sosRaised,
  tallyDiverged,
  tallyMaterialised,
  voteAccepted,
  voteIdsDigestInput,
  voteRejected,
  voterRejected,
} from '@ballotstream/events';
import { matchesPattern } from '@ballotstream/local/bus/pattern';
import { grantBallotToken, signedVote } from '@ballotstream/local/casting/casting-load';
import { readBulletin } from '@ballotstream/local/close/bulletin-files';
import { demoBoothPlace } from '@ballotstream/local/demo/geography';
import { expect } from 'vitest';
import { exampleLocationShards } from '../../../stacks/lib/example-arns';
import { forwardRules, fromOrigin } from '../src/bus-forwarding';
import { type HttpTrigger, triggers } from '../src/triggers';
import {
  envelopeOf,
  type Harness,
  httpEvent,
  type Invocation,
  queueBatchOf,
  schedulerEvent,
  tableStreamEventOf,
  topicRuleEventOf,
} from './harness';
import { arnsFor, type PlannedStep, STAGE } from './plan';

export interface Case {
  /** What the case shows, as the test's name. */
  readonly expectation: string;
  run(h: Harness, step: PlannedStep): Promise<void>;
}

/** The run raised nothing and every command it sent is one the step's role may send. */
function expectRan(run: Invocation): void {
  expect(run.error, String((run.error as Error | undefined)?.stack ?? '')).toBeUndefined();
  expect(
    run.denied,
    `commands the planned IAM statements do not allow: ${JSON.stringify(run.denied)}`,
  ).toEqual([]);
}

function expectStatus(run: Invocation, status: number): Record<string, unknown> {
  expectRan(run);
  const response = run.result as { statusCode: number; body?: string };
  expect(response.statusCode, response.body).toBe(status);
  return response.body === undefined ? {} : (JSON.parse(response.body) as Record<string, unknown>);
}

function expectNoBatchFailures(run: Invocation): void {
  expectRan(run);
  expect(run.result).toEqual({ batchItemFailures: [] });
}

/** The details of every PutEvents entry the run sent, to say what went out when a check fails. */
function details(run: Invocation): string {
  return run.calls
    .filter((c) => c.service === 'events')
    .flatMap((c) => (c.input.Entries as { Detail: string }[]).map((e) => e.Detail))
    .join('\n');
}

/** The detail types of every PutEvents entry the run sent, in order. */
function published(run: Invocation): string[] {
  return run.calls
    .filter((c) => c.service === 'events')
    .flatMap((c) => (c.input.Entries as { DetailType: string }[]).map((e) => e.DetailType));
}

function commands(run: Invocation, service: string): string[] {
  return run.calls.filter((c) => c.service === service).map((c) => c.command);
}

const http = (step: PlannedStep) => step as HttpTrigger;
const admin = { role: 'admin' } as const;

/** A public or role-gated GET that answers 200 from what the seed wrote. */
function getCase(
  expectation: string,
  request: (h: Harness) => Parameters<typeof httpEvent>[1],
  check?: (body: Record<string, unknown>, h: Harness) => void,
): Case {
  return {
    expectation,
    async run(h, step) {
      const body = expectStatus(await h.invoke(step, httpEvent(http(step), request(h))), 200);
      check?.(body, h);
    },
  };
}

/**
 * The tracker and collection of a machine's booth in the example location plan (several shards),
 * by the rule the stacks plan by: what the Location steps must reach.
 */
function shardResourceOf(m: { readonly regionId: string; readonly boothId: string }) {
  const shard = shardOfBooth(exampleLocationShards, m.regionId, m.boothId);
  if (shard === undefined) throw new Error(`no example shard for ${m.regionId}`);
  return locationResourceNames(STAGE, shard);
}

/** A booth's change event read from its queue puts the booth's geofence into the collection. */
function geofenceLoadCase(event: typeof boothCreated | typeof boothUpdated): Case {
  return {
    expectation: `puts the geofence of a booth in ${event.type} into the collection its link names`,
    async run(h, step) {
      const boothId = machine(h).boothId;
      const stored = await h.seed.deps.records.get('registry', recordKeys.booth(boothId));
      const { pk: _pk, sk: _sk, version: _v, updatedAt: _u, ...record } = stored as Record<string, unknown>;
      const detail = {
        entity: 'booth',
        id: boothId,
        record,
        actor: 'harness',
        at: new Date().toISOString(),
        ...(event.type === 'booth.updated' ? { fields: ['geofence'] } : {}),
      };
      const run = await h.invoke(
        step,
        queueBatchOf([envelopeOf(event as typeof boothCreated, detail as never, step)]),
      );
      expectNoBatchFailures(run);
      expect(commands(run, 'geo')).toEqual(['BatchPutGeofence']);
      const [put] = run.calls.filter((c) => c.command === 'BatchPutGeofence');
      expect(put?.input.CollectionName).toBe(shardResourceOf(machine(h)).collection);
    },
  };
}

/** The second machine's signed result record of no votes, as its topic rule hands it over. */
function emptyResultRecordOf(h: Harness) {
  const m = machine(h, 1);
  const fields: SignedResultFields = {
    electionId: h.seed.electionId,
    machineId: m.machineId,
    boothId: m.boothId,
    constituencyId: m.constituencyId,
    counts: {},
    voteCount: 0,
    firstBucket: null,
    lastBucket: null,
    voteIdsHash: createHash('sha256').update(voteIdsDigestInput([])).digest('hex'),
    closedAt: Date.now(),
  };
  const record = {
    ...fields,
    signature: sign(null, resultSigningBytes(fields), m.privateKey).toString('base64url'),
  };
  return topicRuleEventOf(m.machineId, record);
}

/** An admin blocks or unblocks the first machine with a reason: 200 and the event it causes. */
function blockCase(verb: 'blocks' | 'unblocks', event: 'machine.blocked' | 'machine.unblocked'): Case {
  return {
    expectation: `an admin ${verb} a machine: 200, ${event}`,
    async run(h, step) {
      const request = {
        params: { machineId: machine(h).machineId },
        body: { reason: 'harness check' },
        caller: admin,
      };
      const run = await h.invoke(step, httpEvent(http(step), request));
      expectStatus(run, 200);
      expect(published(run)).toEqual([event]);
    },
  };
}

/** The alert `raiseAlertFromAnomaly` raised, for `ackAlert` and `getAlerts` (the table lists them later). */
let raisedAlertId: string | undefined;
/** The receipt `ingestVote` kept with the vote it accepted, for `checkReceipt`. */
let recordedReceipt: string | undefined;
const RECEIPT_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const machine = (h: Harness, i = 0) => h.seed.machines[i]!;

/** A vote the first machine signs, with a ballot token granted for it (and a receipt, if given). */
async function castable(h: Harness, i = 0, receipt?: string) {
  const m = machine(h, i);
  const token = await grantBallotToken(
    h.seed.deps.records,
    h.seed.electionId,
    m,
    Date.now() + h.seed.deps.config.ballotTokenTtlMs,
  );
  const bucketMs = h.seed.deps.config.bucketMs;
  const bucketStart = Math.floor(Date.now() / bucketMs) * bucketMs;
  return signedVote(m, h.seed.electionId, h.seed.candidates[0]!, bucketStart, token, receipt);
}

function acceptedVote(h: Harness, i = 0) {
  const m = machine(h, i);
  const bucketMs = h.seed.deps.config.bucketMs;
  return {
    voteId: randomUUID(),
    electionId: h.seed.electionId,
    constituencyId: m.constituencyId,
    boothId: m.boothId,
    machineId: m.machineId,
    candidateId: h.seed.candidates[0]!,
    bucketStart: Math.floor(Date.now() / bucketMs) * bucketMs,
    // 12 symbols of the receipt alphabet (Crockford base32), as a booth prints them.
    receipt: Array.from(randomBytes(12), (b) => RECEIPT_ALPHABET[b % 32]).join(''),
  };
}

function alertOf(h: Harness) {
  const now = Date.now();
  return {
    alertId: `alert-${randomUUID()}`,
    kind: 'machine-offline',
    severity: 'critical' as const,
    region: h.seed.regionId,
    booth: machine(h).boothId,
    machine: machine(h).machineId,
    evidence: { silentForMs: 600_000 },
    firstSeen: now,
    lastSeen: now,
    count: 1,
    escalated: false,
  };
}

function blockChange(h: Harness, i = 0) {
  const m = machine(h, i);
  return {
    machineId: m.machineId,
    boothId: m.boothId,
    regionId: m.regionId,
    reason: 'harness',
    by: 'officer-1',
    at: Date.now(),
  };
}

/** Record the run of a step that is registered by hand later (`voteRecordCase` etc.). */
// Both regions' recorders receive the same accepted votes, as the two buses deliver them.
const votesBothRecord = new WeakMap<Harness, ReturnType<typeof acceptedVote>[]>();

function voteRecordCase(region: 'primary' | 'secondary'): Case {
  return {
    expectation: `writes a batch of accepted votes to the ${region} region's PostgreSQL vote store through the Data API`,
    async run(h, step) {
      if (!votesBothRecord.has(h)) votesBothRecord.set(h, [acceptedVote(h), acceptedVote(h, 1)]);
      const votes = votesBothRecord.get(h)!;
      const run = await h.invoke(step, queueBatchOf(votes.map((v) => envelopeOf(voteAccepted, v, step))));
      expectNoBatchFailures(run);
      expect(published(run)).toEqual([]);
      const stored = await h.last!.voteStores[region].votesOf(h.seed.electionId, {
        machineId: votes[0]!.machineId,
      });
      expect(JSON.stringify(stored)).toContain(votes[0]!.voteId);
    },
  };
}

/**
 * What a run published goes through the primary bus's forwarding rule (`forwardRules`, as
 * `stacks/bus.ts` plans it with the bus's ARN as the origin) to the secondary region's recorder,
 * which EventBridge may deliver twice: the vote is stored there once.
 */
async function expectForwardedOnce(h: Harness, step: PlannedStep, run: Invocation): Promise<void> {
  const [accepted] = deliveredEnvelopes(run, 'ap-south-1');
  const rule = forwardRules(triggers).find((r) => r.from === 'primary')!;
  const pattern = JSON.parse(fromOrigin(rule, arnsFor(step).bus('primary')));
  expect(matchesPattern(pattern, accepted), JSON.stringify(accepted?.resources)).toBe(true);
  const recorder = triggers.find((t) => t.name === 'recordVoteSecondary')!;
  for (let delivery = 0; delivery < 2; delivery++) {
    expectNoBatchFailures(await h.invoke(recorder, queueBatchOf([accepted])));
  }
  const { voteId, machineId } = accepted!.detail as { voteId: string; machineId: string };
  const stored = await h.last!.voteStores.secondary.votesOf(h.seed.electionId, { machineId });
  expect(stored.filter((v) => v.voteId === voteId)).toHaveLength(1);
}

/** The envelopes EventBridge delivers for a run's PutEvents entries, in the region it ran in. */
function deliveredEnvelopes(run: Invocation, region: string): EventBridgeEnvelope[] {
  return run.calls
    .filter((c) => c.service === 'events')
    .flatMap((c) =>
      (c.input.Entries as { Source: string; DetailType: string; Detail: string; Resources?: string[] }[]).map(
        (e) => ({
          version: '0',
          id: randomUUID(),
          'detail-type': e.DetailType,
          source: e.Source,
          account: '123456789012',
          time: new Date().toISOString(),
          region,
          resources: e.Resources ?? [],
          detail: JSON.parse(e.Detail) as Record<string, unknown>,
        }),
      ),
    );
}

export const CASES: Record<string, Case> = {
  health: getCase(
    'answers 200 and finds the cache up',
    () => ({}),
    (body) => expect(body).toMatchObject({ status: 'ok', cache: 'up' }),
  ),

  verifyVoter: {
    expectation:
      'verifies a seeded voter, matching the print at the biometric API through its HTTP adapter: 201, nothing put on the bus',
    async run(h, step) {
      const voter = h.seed.voters[0]!;
      const body = {
        ticket: voter.ticket,
        fingerprint: voter.fingerprint,
        boothId: machine(h).boothId,
        machineId: machine(h).machineId,
        attemptId: randomUUID().replace(/-/g, ''),
      };
      const run = await h.invoke(step, httpEvent(http(step), { body, caller: { role: 'booth' } }));
      const answer = expectStatus(run, 201);
      expect(answer).toHaveProperty('ballotToken');
      // A grant is announced to no one: the visitors it may count go straight to the watchers' store.
      expect(published(run)).toEqual([]);
      // The API key came from Secrets Manager, and the match went to the API with it.
      expect(commands(run, 'secrets-manager')).toEqual(['GetSecretValue']);
      expect(h.world.externalApis.requests.some((r) => r.route.includes('match'))).toBe(true);
      // The claim went to Redis too (the election's claim groups), not only to the durable record a
      // cache outage falls back on.
      expect(await h.world.cacheKeys(h.seed.electionId)).not.toEqual([]);
    },
  },

  issueTicket: {
    expectation:
      'issues a ticket for a voter the registry API knows, enrolling the prints at the biometric API: 201',
    async run(h, step) {
      const voterId = `reg-${randomUUID().slice(0, 8)}`;
      h.world.externalApis.register([
        {
          voterId,
          name: 'Harness Voter',
          photoRef: 'photo/harness',
          constituencyId: h.seed.constituencyId,
          boothId: machine(h).boothId,
          eligible: true,
        },
      ]);
      const event = httpEvent(http(step), {
        body: { voterId, fingerprints: [Buffer.from('harness print').toString('base64url')] },
        caller: { role: 'clerk' },
      });
      const run = await h.invoke(step, event);
      expectStatus(run, 201);
      expect(published(run)).toEqual(['ticket.issued']);
      expect(commands(run, 'kms')).toContain('Sign');
      const voterKey = h.seed.deps.pseudonyms.voterKey(voterId);
      expect(h.world.externalApis.enrolmentOf(voterKey)).toEqual([
        Buffer.from('harness print').toString('base64url'),
      ]);
    },
  },

  reissueTicket: {
    expectation:
      'replaces seeded tickets, one with new prints enrolled at the biometric API: 201, ticket.issued and ticket.revoked',
    async run(h, step) {
      const event = httpEvent(http(step), {
        params: { ticketId: h.seed.voters[2]!.ticketId },
        body: { reason: 'card lost' },
        caller: { role: 'clerk' },
      });
      const run = await h.invoke(step, event);
      expectStatus(run, 201);
      expect(published(run).sort()).toEqual(['ticket.issued', 'ticket.revoked']);
      const enrolAgain = httpEvent(http(step), {
        params: { ticketId: h.seed.voters[3]!.ticketId },
        body: { reason: 'card damaged', fingerprints: [Buffer.from('new print').toString('base64url')] },
        caller: { role: 'clerk' },
      });
      expectStatus(await h.invoke(step, enrolAgain), 201);
    },
  },

  revokeTicket: {
    expectation: 'revokes a seeded ticket: 200 and ticket.revoked',
    async run(h, step) {
      const run = await h.invoke(
        step,
        httpEvent(http(step), {
          params: { ticketId: h.seed.voters[1]!.ticketId },
          body: { reason: 'harness' },
          caller: { role: 'clerk' },
        }),
      );
      expectStatus(run, 200);
      expect(published(run)).toEqual(['ticket.revoked']);
    },
  },

  ticketStatus: getCase(
    'reads the ticket verifyVoter spent as used',
    (h) => ({ params: { ticketId: h.seed.voters[0]!.ticketId } }),
    (body, h) => expect(body).toEqual({ ticketId: h.seed.voters[0]!.ticketId, status: 'used' }),
  ),
  ticketKeys: getCase(
    'publishes the KMS ticket key',
    () => ({}),
    (body) => {
      expect(JSON.stringify(body)).toContain('BEGIN PUBLIC KEY');
    },
  ),

  ingestVote: {
    expectation:
      "accepts a signed vote from its queue batch: no failed item, vote.accepted on the bus, the vote's receipt and its machine's last vote kept",
    async run(h, step) {
      const receipt = acceptedVote(h).receipt;
      const vote = await castable(h, 0, receipt);
      const run = await h.invoke(step, queueBatchOf([topicRuleEventOf(vote.machineId, vote)]));
      expectNoBatchFailures(run);
      expect(published(run), details(run)).toEqual(['vote.accepted']);
      // The machine's last vote goes to the fleet table, as the machine views read it.
      expect(run.requests.filter((r) => r.action === 'dynamodb:PutItem').map((r) => r.resource)).toEqual(
        expect.arrayContaining([expect.stringMatching(/fleet/)]),
      );
      recordedReceipt = receipt;
      await expectForwardedOnce(h, step, run);
    },
  },

  recordVotePrimary: voteRecordCase('primary'),
  recordVoteSecondary: voteRecordCase('secondary'),

  materialiseTallies: {
    expectation: "materialises the windows that received votes from both regions' stores",
    async run(h, step) {
      const run = await h.invoke(step, schedulerEvent);
      expectRan(run);
      expect(published(run)).toContain('tally.materialised');
    },
  },

  syncStaffPools: {
    expectation:
      "creates the primary pool's officer in the secondary region's pool, in the same groups, writing nothing to the primary's",
    async run(h, step) {
      const run = await h.invoke(step, schedulerEvent);
      expectRan(run);
      const writes = run.calls.filter((c) => c.service === 'cognito-idp' && c.command.startsWith('Admin'));
      expect(
        writes.map((c) => `${c.region} ${c.command} ${String(c.input.GroupName ?? c.input.Username)}`),
      ).toEqual([
        'ap-south-2 AdminCreateUser olu@example.gov',
        'ap-south-2 AdminAddUserToGroup officer',
        'ap-south-2 AdminAddUserToGroup region-north',
      ]);
      expect(run.result).toEqual({ changes: 3, notEnrolled: 1, secondaryOnly: 0 });
    },
  },

  concealVoteOrder: {
    expectation: "rewrites both regions' recent votes in vote-id order",
    async run(h, step) {
      const run = await h.invoke(step, schedulerEvent);
      expectRan(run);
      expect(commands(run, 'rds-data').length).toBeGreaterThan(0);
    },
  },

  checkResultRecord: {
    expectation:
      "checks a machine's signed result record against both stores: result.verified or result.mismatched",
    async run(h, step) {
      const run = await h.invoke(step, emptyResultRecordOf(h));
      expectRan(run);
      expect(published(run)).toHaveLength(1);
      expect(['result.verified', 'result.mismatched']).toContain(published(run)[0]);
    },
  },

  getTallies: getCase(
    'answers the tallies materialised from the votes recorded above',
    () => ({ query: { level: 'country' } }),
    // The two votes both recorders wrote, and the one ingestVote's forwarding gave the secondary
    // alone, which the tally backfills into the primary.
    (body) => expect(body).toMatchObject({ level: 'country', totalVotes: 3 }),
  ),

  getRunningTallies: getCase(
    'answers an officer the running tallies of their own region',
    (h) => ({ query: { level: 'region' }, caller: { role: 'officer', regionId: h.seed.regionId } }),
    (body, h) => {
      const lines = body.lines as { scope: string }[];
      expect(lines.length).toBeGreaterThan(0);
      expect(new Set(lines.map((l) => l.scope))).toEqual(new Set([h.seed.regionId]));
    },
  ),

  checkReceipt: getCase(
    'finds the receipt ingestVote kept',
    () => ({ params: { code: recordedReceipt ?? 'none' } }),
    (body) => {
      expect(body).toMatchObject({ recorded: true });
    },
  ),

  recordWindowStatus: {
    expectation: "keeps a window's region agreement",
    async run(h, step) {
      const now = Date.now();
      const detail = {
        electionId: h.seed.electionId,
        windowStart: now - 60_000,
        windowEnd: now,
        votes: 2,
        agreement: 'agree' as const,
        materialisedAt: new Date(now).toISOString(),
      };
      const run = await h.invoke(step, envelopeOf(tallyMaterialised, detail, step));
      expectRan(run);
      expect(commands(run, 'dynamodb')).toContain('PutItem');
    },
  },

  getTallyWindows: getCase(
    'answers the materialised window, the two regions agreeing',
    () => ({}),
    (body) => expect(body.windows).toEqual([expect.objectContaining({ votes: 2, agreement: 'agree' })]),
  ),
  getTurnout: getCase(
    "answers the region's turnout per window",
    (h) => ({ query: { regionId: h.seed.regionId } }),
    (body) => expect(body).toMatchObject({ totalVotes: 3 }),
  ),
  listBooths: getCase(
    'finds the seeded booths by words',
    () => ({ query: { q: 'booth' } }),
    (body) => expect((body.booths as unknown[]).length).toBeGreaterThanOrEqual(2),
  ),
  listConstituencies: getCase(
    'lists the seeded constituency',
    () => ({}),
    (body, h) =>
      expect(body.constituencies).toEqual([
        expect.objectContaining({ constituencyId: h.seed.constituencyId }),
      ]),
  ),
  listCandidates: getCase(
    "lists a constituency's candidates in ballot order",
    (h) => ({ query: { constituencyId: h.seed.constituencyId } }),
    (body, h) =>
      expect((body.candidates as { candidateId: string }[]).map((c) => c.candidateId)).toEqual(
        h.seed.candidates,
      ),
  ),
  listMachines: getCase(
    "lists an officer's machines, reading their tracker trail",
    (h) => ({ caller: { role: 'officer', regionId: h.seed.regionId } }),
    (body, h) =>
      expect((body.machines as { machineId: string }[]).map((m) => m.machineId).sort()).toEqual(
        h.seed.machines.map((m) => m.machineId).sort(),
      ),
  ),
  getMachine: getCase(
    "shows one machine of the officer's region with its position trail",
    (h) => ({
      params: { machineId: machine(h).machineId },
      caller: { role: 'officer', regionId: h.seed.regionId },
    }),
    (body, h) => expect(body.machine).toMatchObject({ machineId: machine(h).machineId }),
  ),

  recordMachineEvent: {
    expectation: "adds a block to the machine's history",
    async run(h, step) {
      const run = await h.invoke(step, envelopeOf(machineBlocked, blockChange(h), step));
      expectRan(run);
      expect(commands(run, 'dynamodb')).toContain('PutItem');
    },
  },

  listRegistry: getCase(
    'lists the seeded booths',
    () => ({ params: { entities: 'booths' }, caller: admin }),
    (body) => expect((body.items as unknown[]).length).toBeGreaterThanOrEqual(2),
  ),
  getRegistry: getCase(
    'reads one booth',
    (h) => ({ params: { entities: 'booths', id: machine(h).boothId }, caller: admin }),
    (body, h) => expect(body).toMatchObject({ boothId: machine(h).boothId }),
  ),
  createRegistry: {
    expectation: 'registers a booth: 201, audited, booth.created',
    async run(h, step) {
      const boothId = `booth-h-${randomUUID().slice(0, 6)}`;
      const run = await h.invoke(
        step,
        httpEvent(http(step), {
          params: { entities: 'booths' },
          body: {
            boothId,
            constituencyId: h.seed.constituencyId,
            ...demoBoothPlace(1, 1, 3),
            electorate: 10,
          },
          caller: admin,
        }),
      );
      expectStatus(run, 201);
      expect(published(run)).toEqual(['booth.created']);
    },
  },
  updateRegistry: {
    expectation: 'renames a region: 200, audited, region.updated',
    async run(h, step) {
      const run = await h.invoke(
        step,
        httpEvent(http(step), {
          params: { entities: 'regions', id: h.seed.regionId },
          body: { name: 'Renamed' },
          caller: admin,
        }),
      );
      expectStatus(run, 200);
      expect(published(run)).toEqual(['region.updated']);
    },
  },
  listAudit: getCase(
    'lists the audit chain from its first entry',
    () => ({ caller: admin }),
    (body) => expect((body.entries as { seq: number }[])[0]).toMatchObject({ seq: 1 }),
  ),
  verifyAudit: getCase(
    'walks the audit chain and finds it intact',
    () => ({ caller: admin }),
    (body) => expect(body).toMatchObject({ intact: true }),
  ),

  trackPosition: {
    expectation: "forwards a machine's fix to the Amazon Location tracker",
    async run(h, step) {
      const m = machine(h);
      const run = await h.invoke(
        step,
        topicRuleEventOf(m.machineId, { lat: 28.6139, lon: 77.209, accuracyM: 5, sampledAt: Date.now() }),
      );
      expectRan(run);
      const updates = run.calls.filter((c) => c.command === 'BatchUpdateDevicePosition');
      expect(updates.map((c) => c.input.TrackerName)).toEqual([shardResourceOf(m).tracker]);
    },
  },

  loadGeofencesCreated: geofenceLoadCase(boothCreated),
  loadGeofencesUpdated: geofenceLoadCase(boothUpdated),

  geofenceEvent: {
    expectation: "turns a machine leaving its booth's geofence into an off-geofence anomaly",
    async run(h, step) {
      const m = machine(h);
      const detail = {
        EventType: 'EXIT' as const,
        GeofenceId: m.boothId,
        DeviceId: m.machineId,
        SampleTime: new Date().toISOString(),
        Position: [77.3, 28.7] as [number, number],
      };
      const run = await h.invoke(step, envelopeOf(locationGeofenceEvent, detail, step));
      expectRan(run);
      expect(published(run)).toEqual(['anomaly.detected']);
    },
  },

  observePresence: {
    expectation: 'feeds a lifecycle event to the fleet monitor',
    async run(h, step) {
      const m = machine(h);
      const run = await h.invoke(
        step,
        topicRuleEventOf(m.machineId, {
          clientId: m.machineId,
          timestamp: Date.now(),
          eventType: 'connected',
          ipAddress: '203.0.113.9',
        }),
      );
      expectRan(run);
      expect(run.result).toMatchObject({ observed: true });
    },
  },

  sos: {
    expectation: "blocks the booth's machines and publishes machine.blocked and sos.raised",
    async run(h, step) {
      const m = machine(h, 1);
      const run = await h.invoke(
        step,
        topicRuleEventOf(m.machineId, { note: 'harness', raisedAt: Date.now() }),
      );
      expectRan(run);
      expect(published(run)).toContain('sos.raised');
      expect(published(run)).toContain('machine.blocked');
    },
  },

  blockMachine: blockCase('blocks', 'machine.blocked'),
  unblockMachine: blockCase('unblocks', 'machine.unblocked'),

  sendControlBlocked: {
    expectation: 'publishes the machine its state, retained, on its control topic',
    async run(h, step) {
      const run = await h.invoke(step, envelopeOf(machineBlocked, blockChange(h), step));
      expectRan(run);
      const publish = run.calls.find((c) => c.service === 'iot-data');
      expect(publish?.input).toMatchObject({
        topic: `ballotstream/test/machines/${machine(h).machineId}/control`,
        retain: true,
      });
    },
  },
  sendControlUnblocked: {
    expectation: 'publishes the machine its state, retained, on its control topic',
    async run(h, step) {
      const run = await h.invoke(step, envelopeOf(machineUnblocked, blockChange(h), step));
      expectRan(run);
      expect(commands(run, 'iot-data')).toEqual(['Publish']);
    },
  },

  watchVotesAccepted: {
    expectation: 'reads accepted votes in a batch without a failed item',
    async run(h, step) {
      const run = await h.invoke(step, queueBatchOf([envelopeOf(voteAccepted, acceptedVote(h), step)]));
      expectNoBatchFailures(run);
    },
  },
  watchVotesRejected: {
    expectation: 'counts a refused vote',
    async run(h, step) {
      const detail = {
        machineId: machine(h).machineId,
        reason: 'bad-signature' as const,
        detail: 'harness',
        rejectedAt: new Date().toISOString(),
      };
      const run = await h.invoke(step, envelopeOf(voteRejected, detail, step));
      expectRan(run);
      expect(run.result).toEqual({ findings: published(run).length });
    },
  },
  watchVerificationRefusals: {
    expectation: 'counts a refused verification',
    async run(h, step) {
      const m = machine(h);
      const detail = {
        electionId: h.seed.electionId,
        boothId: m.boothId,
        machineId: m.machineId,
        reason: 'forged' as const,
        rejectedAt: new Date().toISOString(),
      };
      const run = await h.invoke(step, envelopeOf(voterRejected, detail, step));
      expectRan(run);
      expect(run.result).toEqual({ findings: published(run).length });
    },
  },
  watchRegionsDiverged: {
    expectation: 'turns diverged regions into an anomaly',
    async run(h, step) {
      const now = Date.now();
      const detail = {
        electionId: h.seed.electionId,
        windowStart: now - 60_000,
        windowEnd: now,
        primaryVotes: 3,
        secondaryVotes: 1,
        detectedAt: new Date(now).toISOString(),
      };
      const run = await h.invoke(step, envelopeOf(tallyDiverged, detail, step));
      expectRan(run);
      expect(published(run)).toEqual(['anomaly.detected']);
    },
  },
  anomalySweep: {
    expectation: 'sweeps for silent machines and outlying booths, publishing what it finds',
    async run(h, step) {
      const run = await h.invoke(step, schedulerEvent);
      expectRan(run);
      expect(run.result).toEqual({ findings: published(run).length });
    },
  },

  raiseAlertFromAnomaly: {
    expectation: 'raises an alert for a new anomaly: alert.raised',
    async run(h, step) {
      const detail = {
        regionId: h.seed.regionId,
        machineId: machine(h).machineId,
        rule: 'machine-offline' as const,
        severity: 'critical' as const,
        evidence: { silentForMs: 600_000 },
        detectedAt: new Date().toISOString(),
      };
      const run = await h.invoke(step, envelopeOf(anomalyDetected, detail, step));
      expectRan(run);
      expect(published(run)).toEqual(['alert.raised']);
      const entry = run.calls.find((c) => c.service === 'events')!.input.Entries as { Detail: string }[];
      raisedAlertId = (JSON.parse(entry[0]!.Detail) as { alertId: string }).alertId;
    },
  },
  raiseAlertFromViolation: {
    expectation: 'raises an alert for a fleet violation: alert.raised',
    async run(h, step) {
      const detail = {
        machineId: machine(h).machineId,
        behaviour: 'message-rate' as const,
        detectedBy: 'fleet-monitor' as const,
        metricValue: 900,
        threshold: 100,
        evidence: {},
        violationAt: new Date().toISOString(),
      };
      const run = await h.invoke(step, envelopeOf(defenderViolation, detail, step));
      expectRan(run);
      expect(published(run)).toEqual(['alert.raised']);
    },
  },
  detectVerificationConflict: {
    expectation:
      "raises one critical alert when a replica's stream shows one region's vote replaced by another's: alert.raised",
    async run(h, step) {
      const key = recordKeys.voterStatus(`conflict-${randomUUID()}`, h.seed.electionId);
      const status = { ...key, status: 'voted', boothId: machine(h).boothId, day: '2026-12-03' };
      const before = { ...status, attempt: randomUUID(), region: 'ap-south-1', epoch: 0 };
      const after = { ...status, attempt: randomUUID(), region: 'ap-south-2', epoch: 1 };
      const run = await h.invoke(step, tableStreamEventOf(before, after));
      expectNoBatchFailures(run);
      expect(published(run)).toEqual(['alert.raised']);
      expect(details(run)).toContain('verification-conflict');
      // The same voter's status rewritten by the attempt that already won is no conflict.
      const again = await h.invoke(step, tableStreamEventOf(after, { ...after, day: '2026-12-04' }));
      expectNoBatchFailures(again);
      expect(published(again)).toEqual([]);
    },
  },
  raiseAlertFromSos: {
    expectation: 'raises a critical alert for an SOS: alert.raised',
    async run(h, step) {
      const m = machine(h);
      const detail = {
        machineId: m.machineId,
        boothId: m.boothId,
        regionId: m.regionId,
        blockedMachines: [m.machineId],
        raisedAt: new Date().toISOString(),
      };
      const run = await h.invoke(step, envelopeOf(sosRaised, detail, step));
      expectRan(run);
      expect(published(run)).toEqual(['alert.raised']);
    },
  },
  closeOfPollVerified: {
    expectation: "keeps a machine's reconciled result check for the close-of-poll roll-up",
    async run(h, step) {
      const detail = {
        electionId: h.seed.electionId,
        machineId: machine(h).machineId,
        voteCount: 0,
        storedVotes: 0,
        checkedAt: new Date().toISOString(),
      };
      const run = await h.invoke(step, envelopeOf(resultVerified, detail, step));
      expectRan(run);
      expect(commands(run, 'dynamodb')).toContain('PutItem');
    },
  },
  closeOfPollMismatched: {
    expectation: "keeps a machine's disagreeing result check, with its problems, for the roll-up",
    async run(h, step) {
      const detail = {
        electionId: h.seed.electionId,
        machineId: machine(h, 1).machineId,
        voteCount: 3,
        storedVotes: 2,
        checkedAt: new Date().toISOString(),
        problems: ['record counts 3 votes, the cloud stored 2'],
      };
      const run = await h.invoke(step, envelopeOf(resultMismatched, detail, step));
      expectRan(run);
      expect(commands(run, 'dynamodb')).toContain('PutItem');
    },
  },
  checkMissingResults: {
    expectation:
      'looks for machines whose result record is missing after the close (none: polls are not over)',
    async run(h, step) {
      expectRan(await h.invoke(step, schedulerEvent));
    },
  },
  getCloseRollup: getCase(
    'answers an officer the close-of-poll roll-up of their region, naming the disagreeing machine',
    (h) => ({ caller: { role: 'officer', regionId: h.seed.regionId } }),
    (body, h) => expect(JSON.stringify(body)).toContain(machine(h, 1).machineId),
  ),
  recordCloseException: {
    expectation: "records a returning officer's audited exception for the disagreeing machine: 200",
    async run(h, step) {
      const event = httpEvent(http(step), {
        params: { constituencyId: h.seed.constituencyId },
        body: { machineId: machine(h, 1).machineId, reason: 'recounted by hand at the booth' },
        caller: { role: 'admin' },
      });
      expectStatus(await h.invoke(step, event), 200);
    },
  },
  getCertification: getCase(
    'answers the national desk which constituencies are certified or pending',
    () => ({ caller: { role: 'admin' } }),
  ),
  getCertifiedResults: getCase('answers the certified results the public may read', () => ({})),
  getBulletin: {
    expectation:
      'signs the bulletin with the KMS election key (P-256), whose signature verify-election accepts',
    async run(h, step) {
      const run = await h.invoke(step, httpEvent(http(step)));
      expectRan(run);
      const response = run.result as { statusCode: number; body: string };
      expect(response.statusCode, response.body).toBe(200);
      expect(commands(run, 'kms').sort()).toEqual(['GetPublicKey', 'Sign']);
      // As `ballotstream verify-election <file>` reads and checks it.
      const file = join(mkdtempSync(join(tmpdir(), 'bs-bulletin-')), 'bulletin.json');
      writeFileSync(file, response.body);
      const check = checkBulletin(await readBulletin(file));
      // The harness's close records are those earlier cases left (one machine disagrees, one
      // record is not kept); what this case holds is the election key's signature and key.
      expect(check.problems.filter((p) => /election key|not signed/.test(p))).toEqual([]);
    },
  },
  brokerHealth: {
    expectation:
      'publishes a probe through the IoT data plane and, with nothing echoing it back, reports the broker down: 503',
    async run(h, step) {
      const run = await h.invoke(step, httpEvent(http(step), { query: { n: '1', timeoutMs: '300' } }));
      expect(run.denied).toEqual([]);
      const response = run.result as { statusCode: number; body: string };
      expect(response.statusCode, response.body).toBe(503);
      expect(commands(run, 'iot-data')).toEqual(['Publish']);
    },
  },
  recordHealthProbe: {
    expectation: 'records a probe the health topic rule hands it',
    async run(h, step) {
      const probe = { probeId: `probe-${randomUUID().slice(0, 8)}`, seq: 0, sentAt: Date.now() };
      const run = await h.invoke(step, topicRuleEventOf('health', probe));
      expectRan(run);
      expect(commands(run, 'dynamodb')).toContain('PutItem');
    },
  },
  verificationOwner: getCase('answers which region owns verification, and its epoch', () => ({})),
  handOverVerification: {
    expectation: "hands verification over to the secondary at the national desk's word, audited: 200",
    async run(h, step) {
      const event = httpEvent(http(step), {
        body: { to: 'ap-south-2', force: true, reason: 'harness drill' },
        caller: { role: 'admin' },
      });
      expectStatus(await h.invoke(step, event), 200);
    },
  },
  raiseAlertFromResultMismatch: {
    expectation: 'raises a critical alert for a machine whose result record disagrees: alert.raised',
    async run(h, step) {
      const m = machine(h);
      const detail = {
        electionId: h.seed.electionId,
        machineId: m.machineId,
        voteCount: 3,
        storedVotes: 2,
        checkedAt: new Date().toISOString(),
        problems: ['record counts 3 votes, the cloud stored 2'],
      };
      const run = await h.invoke(step, envelopeOf(resultMismatched, detail, step));
      expectRan(run);
      expect(published(run)).toEqual(['alert.raised']);
    },
  },
  notifyOfficersRaised: {
    expectation: "tells the region's officers over SNS",
    async run(h, step) {
      const run = await h.invoke(step, envelopeOf(alertRaised, alertOf(h), step));
      expectRan(run);
      expect(commands(run, 'sns')).toContain('Publish');
    },
  },
  notifyOfficersEscalated: {
    expectation: 'tells the region and the national desk over SNS',
    async run(h, step) {
      const run = await h.invoke(step, envelopeOf(alertEscalated, { ...alertOf(h), escalated: true }, step));
      expectRan(run);
      expect(commands(run, 'sns')).toContain('Publish');
    },
  },
  escalateAlerts: {
    expectation: 'escalates the alerts past their deadline, none yet',
    async run(h, step) {
      const run = await h.invoke(step, schedulerEvent);
      expectRan(run);
      expect(run.result).toEqual({ escalated: 0 });
      expect(published(run)).toEqual([]);
    },
  },
  getAlerts: getCase(
    "lists the officer's region's alerts raised above",
    (h) => ({ caller: { role: 'officer', regionId: h.seed.regionId } }),
    (body) => expect(body.alerts).toContainEqual(expect.objectContaining({ alertId: raisedAlertId })),
  ),
  ackAlert: {
    expectation: 'acknowledges an alert the harness raised: 200, alert.acknowledged',
    async run(h, step) {
      expect(raisedAlertId, 'raiseAlertFromAnomaly ran first and raised an alert').toBeDefined();
      const alertId = raisedAlertId!;
      const run = await h.invoke(step, httpEvent(http(step), { params: { alertId }, caller: admin }));
      expectStatus(run, 200);
      expect(published(run)).toEqual(['alert.acknowledged']);
    },
  },

  defenderAlarm: {
    expectation: 'bridges a Device Defender Detect alarm from SNS into defender.violation',
    async run(h, step) {
      const alarm = {
        violationId: randomUUID(),
        thingName: machine(h).machineId,
        securityProfileName: 'ballotstream-test',
        behavior: { name: 'auth-failures', metric: 'aws:num-authorization-failures' },
        metricValue: { count: 40 },
        violationEventType: 'in-alarm',
        violationEventTime: Date.now(),
      };
      const event = snsDelivery('defender-alerts', alarm);
      const run = await h.invoke(step, event);
      expectRan(run);
      expect(run.result).toEqual({ bridged: 1, ignored: 0 });
      expect(published(run)).toEqual(['defender.violation']);
    },
  },
  auditFindings: {
    expectation: "turns a Device Defender Audit's non-compliant check into an anomaly for the national desk",
    async run(h, step) {
      const notification = {
        accountId: '123456789012',
        taskId: randomUUID(),
        taskStatus: 'COMPLETED',
        taskType: 'SCHEDULED_AUDIT_TASK',
        scheduledAuditName: `ballotstream-${STAGE}-daily`,
        nonCompliantChecksCount: 1,
        auditDetails: [
          {
            checkName: 'DEVICE_CERTIFICATE_SHARED_CHECK',
            checkRunStatus: 'COMPLETED_NON_COMPLIANT',
            nonCompliantResourcesCount: 1,
            totalResourcesCount: 2,
          },
        ],
      };
      const event = snsDelivery('audit-findings', notification);
      const run = await h.invoke(step, event);
      expectRan(run);
      expect(run.result).toEqual({ findings: 1 });
      expect(published(run)).toEqual(['anomaly.detected']);
      // The national desk's critical anomaly, naming the check, its counts and the audit task.
      expect(JSON.parse(details(run))).toMatchObject({
        regionId: 'national',
        rule: 'device-audit',
        severity: 'critical',
        evidence: {
          check: 'DEVICE_CERTIFICATE_SHARED_CHECK',
          nonCompliant: 1,
          total: 2,
          taskId: notification.taskId,
          audit: notification.scheduledAuditName,
        },
      });
    },
  },
  hardBlockIgnored: {
    expectation: 'sets the certificate of a machine that sends votes an hour after its block INACTIVE',
    async run(h, step) {
      const m = machine(h, 1);
      await h.seed.deps.records.update('registry', recordKeys.machine(m.machineId), {
        blocked: true,
        blockedAt: Date.now() - 3_600_000,
        hardBlocked: false,
      });
      const refusal = {
        machineId: m.machineId,
        reason: 'machine-blocked' as const,
        detail: 'harness',
        rejectedAt: new Date().toISOString(),
      };
      const run = await h.invoke(step, envelopeOf(voteRejected, refusal, step));
      expectRan(run);
      expect(run.result).toEqual({ hardBlocked: true, cause: 'soft-block-ignored' });
      const update = run.calls.find((c) => c.command === 'UpdateCertificate');
      expect(update?.input).toMatchObject({ newStatus: 'INACTIVE' });
    },
  },
  hardBlockSos: {
    expectation: "sets the certificates of a booth's machines INACTIVE on its second SOS",
    async run(h, step) {
      const m = machine(h, 0);
      await h.seed.deps.records.update('registry', recordKeys.machine(m.machineId), {
        blocked: true,
        blockedAt: Date.now(),
        hardBlocked: false,
        sosEvents: ['an-earlier-sos'],
      });
      const detail = {
        machineId: m.machineId,
        boothId: m.boothId,
        regionId: m.regionId,
        blockedMachines: [m.machineId],
        raisedAt: new Date().toISOString(),
      };
      const run = await h.invoke(step, envelopeOf(sosRaised, detail, step));
      expectRan(run);
      expect(run.result).toEqual({ hardBlocked: [m.machineId] });
      expect(commands(run, 'iot')).toEqual([
        'ListThingPrincipals',
        'DescribeCertificate',
        'UpdateCertificate',
      ]);
    },
  },
  restoreCertificates: {
    expectation: 'sets the certificate of a cleared, hard-blocked machine ACTIVE again',
    async run(h, step) {
      const m = machine(h, 1);
      await h.seed.deps.records.update('registry', recordKeys.machine(m.machineId), { blocked: false });
      const run = await h.invoke(step, envelopeOf(machineUnblocked, blockChange(h, 1), step));
      expectRan(run);
      expect(run.result).toEqual({ restored: true });
      const update = run.calls.find((c) => c.command === 'UpdateCertificate');
      expect(update?.input).toMatchObject({ newStatus: 'ACTIVE' });
    },
  },
};

/**
 * The steps that reach a vote store, again on a blueprint whose vote store is Timestream
 * (the default of `aws.voteStore`): Timestream answers as an empty store, so these show the
 * wiring and the grants (writes, selects, endpoint discovery), not the counts.
 */
export const TIMESTREAM_CASES: Record<string, Case> = {
  recordVotePrimary: timestreamRecordCase('primary'),
  recordVoteSecondary: timestreamRecordCase('secondary'),
  materialiseTallies: {
    expectation: "materialises the pending windows from both regions' Timestream tables",
    async run(h, step) {
      expectRan(await h.invoke(step, schedulerEvent));
    },
  },
  concealVoteOrder: {
    expectation: 'has nothing to rewrite in Timestream, and writes nothing',
    async run(h, step) {
      const run = await h.invoke(step, schedulerEvent);
      expectRan(run);
      expect(commands(run, 'timestream-write')).toEqual([]);
    },
  },
  checkResultRecord: {
    expectation: "selects a machine's votes from both regions' Timestream tables to check its result record",
    async run(h, step) {
      const run = await h.invoke(step, emptyResultRecordOf(h));
      expectRan(run);
      expect(commands(run, 'timestream-query')).toContain('Query');
      expect(published(run)).toHaveLength(1);
    },
  },
};

function timestreamRecordCase(region: 'primary' | 'secondary'): Case {
  return {
    expectation: `writes a batch of accepted votes to the ${region} region's Timestream table`,
    async run(h, step) {
      const votes = [acceptedVote(h), acceptedVote(h, 1)];
      const run = await h.invoke(step, queueBatchOf(votes.map((v) => envelopeOf(voteAccepted, v, step))));
      expectNoBatchFailures(run);
      expect(published(run)).toEqual([]);
      const writes = run.calls.filter((c) => c.service === 'timestream-write');
      expect(writes.map((c) => c.region)).toContain(region === 'primary' ? 'ap-south-1' : 'ap-south-2');
    },
  };
}

/** An SNS delivery of one message on a topic of this account, as Lambda receives it. */
/** What SNS hands a subscribed Lambda for one message of the topic. */
export function snsDelivery(topic: string, message: unknown) {
  const topicArn = `arn:aws:sns:ap-south-1:123456789012:${topic}`;
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:sub`,
        Sns: {
          Type: 'Notification',
          MessageId: randomUUID(),
          TopicArn: topicArn,
          Message: JSON.stringify(message),
          Timestamp: new Date().toISOString(),
        },
      },
    ],
  };
}
