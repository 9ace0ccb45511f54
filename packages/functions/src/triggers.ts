import { assertNever } from '@ballotstream/core';
import {
  type EventType,
  healthTopic,
  MACHINE_TOPIC_LEVEL,
  positionTopic,
  presenceTopic,
  resultTopic,
  sosTopic,
  type TopicDefinition,
  voteTopic,
} from '@ballotstream/events';
import type { Reaches } from './reaches';

/**
 * Who may call a route; checked by the API's authorizer in AWS and by the local server alike.
 * Defined with the claims in `packages/events/src/roles.ts` (`roleDefinitions` names each Cognito group).
 */
export type Role = import('@ballotstream/events').Role;

/** A handler: a module under `packages/functions/src` and the export that is the Lambda entry. */
export interface HandlerRef {
  readonly file: string;
  readonly export: string;
}

interface TriggerBase {
  readonly name: string;
  readonly description: string;
  readonly handler: HandlerRef;
  /** Every event this step may publish; the integrity test holds the table to it. */
  readonly publishes: readonly EventType[];
  /** What the step touches besides publishing; stacks/ grants exactly this (see `reaches.ts`). */
  readonly reaches?: Reaches;
  /**
   * Lambda reserved concurrency (unset: unreserved). The watchers need none: their windows and
   * counters live in Redis (`DetectorState`), shared by every instance. A trigger that reads a
   * queue in batches may not go below 2 (`stacks/lib/queues.ts`).
   */
  readonly reservedConcurrency?: number;
}

/**
 * A target that reads through a queue in batches, not one invocation per message: in AWS the rule
 * (EventBridge or IoT) puts each message on an SQS queue and the function reads it with an event
 * source mapping of this batch size and batching window, reporting failed records one by one;
 * locally the bus or broker hands the target what is waiting, up to `size`, as soon as it is free.
 * For the busiest streams, where per-invocation cost would otherwise dominate.
 */
export interface QueueBatching {
  /** Most messages per invocation (SQS allows up to 10,000; above 10 needs a window of 1 s or more). */
  readonly size: number;
  /** How long AWS gathers messages before invoking (0-300 s). */
  readonly windowSeconds: number;
}

/**
 * Deliveries of a queued message before it goes to the dead-letter queue (SQS maxReceiveCount):
 * an event trigger's first attempt and its retries; a topic rule's, as the local broker retries.
 */
export const TOPIC_RULE_RETRIES = 2;
export function queueReceives(trigger: EventTrigger | TopicRuleTrigger): number {
  return (trigger.kind === 'event' ? trigger.retries : TOPIC_RULE_RETRIES) + 1;
}

export interface HttpTrigger extends TriggerBase {
  readonly kind: 'http';
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly roles: readonly Role[];
}

export interface EventTrigger extends TriggerBase {
  readonly kind: 'event';
  /** An EventBridge pattern: the same object becomes the rule in AWS and the local bus filter. */
  readonly pattern: {
    readonly source: readonly string[];
    readonly 'detail-type': readonly string[];
  } & Readonly<Record<string, unknown>>;
  /** Which region's bus runs this subscriber. */
  readonly region: 'primary' | 'secondary';
  readonly retries: number;
  /** Read the matching events through a queue in batches (see `QueueBatching`). */
  readonly batch?: QueueBatching;
}

export interface ScheduleTrigger extends TriggerBase {
  readonly kind: 'schedule';
  readonly schedule: string;
}

/** One field of a topic rule's SELECT, as the IoT SQL function that fills it. */
export type SelectField =
  | { readonly as: string; readonly fn: 'payload-base64' }
  | { readonly as: string; readonly fn: 'topic'; readonly level: number }
  | { readonly as: string; readonly fn: 'clientid' }
  | { readonly as: string; readonly fn: 'timestamp' };

export interface TopicRuleTrigger extends TriggerBase {
  readonly kind: 'topic-rule';
  readonly topic: TopicDefinition;
  readonly select: readonly SelectField[];
  /** The rule's action puts each message on a queue the handler reads in batches. */
  readonly batch?: QueueBatching;
}

export type Trigger = HttpTrigger | EventTrigger | ScheduleTrigger | TopicRuleTrigger;

/** The SELECT every machine-message rule uses: the raw payload and what IoT Core knows of it. */
const machineMessageSelect: readonly SelectField[] = [
  { as: 'payload', fn: 'payload-base64' },
  { as: 'topicMachineId', fn: 'topic', level: MACHINE_TOPIC_LEVEL },
  { as: 'clientId', fn: 'clientid' },
  { as: 'receivedAt', fn: 'timestamp' },
];

const on = (source: string, type: EventType) => ({ source: [source], 'detail-type': [type] });

