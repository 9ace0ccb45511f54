/**
 * Every AWS SDK command a handler sends, recorded on the client classes themselves (so clients
 * built inside `buildAwsDeps` are seen too), and what IAM would evaluate for each one.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IoTClient } from '@aws-sdk/client-iot';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { KMSClient } from '@aws-sdk/client-kms';
import { LocationClient } from '@aws-sdk/client-location';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import type { IamRequest } from './iam';
import { ACCOUNT, dataKeyArn } from './plan';

/** One command a client sent: which service, the command's name and input, and the client's region. */
export interface SdkCall {
  readonly service: string;
  readonly command: string;
  readonly input: Record<string, unknown>;
  readonly region: string;
}

const CLIENTS = {
  dynamodb: DynamoDBClient,
  events: EventBridgeClient,
  iot: IoTClient,
  'iot-data': IoTDataPlaneClient,
  kms: KMSClient,
  geo: LocationClient,
  'rds-data': RDSDataClient,
  'secrets-manager': SecretsManagerClient,
  sns: SNSClient,
  'cognito-idp': CognitoIdentityProviderClient,
  'timestream-query': TimestreamQueryClient,
  'timestream-write': TimestreamWriteClient,
} as const;

type SendFn = (
  command: { constructor: { name: string }; input: unknown },
  ...rest: unknown[]
) => Promise<unknown>;

/**
 * Records every command sent by any client of the services the AWS wiring uses. Call it after
 * `mockClient(...)`, so a mocked client's stub is wrapped rather than replaced. Clients in
 * `ignored` (the test's own, seeding data or standing in for a port) are not recorded.
 */
export function recordSdkCalls(
  calls: SdkCall[],
  ignored: WeakSet<object>,
  inFlight: Set<Promise<unknown>>,
): () => void {
  const undo: (() => void)[] = [];
  for (const [service, Client] of Object.entries(CLIENTS)) {
    const proto = Client.prototype as unknown as { send: SendFn; config?: unknown };
    const own = Object.hasOwn(proto, 'send');
    const original = proto.send;
    proto.send = async function (this: { config: { region: () => Promise<string> } }, command, ...rest) {
      if (ignored.has(this)) return original.call(this, command, ...rest);
      const sent = (async () => {
        calls.push({
          service,
          command: command.constructor.name.replace(/Command$/, ''),
          input: command.input as Record<string, unknown>,
          region: await this.config.region(),
        });
        return original.call(this, command, ...rest);
      })();
      inFlight.add(sent);
      sent.then(
        () => inFlight.delete(sent),
        () => inFlight.delete(sent),
      );
      return sent;
    };
    undo.push(() => {
      if (own) proto.send = original;
      else delete (proto as { send?: SendFn }).send;
    });
  }
  return () => {
    for (const u of undo.reverse()) u();
  };
}

const tableArn = (region: string, name: unknown) =>
  `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${String(name)}`;

/** The DynamoDB action a transaction item or batch request stands for. */
const TRANSACT_ACTIONS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
  Get: 'dynamodb:GetItem',
};

function dynamoRequests(call: SdkCall): IamRequest[] {
  const { command, input, region } = call;
  const requests: IamRequest[] = [];
  switch (command) {
    case 'GetItem':
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem':
    case 'Scan':
    case 'Query': {
      const table = tableArn(region, input.TableName);
      const index = typeof input.IndexName === 'string' ? `${table}/index/${input.IndexName}` : table;
      requests.push({ action: `dynamodb:${command}`, resource: index });
      break;
    }
    case 'BatchWriteItem':
    case 'BatchGetItem':
      for (const name of Object.keys((input.RequestItems as Record<string, unknown>) ?? {})) {
        requests.push({ action: `dynamodb:${command}`, resource: tableArn(region, name) });
      }
      break;
    case 'TransactWriteItems':
    case 'TransactGetItems':
      for (const item of (input.TransactItems as Record<string, { TableName: string }>[]) ?? []) {
        for (const [kind, request] of Object.entries(item)) {
          const action = TRANSACT_ACTIONS[kind];
          if (action === undefined) throw new Error(`no IAM mapping for a ${kind} transaction item`);
          requests.push({ action, resource: tableArn(region, request.TableName) });
        }
      }
      break;
    default:
      throw new Error(`no IAM mapping for dynamodb ${command}`);
  }
  // The tables are encrypted with the stage's customer-managed data key (`stacks/tables.ts`):
  // DynamoDB uses it on the caller's behalf, so the caller's role must be allowed to decrypt with it.
  requests.push({ action: 'kms:Decrypt', resource: dataKeyArn(region) });
  return requests;
}

const GEO_TRACKER_COMMANDS = new Set([
  'BatchUpdateDevicePosition',
  'GetDevicePosition',
  'GetDevicePositionHistory',
  'BatchGetDevicePosition',
  'ListDevicePositions',
]);

