/**
 * Runs one Lambda entry of the trigger table on its AWS wiring: the planned environment, the
 * planned links read through `buildAwsDeps(read)`, the real handler export, and an IAM check of
 * every command it sent against the statements its role is planned to hold.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { loadConfig } from '@ballotstream/core';
import { DynamoRecordStore, loadKmsPseudonyms, loadKmsTicketKeys } from '@ballotstream/core/adapters/aws';
import { HttpBiometrics } from '@ballotstream/core/adapters/http';
import { systemClock, type TableName } from '@ballotstream/core/ports';
import type { DetailOf, EventBridgeEnvelope, EventDefinition, TopicRuleEvent } from '@ballotstream/events';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { LINKS } from '../src/links';
import { buildAwsDeps } from '../src/shared/aws-deps';
import { appOf, type Deps, installApp, uninstallApp } from '../src/shared/deps';
import { logger } from '../src/shared/observability';
import { type HttpTrigger, type LambdaEntry, loadHandler, type Role } from '../src/triggers';
import { deniedRequests, type IamRequest } from './iam';
import {
  arnsFor,
  type PlannedStep,
  plannedBatchQueue,
  plannedEnvironment,
  plannedLinks,
  plannedStatements,
  REGION_NAMES,
  regionOf,
} from './plan';
import { iamRequestsOf, type SdkCall } from './sdk-calls';
import type { AwsWorld } from './world';

/** What one invocation came to: its result or what it threw, and every SDK command it sent. */
export interface Invocation {
  readonly result?: unknown;
  readonly error?: unknown;
  readonly calls: readonly SdkCall[];
  /** What IAM would evaluate for those commands. */
  readonly requests: readonly IamRequest[];
  /** Those requests the step's planned statements do not allow. */
  readonly denied: readonly IamRequest[];
  /** What the handler logged as errors (a 500 says nothing more, by design). */
  readonly loggedErrors: readonly string[];
}

const ENV_KEYS = new Set<string>();

function applyEnvironment(env: Record<string, string>): void {
  for (const key of ENV_KEYS) delete process.env[key];
  ENV_KEYS.clear();
  for (const [key, value] of Object.entries(env)) {
    process.env[key] = value;
    ENV_KEYS.add(key);
  }
}

function lambdaContext(name: string): Context {
  const ignore = () => undefined;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:ap-south-1:123456789012:function:${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'harness',
    getRemainingTimeInMillis: () => 10_000,
    done: ignore,
    fail: ignore,
    succeed: ignore,
  };
}

/** The deployed entry of a step: `packages/functions/src/<file>.ts`, export `<export>`. */
export function loadEntry(step: PlannedStep): Promise<LambdaEntry> {
  return loadHandler(step.handler);
}

export class Harness {
  /** The deps the last invocation ran with, so a case can read what it wrote. */
  last: Deps | undefined;
  /** Told of every invocation, for checks across runs. */
  onInvocation: ((step: PlannedStep, invocation: Invocation) => void) | undefined;

  constructor(
    readonly world: AwsWorld,
    /** Data written by the seed, shared by the cases. */
    readonly seed: SeedData,
  ) {}

  /**
   * Runs a step cold, as a fresh Lambda would: its environment, its links, the AWS wiring, then
   * the event. Stand-ins replace named ports only for ports no AWS adapter exists for yet.
   */
  async invoke(
    step: PlannedStep,
    event: unknown,
    standIns: Partial<Pick<Deps, 'biometrics' | 'voterRegistry'>> = {},
  ): Promise<Invocation> {
    applyEnvironment(plannedEnvironment(step));
    const links = plannedLinks(step, this.world.redis, this.world.externalApis.url);
    this.world.calls.length = 0;
    let result: unknown;
    let error: unknown;
    let deps: Deps | undefined;
    const loggedErrors: string[] = [];
    const logError = logger.error;
    logger.error = (...args: Parameters<typeof logger.error>) => {
      loggedErrors.push(
        JSON.stringify(args, (_k, v) => (v instanceof Error ? `${v.name}: ${v.message}` : v)),
      );
      logError.apply(logger, args);
    };
    try {
      const built = await buildAwsDeps((name) => links[name]);
      deps = withStandIns(built, standIns);
      installApp(appOf(deps));
      this.last = deps;
      const entry = await loadEntry(step);
      // As in a deployed Lambda, the context names no step: the function reads it from the
      // environment its stack plans, and publishes only what that declares.
      result = await entry(event, lambdaContext(step.name));
    } catch (e) {
      error = e;
    } finally {
      // What the handler started and did not await (a vote store's migration) is still its own.
      await this.world.settled();
      logger.error = logError;
      uninstallApp();
      if (deps !== undefined && links[LINKS.cache] !== undefined)
        await deps.cache.close().catch(() => undefined);
    }
    const calls = [...this.world.calls];
    const requests = [...calls.flatMap(iamRequestsOf), ...eventSourceRequests(step)];
    const denied = deniedRequests(plannedStatements(step), requests);
    const invocation = { result, error, calls, requests, denied, loggedErrors };
    this.onInvocation?.(step, invocation);
    return invocation;
  }
}

