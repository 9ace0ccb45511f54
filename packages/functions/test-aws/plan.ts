/**
 * What the SST app plans for each Lambda, read in one place so the AWS harness can later be
 * pointed at another source (a port catalogue) by changing this file alone: the links a trigger
 * carries, the IAM statements it is granted, and the environment it runs with. Values follow the
 * example ARNs of `stacks/lib/example-arns.ts` (account 123456789012, stage `test`).
 */
import { fileURLToPath } from 'node:url';
import { blueprintEnvironment } from '@ballotstream/core';
import { loadInfraBlueprint } from '../../../stacks/lib/blueprint';
import { exampleArns, exampleLinks } from '../../../stacks/lib/example-arns';
import { functionEnvironment, invokedAsynchronously } from '../../../stacks/lib/functions';
import { type Region, type Statement, statementsFor } from '../../../stacks/lib/permissions';
import { batchQueuePlans } from '../../../stacks/lib/queues';
import { plannedLinks as catalogueLinks } from '../src/catalogue';
import { LINKS, type SNS_SUBSCRIBERS } from '../src/links';
import type { Trigger } from '../src/triggers';

export const ACCOUNT = '123456789012';
/** The stage the example ARNs spell (`ballotstream-test-*`, `ballotstream/test/...`). */
export const STAGE = 'test';
export const REGION_NAMES: Record<Region, string> = { primary: 'ap-south-1', secondary: 'ap-south-2' };

const root = fileURLToPath(new URL('../../../', import.meta.url));
/** The blueprint CI type-checks the SST app with (Aurora PostgreSQL vote stores). */
export const blueprint = loadInfraBlueprint('ci', root, {
  BALLOTSTREAM_BLUEPRINT: `${root}stacks/fixtures/ci-blueprint.json`,
});

/** A step the SST app deploys: a trigger of the table, or an SNS subscriber of `links.ts`. */
export type PlannedStep = Trigger | (typeof SNS_SUBSCRIBERS)[number];

/** The region whose bus runs a step; every other step runs in the primary region. */
export function regionOf(step: PlannedStep): Region {
  return 'kind' in step && step.kind === 'event' ? step.region : 'primary';
}

type VoteStoreKind = 'timestream' | 'postgres' | 'postgres-data-api';

/**
 * The vote store the harness plans for. Its PostgreSQL stands in for Aurora behind the RDS Data
 * API, so the PostgreSQL steps run on the `postgres-data-api` wiring (the direct-connection
 * adapter is held by the vote-store contract suite against the real PostgreSQL instead).
 */
export const HARNESS_VOTE_STORE: VoteStoreKind =
  blueprint.aws.voteStore === 'timestream' ? 'timestream' : 'postgres-data-api';
let voteStoreKind: VoteStoreKind = HARNESS_VOTE_STORE;

/** Plans for the other vote store a blueprint may choose (`aws.voteStore`), until called again. */
export function useVoteStore(kind: VoteStoreKind): void {
  voteStoreKind = kind;
}

/** The example ARNs as `stacks/functions.ts` spells them for the region a step runs in. */
export function arnsFor(step: PlannedStep) {
  return exampleArns(voteStoreKind, REGION_NAMES[regionOf(step)]);
}

/** The at-rest data key of a region (`stacks/keys.ts`: a multi-region key and its replica). */
export function dataKeyArn(region: string): string {
  return `arn:aws:kms:${region}:${ACCOUNT}:key/mrk-data`;
}

/**
 * The environment `stacks/` gives a step's Lambda (`functionEnvironment`: the blueprint's settings,
 * the stage, and the step with the events it declares), plus what the Lambda runtime sets.
 */
export function plannedEnvironment(step: PlannedStep): Record<string, string> {
  return {
    ...functionEnvironment(step, blueprintEnvironment(blueprint), STAGE),
    AWS_REGION: REGION_NAMES[regionOf(step)],
  };
}

/** Where the harness's Redis stands in for ElastiCache (SST's `dev` link has no password, so no TLS). */
export interface CacheEndpoint {
  readonly host: string;
  readonly port: number;
}

/**
 * The links a step carries and their values: the names the port catalogue plans for it (as
 * `stacks/links.ts` turns them into links), each with the example value of the resource its
 * example ARN names; the cache points at the harness's Redis.
 */
export function plannedLinks(
  step: PlannedStep,
  cache: CacheEndpoint,
  externalApiUrl?: string,
): Record<string, unknown> {
  const examples = exampleLinks(voteStoreKind);
  const region = regionOf(step);
  const links: Record<string, unknown> = {};
  for (const name of catalogueLinks(asTrigger(step))) {
    const value = examples.get(name);
    if (value === undefined) throw new Error(`${step.name}: no example value for link ${name}`);
    links[name] = value;
  }
  if (LINKS.cache in links) links[LINKS.cache] = { host: cache.host, port: cache.port, tls: false };
  // The registry and the biometric API are not AWS: a local server following their contracts.
  for (const name of [LINKS.voterRegistryApi, LINKS.biometricApi]) {
    const value = links[name] as { secretArn: string } | undefined;
    if (value !== undefined && externalApiUrl !== undefined) links[name] = { ...value, url: externalApiUrl };
  }
  if (LINKS.iotDataEndpoint in links) {
    links[LINKS.iotDataEndpoint] = {
      address: `a1b2c3d4e5f6g7-ats.iot.${REGION_NAMES[region]}.amazonaws.com`,
    };
  }
  return links;
}

/** An SNS subscriber as `stacks/defender.ts` hands it to `statementsFor`: a step that reaches nothing. */
function asTrigger(step: PlannedStep): Trigger {
  if ('kind' in step) return step;
  return { ...step, kind: 'http', method: 'POST', path: '/', roles: [], reaches: {} } as Trigger;
}

/**
 * The IAM statements a step's role holds, as `stacks/functions.ts` grants them; `without`
 * drops statements, for the test that proves a missing grant turns the harness red.
 */
export function plannedStatements(step: PlannedStep): Statement<string>[] {
  const trigger = asTrigger(step);
  const statements = statementsFor(trigger, arnsFor(step));
  if (invokedAsynchronously(trigger)) {
    statements.push({
      actions: ['sqs:SendMessage'],
      resources: [`arn:aws:sqs:${REGION_NAMES[regionOf(step)]}:${ACCOUNT}:ballotstream-test-dead-letters`],
    });
  }
  return statements;
}

/**
 * The queue a batch step's event source mapping reads, as `stacks/queues.ts` names it from
 * `batchQueuePlans`; undefined for a step invoked directly.
 */
export function plannedBatchQueue(step: PlannedStep): string | undefined {
  if (!('kind' in step)) return undefined;
  const plan = batchQueuePlans(STAGE, [step])[0];
  return plan === undefined
    ? undefined
    : `arn:aws:sqs:${REGION_NAMES[plan.region]}:${ACCOUNT}:${plan.queueName}`;
}
