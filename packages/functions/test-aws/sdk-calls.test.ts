import { describe, expect, it } from 'vitest';
import { iamRequestsOf } from './sdk-calls';

const region = 'ap-south-1';
const table = (name: string) => `arn:aws:dynamodb:${region}:123456789012:table/${name}`;
const dataKey = { action: 'kms:Decrypt', resource: `arn:aws:kms:${region}:123456789012:key/mrk-data` };

describe('the IAM requests of a recorded SDK command', () => {
  it('names the table, or its index for a query on one, and the data key DynamoDB decrypts with', () => {
    expect(
      iamRequestsOf({ service: 'dynamodb', command: 'GetItem', input: { TableName: 't' }, region }),
    ).toEqual([{ action: 'dynamodb:GetItem', resource: table('t') }, dataKey]);
    expect(
      iamRequestsOf({
        service: 'dynamodb',
        command: 'Query',
        input: { TableName: 't', IndexName: 'byBooth' },
        region,
      }),
    ).toEqual([{ action: 'dynamodb:Query', resource: `${table('t')}/index/byBooth` }, dataKey]);
  });

  it("turns a transaction into each item's own action on its own table", () => {
    const input = {
      TransactItems: [
        { Put: { TableName: 'a' } },
        { Update: { TableName: 'b' } },
        { ConditionCheck: { TableName: 'c' } },
        { Delete: { TableName: 'a' } },
      ],
    };
    expect(iamRequestsOf({ service: 'dynamodb', command: 'TransactWriteItems', input, region })).toEqual([
      { action: 'dynamodb:PutItem', resource: table('a') },
      { action: 'dynamodb:UpdateItem', resource: table('b') },
      { action: 'dynamodb:ConditionCheckItem', resource: table('c') },
      { action: 'dynamodb:DeleteItem', resource: table('a') },
      dataKey,
    ]);
  });

  it('puts events on the bus each entry names, spelled as an ARN in the client region', () => {
    const input = { Entries: [{ EventBusName: 'bs' }, { EventBusName: 'bs' }] };
    expect(iamRequestsOf({ service: 'events', command: 'PutEvents', input, region })).toEqual([
      { action: 'events:PutEvents', resource: `arn:aws:events:${region}:123456789012:event-bus/bs` },
    ]);
  });

  it('needs iot:RetainPublish besides iot:Publish for a retained message', () => {
    const resource = `arn:aws:iot:${region}:123456789012:topic/bs/machines/m-1/control`;
    expect(
      iamRequestsOf({
        service: 'iot-data',
        command: 'Publish',
        input: { topic: 'bs/machines/m-1/control', retain: true },
        region,
      }),
    ).toEqual([
      { action: 'iot:Publish', resource },
      { action: 'iot:RetainPublish', resource },
    ]);
  });

  it('reads the cluster secret as the caller for every Data API call', () => {
    const input = {
      resourceArn: 'arn:aws:rds:x:1:cluster:c',
      secretArn: 'arn:aws:secretsmanager:x:1:secret:s',
    };
    expect(iamRequestsOf({ service: 'rds-data', command: 'BeginTransaction', input, region })).toEqual([
      { action: 'rds-data:BeginTransaction', resource: input.resourceArn },
      { action: 'secretsmanager:GetSecretValue', resource: input.secretArn },
    ]);
  });

  it('asks for the tracker or the geofence collection as the command works on one or the other', () => {
    expect(
      iamRequestsOf({
        service: 'geo',
        command: 'GetDevicePositionHistory',
        input: { TrackerName: 'machines' },
        region,
      }),
    ).toEqual([
      {
        action: 'geo:GetDevicePositionHistory',
        resource: `arn:aws:geo:${region}:123456789012:tracker/machines`,
      },
    ]);
    expect(
      iamRequestsOf({
        service: 'geo',
        command: 'BatchPutGeofence',
        input: { CollectionName: 'booths' },
        region,
      }),
    ).toEqual([
      {
        action: 'geo:BatchPutGeofence',
        resource: `arn:aws:geo:${region}:123456789012:geofence-collection/booths`,
      },
    ]);
  });

  it('refuses a command it has no mapping for rather than letting it pass unchecked', () => {
    expect(() =>
      iamRequestsOf({ service: 'dynamodb', command: 'ExecuteStatement', input: {}, region }),
    ).toThrow(/no IAM mapping/);
    expect(() => iamRequestsOf({ service: 's3', command: 'PutObject', input: {}, region })).toThrow(
      /no IAM mapping/,
    );
  });
});