/**
 * What the SQS event source mapping of a batch step does with the function's role to hand it a
 * batch: receive, delete what succeeded, read the queue's attributes (Lambda's documented minimum).
 */
function eventSourceRequests(step: PlannedStep): IamRequest[] {
  const queue = plannedBatchQueue(step);
  if (queue === undefined) return [];
  return ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'].map((action) => ({
    action,
    resource: queue,
  }));
}

/**
 * The AWS deps with a stand-in for a port that has no AWS adapter yet; every other port stays the
 * AWS one, lazily built as before (the object is not spread, so no getter runs early).
 */
function withStandIns(deps: Deps, standIns: Partial<Pick<Deps, 'biometrics' | 'voterRegistry'>>): Deps {
  return new Proxy(deps, {
    get: (target, key, receiver) =>
      key in standIns ? standIns[key as keyof typeof standIns] : Reflect.get(target, key, receiver),
  });
}

/** What the seed put in the tables, for the cases to use. */
export interface SeedData {
  readonly electionId: string;
  readonly regionId: string;
  readonly constituencyId: string;
  readonly candidates: readonly string[];
  readonly machines: readonly import('@ballotstream/local/demo/seed').DemoMachine[];
  readonly voters: readonly import('@ballotstream/local/demo/seed').DemoVoter[];
  /** The Lambda-side records and keys, as a step with every table linked would see them. */
  readonly deps: Deps;
}

/**
 * Seeds a small election into dynalite through the AWS record store, with the KMS-derived
 * pseudonyms and KMS-signed tickets the Lambdas will verify, and the simulated biometric API.
 */
export async function seedElection(world: AwsWorld, step: PlannedStep): Promise<SeedData> {
  applyEnvironment(plannedEnvironment(step));
  const arns = arnsFor(step);
  const tableNames = new Proxy({} as Record<TableName, string>, {
    get: (_t, name: string) =>
      arns
        .table(name as TableName)
        .split('/')
        .pop()!,
  });
  // The test's own client: what the seed and the stand-ins read and write is not the Lambda's doing.
  const client = new DynamoDBClient({});
  world.ignoredClients.add(client);
  const records = new DynamoRecordStore({ client, tableNames });
  const config = loadConfig();
  const deps = {
    config,
    clock: systemClock,
    records,
    publisher: { publish: async () => undefined },
    pseudonyms: await loadKmsPseudonyms({
      client: new KMSClient({}),
      keyArn: arns.pseudonymKey,
      stage: config.stage,
    }),
    ticketKeys: await loadKmsTicketKeys({ signingKeyArn: arns.ticketKey }),
    // Enrolments go to the biometric API's contract server, where the Lambdas match against them.
    biometrics: new HttpBiometrics({
      baseUrl: world.externalApis.url,
      apiKey: { current: async () => world.externalApis.apiKey, rejected: () => undefined },
    }),
  } as unknown as Deps;
  const { seedDemoElection } = await import('@ballotstream/local/demo/seed');
  const election = await seedDemoElection(deps, {
    regions: 1,
    constituenciesPerRegion: 1,
    candidatesPerConstituency: 2,
    boothsPerConstituency: 2,
    voters: 4,
  });
  const machine = election.machines[0]!;
  world.calls.length = 0;
  return {
    electionId: election.electionId,
    regionId: machine.regionId,
    constituencyId: machine.constituencyId,
    candidates: election.candidates.get(machine.constituencyId) ?? [],
    machines: election.machines,
    voters: election.voters,
    deps,
  };
}

