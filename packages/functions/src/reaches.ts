import type { TableName } from '@ballotstream/core/ports';

/** How a step uses a durable table: `read` is get and query; `write` adds put, update and delete. */
export type TableUse = 'read' | 'write';

/**
 * How a step uses a region's vote store: `record` stores votes only; `read` reads votes;
 * `tally` reads votes, recounts windows into the store's kept counts and backfills votes.
 */
export type VoteStoreUse = 'record' | 'read' | 'tally';

/**
 * What a step reaches besides the events it publishes. `stacks/` grants a Lambda exactly this
 * (IAM actions on the named resources, the VPC when it needs the cache) and links nothing else.
 */
export interface Reaches {
  readonly tables?: { readonly [T in TableName]?: TableUse };
  /** The vote store of each region the step writes to or reads from. */
  readonly voteStores?: { readonly primary?: VoteStoreUse; readonly secondary?: VoteStoreUse };
  /** The voter cache (ElastiCache Redis in the VPC). */
  readonly cache?: true;
  /** The ticket-signing key: `verify` checks tickets, `sign` mints them (issue centre). */
  readonly ticketKeys?: 'verify' | 'sign';
  /** The key that turns a voter id into a pseudonym (an HMAC key in KMS). */
  readonly pseudonyms?: true;
  /** The external biometric API (a secret, no IAM). */
  readonly biometrics?: true;
  /** The external national voter registry API (a secret, no IAM). */
  readonly voterRegistry?: true;
  /** Officer notifications: publish to the SNS topic. */
  readonly notifications?: true;
  /** Machine positions: update the Location tracker. */
  readonly tracker?: true;
  /** Booth geofences: `write` puts them, `evaluate` checks positions against them. */
  readonly geofences?: 'write' | 'evaluate';
  /** Machine certificates: set one INACTIVE (hard block) or ACTIVE again. */
  readonly machineCertificates?: true;
  /** Machine control: a retained publish on `machines/<id>/control` (IoT data plane `iot:Publish`, `iot:RetainPublish`). */
  readonly machineControl?: true;
  /** The broker health check: a publish on `health/<probe>` (IoT data plane `iot:Publish`). */
  readonly brokerProbe?: true;
  /** Both regions' staff pools (Cognito): list in the primary's, list and write users and groups in the secondary's. */
  readonly staffPools?: true;
  /** The election key the public bulletin is signed with (KMS `kms:Sign`, `kms:GetPublicKey`). */
  readonly electionKey?: true;
}