/** Every vote passes these steps: batches of 100, gathered for up to a second in AWS. */
const voteBatches: QueueBatching = { size: 100, windowSeconds: 1 };

/** An imported registry file publishes one event per row: read them 100 at a time (10 geofences a call). */
const registryBatches: QueueBatching = { size: 100, windowSeconds: 1 };

/** What runs when: the one table both `stacks/` and the local runtime read. */
export const triggers = [
  {
    kind: 'http',
    name: 'health',
    description: 'Liveness and the counts of refused inputs.',
    method: 'GET',
    path: '/health',
    roles: ['public'],
    handler: { file: 'system/health', export: 'handler' },
    publishes: [],
    reaches: { cache: true },
  },
  {
    kind: 'http',
    name: 'brokerHealth',
    description: 'Publishes N probes through the device broker and expects N back (Route 53 checks it).',
    method: 'GET',
    path: '/health/broker',
    roles: ['public'],
    handler: { file: 'system/broker-health', export: 'check' },
    publishes: [],
    reaches: { tables: { ledger: 'read' }, brokerProbe: true },
  },
  {
    kind: 'topic-rule',
    name: 'recordHealthProbe',
    description: "Notes each broker health probe that came back through the broker's rules engine.",
    topic: healthTopic,
    select: machineMessageSelect,
    handler: { file: 'system/broker-health', export: 'record' },
    publishes: [],
    reaches: { tables: { ledger: 'write' } },
  },
  {
    kind: 'http',
    name: 'verifyVoter',
    description: 'A booth verifies a voter and receives a one-time ballot token for one machine.',
    method: 'POST',
    path: '/verifications',
    roles: ['booth'],
    handler: { file: 'verification/verify-voter', export: 'handler' },
    publishes: ['voter.verified', 'voter.rejected'],
    reaches: {
      tables: { tickets: 'read', registry: 'read', ballots: 'write', voters: 'write' },
      cache: true,
      ticketKeys: 'verify',
      pseudonyms: true,
      biometrics: true,
    },
  },
  {
    kind: 'http',
    name: 'issueTicket',
    description: "An issue-centre clerk issues a registered voter's ticket and enrols their fingerprints.",
    method: 'POST',
    path: '/tickets',
    roles: ['clerk', 'admin'],
    handler: { file: 'tickets/issue-ticket', export: 'handler' },
    publishes: ['ticket.issued'],
    reaches: {
      tables: { tickets: 'write', voters: 'write' },
      ticketKeys: 'sign',
      pseudonyms: true,
      biometrics: true,
      voterRegistry: true,
    },
  },
  {
    kind: 'http',
    name: 'reissueTicket',
    description: 'A clerk replaces a lost or damaged card; the old ticket is revoked.',
    method: 'POST',
    path: '/tickets/{ticketId}/reissue',
    roles: ['clerk', 'admin'],
    handler: { file: 'tickets/reissue-ticket', export: 'handler' },
    publishes: ['ticket.issued', 'ticket.revoked'],
    reaches: { tables: { tickets: 'write', voters: 'write' }, ticketKeys: 'sign', biometrics: true },
  },
  {
    kind: 'http',
    name: 'revokeTicket',
    description: 'A clerk revokes a ticket; no booth accepts it afterwards.',
    method: 'POST',
    path: '/tickets/{ticketId}/revoke',
    roles: ['clerk', 'admin'],
    handler: { file: 'tickets/revoke-ticket', export: 'handler' },
    publishes: ['ticket.revoked'],
    reaches: { tables: { tickets: 'write' } },
  },
  {
    kind: 'http',
    name: 'ticketStatus',
    description: 'Whether a ticket is valid, revoked, used or expired; nothing about its voter.',
    method: 'GET',
    path: '/tickets/{ticketId}/status',
    roles: ['public'],
    handler: { file: 'tickets/ticket-status', export: 'handler' },
    publishes: [],
    reaches: { tables: { tickets: 'read', voters: 'read' } },
  },
  {
    kind: 'http',
    name: 'ticketKeys',
    description: 'The public keys tickets are signed with, so booths can verify tickets offline.',
    method: 'GET',
    path: '/ticket-keys',
    roles: ['public'],
    handler: { file: 'tickets/ticket-keys', export: 'handler' },
    publishes: [],
    reaches: { ticketKeys: 'verify' },
  },
  {
    kind: 'topic-rule',
    name: 'ingestVote',
    description: 'Each signed vote from a machine is accepted once or refused with a reason.',
    topic: voteTopic,
    select: machineMessageSelect,
    handler: { file: 'casting/ingest-vote', export: 'handler' },
    batch: voteBatches,
    publishes: ['vote.accepted', 'vote.rejected'],
    reaches: { tables: { registry: 'read', ballots: 'write', ledger: 'write' } },
  },
  {
    kind: 'event',
    name: 'recordVotePrimary',
    description: "Writes accepted votes to the primary region's vote store.",
    pattern: on('ballotstream.casting', 'vote.accepted'),
    region: 'primary',
    retries: 2,
    handler: { file: 'casting/record-votes', export: 'primary' },
    batch: voteBatches,
    publishes: ['vote.recorded'],
    reaches: { tables: { tallies: 'write' }, voteStores: { primary: 'record' } },
  },
  {
    kind: 'event',
    name: 'recordVoteSecondary',
    description: "Writes accepted votes to the secondary region's vote store.",
    pattern: on('ballotstream.casting', 'vote.accepted'),
    region: 'secondary',
    retries: 2,
    handler: { file: 'casting/record-votes', export: 'secondary' },
    batch: voteBatches,
    publishes: ['vote.recorded'],
    reaches: { tables: { tallies: 'write' }, voteStores: { secondary: 'record' } },
  },
  {
    kind: 'schedule',
    name: 'materialiseTallies',
    description:
      'Materialises the tally of every window that received votes, comparing both regions and backfilling one from the other.',
    schedule: 'rate(1 minute)',
    handler: { file: 'tallies/materialise', export: 'handler' },
    publishes: ['tally.materialised', 'tally.diverged'],
    reaches: { tables: { tallies: 'write' }, voteStores: { primary: 'tally', secondary: 'tally' } },
  },
  {
    kind: 'schedule',
    name: 'concealVoteOrder',
    description:
      'Rewrites recently stored votes in vote-id order and checkpoints, so neither a store nor its log keeps the order voters came in.',
    schedule: 'rate(1 minute)',
    handler: { file: 'tallies/conceal-order', export: 'handler' },
    publishes: [],
    reaches: { voteStores: { primary: 'record', secondary: 'record' } },
  },
  {
    kind: 'topic-rule',
    name: 'checkResultRecord',
    description: "Checks a machine's signed result record at poll close against the votes stored for it.",
    topic: resultTopic,
    select: machineMessageSelect,
    handler: { file: 'casting/check-result', export: 'handler' },
    publishes: ['result.verified', 'result.mismatched'],
    reaches: { tables: { registry: 'read' }, voteStores: { primary: 'read', secondary: 'read' } },
  },
  {
    kind: 'event',
    name: 'closeOfPollVerified',
    description:
      "Keeps a machine's reconciled result record for the close-of-poll roll-up; certifies its constituency once every machine has.",
    pattern: on('ballotstream.casting', 'result.verified'),
    region: 'primary',
    retries: 2,
    handler: { file: 'close/record-result', export: 'verified' },
    publishes: [],
    reaches: { tables: { registry: 'read', results: 'write', audit: 'write' } },
  },
  {
    kind: 'event',
    name: 'closeOfPollMismatched',
    description: "Keeps a machine's disagreeing result record for the close-of-poll roll-up.",
    pattern: on('ballotstream.casting', 'result.mismatched'),
    region: 'primary',
    retries: 2,
    handler: { file: 'close/record-result', export: 'mismatched' },
    publishes: [],
    reaches: { tables: { registry: 'read', results: 'write', audit: 'write' } },
  },
  {
    kind: 'schedule',
    name: 'checkMissingResults',
    description:
      "After polls close, a machine whose result record has not come is a warning after the blueprint's grace, then critical.",
    schedule: 'rate(1 minute)',
    handler: { file: 'close/check-missing', export: 'handler' },
    publishes: ['alert.raised'],
    reaches: { tables: { registry: 'read', results: 'write', alerts: 'write' } },
  },
  {
    kind: 'http',
    name: 'getCloseRollup',
    description:
      'Reconciled, disagreeing and missing machines per booth, constituency, region and nation (an officer: their region).',
    method: 'GET',
    path: '/close/rollup',
    roles: ['officer', 'admin'],
    handler: { file: 'close/get-rollup', export: 'handler' },
    publishes: [],
    reaches: { tables: { registry: 'read', results: 'read' } },
  },
  {
    kind: 'http',
    name: 'recordCloseException',
    description:
      "A returning officer records why a machine that did not reconcile may be left out of the constituency's result; audited.",
    method: 'POST',
    path: '/close/constituencies/{constituencyId}/exceptions',
    roles: ['officer', 'admin'],
    handler: { file: 'close/record-exception', export: 'handler' },
    publishes: [],
    reaches: { tables: { registry: 'read', results: 'write', audit: 'write' } },
  },
  {
    kind: 'http',
    name: 'getCertification',
    description:
      'Certified or pending per constituency, with the time each was certified, for the national desk.',
    method: 'GET',
    path: '/close/certification',
    roles: ['officer', 'admin'],
    handler: { file: 'close/get-certification', export: 'handler' },
    publishes: [],
    reaches: { tables: { registry: 'read', results: 'read' } },
  },
  {
    kind: 'http',
    name: 'getCertifiedResults',
    description: 'Which constituencies are certified and when, for citizens, once polls close.',
    method: 'GET',
    path: '/results/certification',
    roles: ['public'],
    handler: { file: 'close/get-certified-results', export: 'handler' },
    publishes: [],
    reaches: { tables: { registry: 'read', results: 'read' } },
  },
  {
    kind: 'http',
    name: 'getBulletin',
    description:
      "The public bulletin once polls close: every machine's signed record and key, each constituency's result, the audit head, signed by the election key.",
    method: 'GET',
    path: '/bulletin',
    roles: ['public'],
    handler: { file: 'close/get-bulletin', export: 'handler' },
    publishes: [],
    reaches: { tables: { registry: 'read', results: 'read', audit: 'read' } },
  },
  {
    kind: 'http',
    name: 'getTallies',
    description: 'The materialised tallies by constituency, region or country, public once polls close.',
    method: 'GET',
    path: '/tallies',
    roles: ['public'],
    handler: { file: 'tallies/get-tallies', export: 'handler' },
    publishes: [],
    reaches: { tables: { tallies: 'read', registry: 'read' } },
  },
  {
    kind: 'http',
    name: 'getRunningTallies',
    description:
      'The running tallies while polls are open, for officers (their own region) and the national desk.',
    method: 'GET',
    path: '/monitor/tallies',
    roles: ['officer', 'admin'],
    handler: { file: 'tallies/get-running-tallies', export: 'handler' },
    publishes: [],
    reaches: { tables: { tallies: 'read', registry: 'read' } },
  },
  {
    kind: 'event',
    name: 'recordReceipt',
    description: "Keeps an accepted vote's receipt code alone, for the citizen's recorded-or-not check.",
    pattern: on('ballotstream.casting', 'vote.accepted'),
    region: 'primary',
    retries: 2,
    handler: { file: 'web/record-receipt', export: 'handler' },
    batch: voteBatches,
    publishes: [],
    reaches: { tables: { ledger: 'write' } },
  },
  {
    kind: 'http',
    name: 'checkReceipt',
    description: 'Whether a vote with this printed receipt was recorded: yes or no, never how.',
    method: 'GET',
    path: '/receipts/{code}',
    roles: ['public'],
    handler: { file: 'web/check-receipt', export: 'handler' },
    publishes: [],
    reaches: { tables: { ledger: 'read' } },
  },
  {
    kind: 'event',
    name: 'recordWindowStatus',
    description: "Keeps each tally window's region agreement for the monitoring centre.",
    pattern: on('ballotstream.tally', 'tally.materialised'),
    region: 'primary',
    retries: 2,
    handler: { file: 'web/record-window-status', export: 'handler' },
    publishes: [],
    reaches: { tables: { tallies: 'write' } },
  },
  {
    kind: 'http',
    name: 'getTallyWindows',
    description: 'Each materialised tally window and whether the two regions agreed on it.',
    method: 'GET',
    path: '/tallies/windows',
    roles: ['public'],
    handler: { file: 'web/get-tally-windows', export: 'handler' },
    publishes: [],
    reaches: { tables: { tallies: 'read' } },
  },
  {
    kind: 'http',
    name: 'getTurnout',
    description: 'Votes per tally window and their running total, for the country or one region.',
    method: 'GET',
    path: '/turnout',
    roles: ['public'],
    handler: { file: 'web/get-turnout', export: 'handler' },
    publishes: [],
    reaches: { tables: { tallies: 'read', registry: 'read' } },
  },
  {
    kind: 'http',
    name: 'listBooths',
    description: 'Booths nearest a point or matching words, with their geofences, for citizens and the map.',
    method: 'GET',
    path: '/booths',
    roles: ['public'],
    handler: { file: 'web/list-booths', export: 'handler' },
    publishes: [],
    reaches: { tables: { registry: 'read' } },
  },
  {
    kind: 'http',
    name: 'listConstituencies',
    description: "Every constituency's id, name and region.",
    method: 'GET',
    path: '/constituencies',
    roles: ['public'],
    handler: { file: 'web/list-constituencies', export: 'handler' },
    publishes: [],
    reaches: { tables: { registry: 'read' } },
  },
  {
    kind: 'http',
    name: 'listCandidates',
    description: "A constituency's candidates in ballot order.",
    method: 'GET',
    path: '/candidates',
    roles: ['public'],
    handler: { file: 'web/list-candidates', export: 'handler' },
    publishes: [],
    reaches: { tables: { registry: 'read' } },
  },
  {
    kind: 'http',
    name: 'listMachines',
    description: "The machines of the caller's region (or the country) with their state and position.",
    method: 'GET',
    path: '/machines',
    roles: ['officer', 'admin'],
    handler: { file: 'web/list-machines', export: 'handler' },
    publishes: [],
    reaches: { tables: { registry: 'read', fleet: 'read' }, tracker: true },
  },
  {
    kind: 'http',
    name: 'getMachine',
    description: "One machine's state, booth and position trail, within the caller's region.",
    method: 'GET',
    path: '/machines/{machineId}',
    roles: ['officer', 'admin'],
    handler: { file: 'web/get-machine', export: 'handler' },
    publishes: [],
    reaches: { tables: { registry: 'read', fleet: 'read' }, tracker: true },
  },
  {
    kind: 'event',
    name: 'recordMachineVote',
    description: 'Notes when each machine last had a vote accepted, to its time bucket, for its map state.',
    pattern: on('ballotstream.casting', 'vote.accepted'),
    region: 'primary',
    retries: 2,
    handler: { file: 'web/record-machine-vote', export: 'handler' },
    batch: voteBatches,
    publishes: [],
    reaches: { tables: { fleet: 'write' } },
  },
  {
    kind: 'event',
    name: 'recordMachineEvent',
    description:
      "Adds blocks, SOS, Defender behaviours, refused votes, geofence crossings, alerts and result checks to a machine's history.",
    pattern: {
      source: ['ballotstream.fleet', 'ballotstream.casting', 'ballotstream.alerts', 'aws.geo'],
      'detail-type': [
        'machine.blocked',
        'machine.unblocked',
        'sos.raised',
        'defender.violation',
        'vote.rejected',
        'Location Geofence Event',
        'alert.raised',
        'result.verified',
        'result.mismatched',
      ],
    },
    region: 'primary',
    retries: 2,
    handler: { file: 'web/record-machine-event', export: 'handler' },
    publishes: [],
    reaches: { tables: { fleet: 'write' } },
  },
  {
    kind: 'http',
    name: 'handOverVerification',
    description: 'The national desk hands the writing of voter statuses to another region; audited.',
    method: 'POST',
    path: '/verification/handover',
    roles: ['admin'],
    handler: { file: 'verification/hand-over', export: 'handOver' },
    publishes: [],
    reaches: { tables: { voters: 'write', audit: 'write' } },
  },
  {
    kind: 'http',
    name: 'verificationOwner',
    description: 'Which region writes voter statuses now, as this region knows it.',
    method: 'GET',
    path: '/verification/owner',
    roles: ['public'],
    handler: { file: 'verification/hand-over', export: 'owner' },
    publishes: [],
    reaches: { tables: { voters: 'read' } },
  },
  {
    kind: 'http',
    name: 'listRegistry',
    description: 'A page of elections, regions, constituencies, candidates, booths, machines or officers.',
    method: 'GET',
    path: '/admin/{entities}',
    roles: ['admin', 'officer', 'clerk'],
    handler: { file: 'admin/registry', export: 'list' },
    publishes: [],
    reaches: { tables: { registry: 'read' } },
  },
  {
    kind: 'http',
    name: 'getRegistry',
    description: 'One registry entity (an officer sees only their region).',
    method: 'GET',
    path: '/admin/{entities}/{id}',
    roles: ['admin', 'officer', 'clerk'],
    handler: { file: 'admin/registry', export: 'get' },
    publishes: [],
    reaches: { tables: { registry: 'read' } },
  },
  {
    kind: 'http',
    name: 'createRegistry',
    description: 'Registers an entity (officers: booths, machines, officers of their region); audited.',
    method: 'POST',
    path: '/admin/{entities}',
    roles: ['admin', 'officer'],
    handler: { file: 'admin/registry', export: 'create' },
    publishes: [
      'election.created',
      'region.created',
      'constituency.created',
      'candidate.created',
      'booth.created',
      'machine.created',
      'officer.created',
    ],
    reaches: { tables: { registry: 'write', audit: 'write' } },
  },
  {
    kind: 'http',
    name: 'updateRegistry',
    description: 'Changes fields of an entity; candidates and booths are frozen once polls open; audited.',
    method: 'PATCH',
    path: '/admin/{entities}/{id}',
    roles: ['admin', 'officer'],
    handler: { file: 'admin/registry', export: 'update' },
    publishes: [
      'election.updated',
      'region.updated',
      'constituency.updated',
      'candidate.updated',
      'booth.updated',
      'machine.updated',
      'officer.updated',
    ],
    reaches: { tables: { registry: 'write', audit: 'write' } },
  },
  {
    kind: 'http',
    name: 'listAudit',
    description: 'A page of the hash-chained audit log.',
    method: 'GET',
    path: '/audit',
    roles: ['admin'],
    handler: { file: 'admin/audit', export: 'list' },
    publishes: [],
    reaches: { tables: { audit: 'read' } },
  },
  {
    kind: 'http',
    name: 'verifyAudit',
    description: 'Walks the audit chain and names the first altered, removed or reordered entry.',
    method: 'GET',
    path: '/audit/verify',
    roles: ['admin'],
    handler: { file: 'admin/audit', export: 'verify' },
    publishes: [],
    reaches: { tables: { audit: 'read' } },
  },
  {
    kind: 'topic-rule',
    name: 'trackPosition',
    description:
      "Forwards a machine's GPS fix to the tracker (rate-limited); the tracker evaluates geofences.",
    topic: positionTopic,
    select: machineMessageSelect,
    handler: { file: 'fleet/track-position', export: 'handler' },
    publishes: ['anomaly.detected'],
    reaches: { tables: { registry: 'read', fleet: 'write' }, tracker: true, cache: true },
  },
  {
    kind: 'event',
    name: 'loadGeofencesCreated',
    description:
      "Puts a new booth's geofence (registered, or a row of an imported file) into the collection the tracker evaluates.",
    pattern: on('ballotstream.registry', 'booth.created'),
    region: 'primary',
    retries: 2,
    handler: { file: 'fleet/load-geofences', export: 'created' },
    batch: registryBatches,
    publishes: [],
    reaches: { tables: { registry: 'read' }, geofences: 'write' },
  },
  {
    kind: 'event',
    name: 'loadGeofencesUpdated',
    description: "Puts a changed booth's geofence, as the registry now holds it, into the collection.",
    pattern: on('ballotstream.registry', 'booth.updated'),
    region: 'primary',
    retries: 2,
    handler: { file: 'fleet/load-geofences', export: 'updated' },
    batch: registryBatches,
    publishes: [],
    reaches: { tables: { registry: 'read' }, geofences: 'write' },
  },
  {
    kind: 'event',
    name: 'geofenceEvent',
    description: "A machine leaving its booth's geofence (Amazon Location's event) is an anomaly.",
    pattern: { source: ['aws.geo'], 'detail-type': ['Location Geofence Event'] },
    region: 'primary',
    retries: 2,
    handler: { file: 'fleet/geofence-event', export: 'handler' },
    publishes: ['anomaly.detected'],
    reaches: { tables: { registry: 'read' }, cache: true },
  },
  {
    kind: 'topic-rule',
    name: 'observePresence',
    description:
      'IoT lifecycle events feed the fleet security monitor (AWS; locally the broker reports the same).',
    topic: presenceTopic,
    select: machineMessageSelect,
    handler: { file: 'fleet/observe-activity', export: 'presence' },
    publishes: ['defender.violation'],
    reaches: { tables: { registry: 'read' }, cache: true },
  },
  {
    kind: 'topic-rule',
    name: 'sos',
    description: "A booth's SOS blocks the booth's machines and raises a critical alert.",
    topic: sosTopic,
    select: machineMessageSelect,
    handler: { file: 'fleet/sos', export: 'handler' },
    publishes: ['machine.blocked', 'sos.raised'],
    reaches: { tables: { registry: 'write', audit: 'write' } },
  },
  {
    kind: 'http',
    name: 'blockMachine',
    description: "An officer of the machine's region (or an admin) blocks a machine, with a reason; audited.",
    method: 'POST',
    path: '/machines/{machineId}/block',
    roles: ['officer', 'admin'],
    handler: { file: 'fleet/block-machine', export: 'block' },
    publishes: ['machine.blocked', 'machine.unblocked'],
    reaches: { tables: { registry: 'write', audit: 'write' } },
  },
  {
    kind: 'http',
    name: 'unblockMachine',
    description:
      "An officer of the machine's region (or an admin) clears a blocked machine, with a reason; audited.",
    method: 'POST',
    path: '/machines/{machineId}/unblock',
    roles: ['officer', 'admin'],
    handler: { file: 'fleet/block-machine', export: 'unblock' },
    publishes: ['machine.blocked', 'machine.unblocked'],
    reaches: { tables: { registry: 'write', audit: 'write' } },
  },
  {
    kind: 'event',
    name: 'sendControlBlocked',
    description: 'Sends a blocked machine its state as a retained control message.',
    pattern: on('ballotstream.fleet', 'machine.blocked'),
    region: 'primary',
    retries: 2,
    handler: { file: 'fleet/send-control', export: 'blocked' },
    publishes: [],
    reaches: { tables: { registry: 'read' }, machineControl: true },
  },
  {
    kind: 'event',
    name: 'sendControlUnblocked',
    description: 'Sends an unblocked machine its state as a retained control message.',
    pattern: on('ballotstream.fleet', 'machine.unblocked'),
    region: 'primary',
    retries: 2,
    handler: { file: 'fleet/send-control', export: 'unblocked' },
    publishes: [],
    reaches: { tables: { registry: 'read' }, machineControl: true },
  },
  {
    kind: 'event',
    name: 'watchVotesAccepted',
    description: 'Anomaly rules on accepted votes: rate, burst after silence, poll hours, turnout.',
    pattern: on('ballotstream.casting', 'vote.accepted'),
    region: 'primary',
    retries: 2,
    handler: { file: 'anomaly/watch', export: 'accepted' },
    batch: voteBatches,
    publishes: ['anomaly.detected'],
    reaches: { tables: { registry: 'read' }, cache: true },
  },
  {
    kind: 'event',
    name: 'watchVotesRejected',
    description: 'Anomaly rules on refused votes: bad signatures or tokens, votes outside poll hours.',
    pattern: on('ballotstream.casting', 'vote.rejected'),
    region: 'primary',
    retries: 2,
    handler: { file: 'anomaly/watch', export: 'rejected' },
    publishes: ['anomaly.detected'],
    reaches: { tables: { registry: 'read' }, cache: true },
  },
  {
    kind: 'event',
    name: 'watchVerificationRefusals',
    description: 'Anomaly rule on refused verifications: repeated refusals at one booth.',
    pattern: on('ballotstream.verification', 'voter.rejected'),
    region: 'primary',
    retries: 2,
    handler: { file: 'anomaly/watch', export: 'refusals' },
    publishes: ['anomaly.detected'],
    reaches: { tables: { registry: 'read' }, cache: true },
  },
  {
    kind: 'event',
    name: 'watchVerifiedVisitors',
    description:
      'Counts voters verified at a booth who are registered at another, so the turnout rule allows for them.',
    pattern: on('ballotstream.verification', 'voter.verified'),
    region: 'primary',
    retries: 2,
    handler: { file: 'anomaly/watch', export: 'verified' },
    publishes: [],
    reaches: { cache: true },
  },
  {
    kind: 'event',
    name: 'watchRegionsDiverged',
    description: 'The two regions disagreeing on a tally window is an anomaly for the national desk.',
    pattern: on('ballotstream.tally', 'tally.diverged'),
    region: 'primary',
    retries: 2,
    handler: { file: 'anomaly/watch', export: 'diverged' },
    publishes: ['anomaly.detected'],
    reaches: {},
  },
  {
    kind: 'schedule',
    name: 'anomalySweep',
    description: 'Machines silent or offline during polls, and booths whose candidate shares stand out.',
    schedule: 'rate(1 minute)',
    handler: { file: 'anomaly/watch', export: 'sweep' },
    publishes: ['anomaly.detected'],
    reaches: { cache: true },
  },
  {
    kind: 'event',
    name: 'raiseAlertFromAnomaly',
    description: 'An anomaly raises (or counts up) the alert of its subject.',
    pattern: on('ballotstream.alerts', 'anomaly.detected'),
    region: 'primary',
    retries: 2,
    handler: { file: 'alerts/raise-alert', export: 'fromAnomaly' },
    publishes: ['alert.raised'],
    reaches: { tables: { alerts: 'write' } },
  },
  {
    kind: 'event',
    name: 'raiseAlertFromViolation',
    description: 'A fleet security violation raises (or counts up) the alert of its machine.',
    pattern: on('ballotstream.fleet', 'defender.violation'),
    region: 'primary',
    retries: 2,
    handler: { file: 'alerts/raise-alert', export: 'fromViolation' },
    publishes: ['alert.raised'],
    reaches: { tables: { alerts: 'write', registry: 'read' } },
  },
  {
    kind: 'event',
    name: 'raiseAlertFromSos',
    description: "A booth's SOS raises a critical alert.",
    pattern: on('ballotstream.fleet', 'sos.raised'),
    region: 'primary',
    retries: 2,
    handler: { file: 'alerts/raise-alert', export: 'fromSos' },
    publishes: ['alert.raised'],
    reaches: { tables: { alerts: 'write' } },
  },
  {
    kind: 'event',
    name: 'raiseAlertFromResultMismatch',
    description: "A machine's result record that disagrees with the stored votes raises a critical alert.",
    pattern: on('ballotstream.casting', 'result.mismatched'),
    region: 'primary',
    retries: 2,
    handler: { file: 'alerts/raise-alert', export: 'fromResultMismatch' },
    publishes: ['alert.raised'],
    reaches: { tables: { alerts: 'write', registry: 'read' } },
  },
  {
    kind: 'event',
    name: 'notifyOfficersRaised',
    description: "Tells the alert region's officers over SNS (SMS and email), throttled per officer.",
    pattern: on('ballotstream.alerts', 'alert.raised'),
    region: 'primary',
    retries: 2,
    handler: { file: 'alerts/notify-officers', export: 'raised' },
    publishes: [],
    reaches: { tables: { alerts: 'write', registry: 'read' }, notifications: true },
  },
  {
    kind: 'event',
    name: 'notifyOfficersEscalated',
    description: 'Tells the region and the national desk of an alert not acknowledged in time.',
    pattern: on('ballotstream.alerts', 'alert.escalated'),
    region: 'primary',
    retries: 2,
    handler: { file: 'alerts/notify-officers', export: 'escalated' },
    publishes: [],
    reaches: { tables: { alerts: 'write', registry: 'read' }, notifications: true },
  },
  {
    kind: 'schedule',
    name: 'escalateAlerts',
    description: 'Escalates alerts not acknowledged within their severity deadline.',
    schedule: 'rate(1 minute)',
    handler: { file: 'alerts/escalate', export: 'handler' },
    publishes: ['alert.escalated'],
    reaches: { tables: { alerts: 'write' } },
  },
  {
    kind: 'http',
    name: 'getAlerts',
    description: "Alerts newest first, an officer's own region only, filtered by severity and status.",
    method: 'GET',
    path: '/alerts',
    roles: ['officer', 'admin'],
    handler: { file: 'alerts/get-alerts', export: 'handler' },
    publishes: [],
    reaches: { tables: { alerts: 'read' } },
  },
  {
    kind: 'http',
    name: 'ackAlert',
    description: "An officer of the alert's region (or an admin) acknowledges it; audited.",
    method: 'POST',
    path: '/alerts/{alertId}/ack',
    roles: ['officer', 'admin'],
    handler: { file: 'alerts/ack-alert', export: 'handler' },
    publishes: ['alert.acknowledged'],
    reaches: { tables: { alerts: 'write', audit: 'write' } },
  },
  {
    kind: 'event',
    name: 'hardBlockIgnored',
    description:
      "A blocked machine still sending votes past the block's grace has its certificate set inactive; audited.",
    pattern: on('ballotstream.casting', 'vote.rejected'),
    region: 'primary',
    retries: 2,
    handler: { file: 'fleet/hard-block', export: 'ignored' },
    publishes: [],
    reaches: { tables: { registry: 'write', audit: 'write' }, machineCertificates: true },
  },
  {
    kind: 'event',
    name: 'hardBlockSos',
    description:
      "A booth's second SOS before it is cleared sets its machines' certificates inactive; audited.",
    pattern: on('ballotstream.fleet', 'sos.raised'),
    region: 'primary',
    retries: 2,
    handler: { file: 'fleet/hard-block', export: 'sos' },
    publishes: [],
    reaches: { tables: { registry: 'write', audit: 'write' }, machineCertificates: true },
  },
  {
    kind: 'event',
    name: 'restoreCertificates',
    description:
      "A cleared machine's certificates, set inactive by a hard block, are set active again; audited.",
    pattern: on('ballotstream.fleet', 'machine.unblocked'),
    region: 'primary',
    retries: 2,
    handler: { file: 'fleet/hard-block', export: 'restored' },
    publishes: [],
    reaches: { tables: { registry: 'write', audit: 'write' }, machineCertificates: true },
  },
] as const satisfies readonly Trigger[];

/** Events published by some step but consumed by no subscriber in the table; fine, but visible. */
export function eventsConsumed(): Set<string> {
  const consumed = new Set<string>();
  for (const t of triggers as readonly Trigger[]) {
    if (t.kind === 'event') for (const type of t.pattern['detail-type']) consumed.add(type);
  }
  return consumed;
}

/** Renders a topic rule's SELECT as IoT SQL (version 2016-03-23) for the topic filter given. */
export function topicRuleSql(select: readonly SelectField[], filter: string): string {
  const fields = select.map((field) => {
    switch (field.fn) {
      case 'payload-base64':
        return `encode(*, 'base64') AS ${field.as}`;
      case 'topic':
        return `topic(${field.level}) AS ${field.as}`;
      case 'clientid':
        return `clientid() AS ${field.as}`;
      case 'timestamp':
        return `timestamp() AS ${field.as}`;
      default:
        return assertNever(field);
    }
  });
  return `SELECT ${fields.join(', ')} FROM '${filter}'`;
}