/** An API Gateway HTTP API (payload 2.0) request, with the JWT authorizer's claims when a role calls. */
export function httpEvent(
  trigger: HttpTrigger,
  request: {
    readonly params?: Record<string, string>;
    readonly query?: Record<string, string>;
    readonly body?: unknown;
    readonly caller?: { readonly role: Role; readonly regionId?: string };
  } = {},
): APIGatewayProxyEventV2 {
  const path = trigger.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(request.params?.[name] ?? ''),
  );
  const routeKey = `${trigger.method} ${trigger.path}`;
  const query = request.query ?? {};
  const claims =
    request.caller === undefined
      ? undefined
      : {
          sub: `harness-${request.caller.role}`,
          'custom:role': request.caller.role,
          ...(request.caller.regionId === undefined ? {} : { 'custom:region': request.caller.regionId }),
          // An access token, as the pre-token-generation trigger fills it (ID tokens are refused).
          iss: 'https://cognito-idp.ap-south-1.amazonaws.com/ap-south-1_Harness',
          client_id: 'harness-client',
          token_use: 'access',
        };
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: new URLSearchParams(query).toString(),
    headers: { 'content-type': 'application/json', host: 'api.example.org' },
    queryStringParameters: Object.keys(query).length === 0 ? undefined : query,
    pathParameters: request.params,
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'harness',
      domainName: 'api.example.org',
      domainPrefix: 'api',
      http: {
        method: trigger.method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'harness',
      },
      requestId: crypto.randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      ...(claims === undefined ? {} : { authorizer: { jwt: { claims, scopes: null } } }),
    },
  } as unknown as APIGatewayProxyEventV2;
}

/** An EventBridge envelope for a catalogue event; the detail is parsed by its schema first. */
export function envelopeOf<D extends EventDefinition>(
  definition: D,
  detail: DetailOf<D>,
  step?: PlannedStep,
): EventBridgeEnvelope {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': definition.type,
    source: definition.source,
    account: '123456789012',
    time: new Date().toISOString(),
    region: REGION_NAMES[step === undefined ? 'primary' : regionOf(step)],
    resources: [],
    detail: definition.schema.parse(detail),
  };
}

/** An SQS event source mapping's batch: one record per message, the body as the rule put it. */
export function queueBatchOf(bodies: readonly unknown[]) {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `msg-${i}-${crypto.randomUUID()}`,
      receiptHandle: `handle-${i}`,
      body: JSON.stringify(body),
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()) },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:ap-south-1:123456789012:ballotstream-test-queue',
      awsRegion: 'ap-south-1',
    })),
  };
}

/** What a machine-message topic rule's SELECT hands its target (`encode(*, 'base64')` and the rest). */
export function topicRuleEventOf(
  machineId: string,
  payload: unknown,
  receivedAt = Date.now(),
): TopicRuleEvent {
  return {
    payload: Buffer.from(JSON.stringify(payload)).toString('base64'),
    topicMachineId: machineId,
    clientId: machineId,
    receivedAt,
  };
}

/** What EventBridge Scheduler hands a Lambda target with no input configured. */
export const schedulerEvent = {};

/** A plain value as a DynamoDB stream record spells it (the low-level attribute-value JSON). */
function attributeOf(value: unknown): unknown {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (value === null || value === undefined) return { NULL: true };
  if (Array.isArray(value)) return { L: value.map(attributeOf) };
  return { M: imageOf(value as Record<string, unknown>) };
}

function imageOf(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, attributeOf(value)]));
}

/**
 * What a DynamoDB Streams event source mapping hands its function for one MODIFY of an item,
 * in a NEW_AND_OLD_IMAGES stream of the given region's replica.
 */
export function tableStreamEventOf(
  before: Record<string, unknown> & { pk: string; sk: string },
  after: Record<string, unknown>,
  region = 'ap-south-1',
) {
  return {
    Records: [
      {
        eventID: crypto.randomUUID().replaceAll('-', ''),
        eventName: 'MODIFY',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: region,
        dynamodb: {
          ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
          Keys: imageOf({ pk: before.pk, sk: before.sk }),
          OldImage: imageOf(before),
          NewImage: imageOf(after),
          SequenceNumber: '4421584500000000017450439091',
          SizeBytes: 256,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        eventSourceARN: `arn:aws:dynamodb:${region}:123456789012:table/ballotstream-test-voters/stream/2026-12-03T00:00:00.000`,
      },
    ],
  };
}