const timestreamTable = (region: string, database: unknown, table: unknown) =>
  `arn:aws:timestream:${region}:${ACCOUNT}:database/${String(database)}/table/${String(table)}`;

/** Timestream clients discover their endpoint first (DescribeEndpoints, which IAM scopes to `*` only). */
const TIMESTREAM_DISCOVERY: readonly IamRequest[] = [
  { action: 'timestream:DescribeEndpoints', resource: '*' },
];

/** What IAM evaluates for one recorded command: its action(s) and the resource ARN(s). */
export function iamRequestsOf(call: SdkCall): IamRequest[] {
  const { service, command, input, region } = call;
  switch (service) {
    case 'dynamodb':
      return dynamoRequests(call);
    case 'events': {
      const entries = (input.Entries as { EventBusName?: string }[]) ?? [];
      const buses = new Set(entries.map((e) => e.EventBusName ?? 'default'));
      return [...buses].map((bus) => ({
        action: 'events:PutEvents',
        resource: bus.startsWith('arn:') ? bus : `arn:aws:events:${region}:${ACCOUNT}:event-bus/${bus}`,
      }));
    }
    case 'sns':
      return [{ action: `sns:${command}`, resource: String(input.TopicArn) }];
    // Every user pool action is on the pool, in the region of the client that sent it.
    case 'cognito-idp':
      return [
        {
          action: `cognito-idp:${command}`,
          resource: `arn:aws:cognito-idp:${region}:${ACCOUNT}:userpool/${String(input.UserPoolId)}`,
        },
      ];
    case 'kms': {
      const key = String(input.KeyId);
      return [
        {
          action: `kms:${command}`,
          resource: key.startsWith('arn:') ? key : `arn:aws:kms:${region}:${ACCOUNT}:key/${key}`,
        },
      ];
    }
    case 'geo': {
      if (GEO_TRACKER_COMMANDS.has(command)) {
        return [
          {
            action: `geo:${command}`,
            resource: `arn:aws:geo:${region}:${ACCOUNT}:tracker/${String(input.TrackerName)}`,
          },
        ];
      }
      return [
        {
          action: `geo:${command}`,
          resource: `arn:aws:geo:${region}:${ACCOUNT}:geofence-collection/${String(input.CollectionName)}`,
        },
      ];
    }
    case 'iot': {
      if (command === 'ListThingPrincipals')
        return [
          {
            action: 'iot:ListThingPrincipals',
            resource: `arn:aws:iot:${region}:${ACCOUNT}:thing/${String(input.thingName)}`,
          },
        ];
      if (command === 'DescribeCertificate' || command === 'UpdateCertificate')
        return [
          {
            action: `iot:${command}`,
            resource: `arn:aws:iot:${region}:${ACCOUNT}:cert/${String(input.certificateId)}`,
          },
        ];
      throw new Error(`no IAM mapping for iot ${command}`);
    }
    case 'iot-data': {
      if (command !== 'Publish') throw new Error(`no IAM mapping for iot-data ${command}`);
      const resource = `arn:aws:iot:${region}:${ACCOUNT}:topic/${String(input.topic)}`;
      const requests = [{ action: 'iot:Publish', resource }];
      if (input.retain === true) requests.push({ action: 'iot:RetainPublish', resource });
      return requests;
    }
    case 'rds-data':
      // The Data API reads the cluster's credentials from Secrets Manager as the caller.
      return [
        { action: `rds-data:${command}`, resource: String(input.resourceArn) },
        { action: 'secretsmanager:GetSecretValue', resource: String(input.secretArn) },
      ];
    case 'secrets-manager':
      if (command !== 'GetSecretValue') throw new Error(`no IAM mapping for secrets-manager ${command}`);
      return [{ action: 'secretsmanager:GetSecretValue', resource: String(input.SecretId) }];
    case 'timestream-write':
      if (command === 'WriteRecords') {
        return [
          {
            action: 'timestream:WriteRecords',
            resource: timestreamTable(region, input.DatabaseName, input.TableName),
          },
          ...TIMESTREAM_DISCOVERY,
        ];
      }
      throw new Error(`no IAM mapping for timestream-write ${command}`);
    case 'timestream-query': {
      if (command !== 'Query') throw new Error(`no IAM mapping for timestream-query ${command}`);
      // A query is a Select on every table it reads.
      const tables = [...String(input.QueryString).matchAll(/FROM\s+"((?:[^"]|"")+)"\."((?:[^"]|"")+)"/g)];
      if (tables.length === 0)
        throw new Error(`no table found in the Timestream query ${String(input.QueryString)}`);
      return [
        ...tables.map((m) => ({
          action: 'timestream:Select',
          resource: timestreamTable(region, m[1]!.replaceAll('""', '"'), m[2]!.replaceAll('""', '"')),
        })),
        ...TIMESTREAM_DISCOVERY,
      ];
    }
    default:
      throw new Error(`no IAM mapping for ${service} ${command}`);
  }
}
