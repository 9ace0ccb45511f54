import { IoTDataPlaneClient, PublishCommand as IotPublishCommand } from '@aws-sdk/client-iot-data-plane';
import {
  BatchPutGeofenceCommand,
  BatchUpdateDevicePositionCommand,
  GetDevicePositionHistoryCommand,
  LocationClient,
} from '@aws-sdk/client-location';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { planLocationShards, shardOfBooth } from '../../domain/capacity/location-shards';
import { controlPublishOf, IotMachineCommands } from './iot-machine-commands';
import {
  geofenceEntriesOf,
  LocationGeofenceCollection,
  LocationTracker,
  type NamedShard,
} from './location-tracker';
import { publishInputOf, SnsNotifier } from './sns-notifier';

const credentials = { accessKeyId: 'x', secretAccessKey: 'y' };
/** One national shard: every booth's tracker and collection. */
const national = (name: string): NamedShard[] => [{ regionId: 'national', part: 0, parts: 1, name }];
const device = (deviceId: string) => ({ deviceId, regionId: 'r-1', boothId: `b-${deviceId}` });

describe('the SNS notifier', () => {
  const notification = {
    subject: '[CRITICAL] SOS: booth-1',
    sms: 'CRITICAL: SOS at booth-1. Call booth. Ack a-1',
    email: 'full text',
    attributes: { region: 'north', severity: 'critical', officers: ['o-1', 'o-2'] },
  };

  it('publishes one JSON-structured message with the region and severity attributes', async () => {
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({ MessageId: 'mid-1' });
    const id = await new SnsNotifier(
      new SNSClient({ region: 'ap-south-1', credentials }),
      'arn:aws:sns:ap-south-1:1:alerts',
    ).publish(notification);
    expect(id).toBe('mid-1');
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input).toEqual({
      TopicArn: 'arn:aws:sns:ap-south-1:1:alerts',
      Subject: '[CRITICAL] SOS: booth-1',
      MessageStructure: 'json',
      Message: JSON.stringify({
        default: notification.sms,
        sms: notification.sms,
        email: 'full text',
        'email-json': 'full text',
      }),
      MessageAttributes: {
        region: { DataType: 'String', StringValue: 'north' },
        severity: { DataType: 'String', StringValue: 'critical' },
        officers: { DataType: 'String.Array', StringValue: '["o-1","o-2"]' },
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
      },
    });
    sns.restore();
  });

  it('keeps the SMS body within what the officer reads', () => {
    const body = JSON.parse(publishInputOf('arn', notification).Message!) as { sms: string };
    expect(body.sms.length).toBeLessThanOrEqual(160);
  });
});

describe('the Amazon Location tracker', () => {
  it('sends fixes as [lon, lat] with sample time and accuracy, ten per call', async () => {
    const location = mockClient(LocationClient);
    location.on(BatchUpdateDevicePositionCommand).resolves({ Errors: [] });
    const tracker = new LocationTracker(
      new LocationClient({ region: 'ap-south-1', credentials }),
      national('machines'),
    );
    const fixes = Array.from({ length: 12 }, (_, i) => ({
      device: device(`m${i}`),
      deviceId: `m${i}`,
      position: [77.2, 28.6] as [number, number],
      sampleTime: 1_800_000_000_000,
      accuracyM: 8,
    }));
    await tracker.update(fixes);
    const calls = location.commandCalls(BatchUpdateDevicePositionCommand);
    expect(calls.map((c) => c.args[0].input.Updates?.length)).toEqual([10, 2]);
    expect(calls[0]!.args[0].input.TrackerName).toBe('machines');
    expect(calls[0]!.args[0].input.Updates?.[0]).toEqual({
      DeviceId: 'm0',
      Position: [77.2, 28.6],
      SampleTime: new Date(1_800_000_000_000),
      Accuracy: { Horizontal: 8 },
    });
    location.restore();
  });

  it('fails naming the error codes when Location refuses updates', async () => {
    const location = mockClient(LocationClient);
    location.on(BatchUpdateDevicePositionCommand).resolves({
      Errors: [
        { DeviceId: 'm0', SampleTime: new Date(), Error: { Code: 'ValidationError', Message: 'bad' } },
      ],
    });
    const tracker = new LocationTracker(
      new LocationClient({ region: 'ap-south-1', credentials }),
      national('machines'),
    );
    const fix = { device: device('m0'), deviceId: 'm0', position: [0, 0] as [number, number], sampleTime: 0 };
    await expect(tracker.update([fix])).rejects.toThrow(/ValidationError/);
    location.restore();
  });

  it('puts a booth polygon as the geofence of the booth id', () => {
    const ring: [number, number][] = [
      [1, 1],
      [2, 1],
      [2, 2],
      [1, 1],
    ];
    expect(geofenceEntriesOf([{ boothId: 'b1', geofence: ring }])).toEqual([
      { GeofenceId: 'b1', Geometry: { Polygon: [ring] }, GeofenceProperties: { boothId: 'b1' } },
    ]);
  });

  it('puts booth geofences into the collection ten per call, and fails naming a booth refused', async () => {
    const location = mockClient(LocationClient);
    location.on(BatchPutGeofenceCommand).resolves({ Errors: [] });
    const ring: [number, number][] = [
      [77.1, 28.6],
      [77.2, 28.6],
      [77.2, 28.7],
      [77.1, 28.6],
    ];
    const collection = new LocationGeofenceCollection(
      new LocationClient({ region: 'ap-south-1', credentials }),
      national('ballotstream-test-booths'),
    );
    await collection.put(Array.from({ length: 12 }, (_, i) => ({ boothId: `b${i}`, regionId: 'r-1', ring })));
    const calls = location.commandCalls(BatchPutGeofenceCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Entries?.length)).toEqual([10, 2]);
    expect(calls[0]!.CollectionName).toBe('ballotstream-test-booths');
    location.on(BatchPutGeofenceCommand).resolves({
      Errors: [{ GeofenceId: 'b3', Error: { Code: 'ValidationError', Message: 'bad' } }],
    });
    await expect(collection.put([{ boothId: 'b3', regionId: 'r-1', ring }])).rejects.toThrow(/b3/);
    location.restore();
  });
});

describe('Amazon Location at national scale', () => {
  // Two states: r-1 needs three collections at the planned fill, r-2 one.
  const plan = planLocationShards({ booths: 110_000, boothsByRegion: { 'r-1': 100_000, 'r-2': 10_000 } });
  const named = (kind: string): NamedShard[] => plan.map((s) => ({ ...s, name: `${kind}-${s.name}` }));
  const booths = Array.from({ length: 30 }, (_, i) => ({
    regionId: i % 3 === 0 ? 'r-2' : 'r-1',
    boothId: `b-${i}`,
  }));
  const expected = (kind: string, b: { regionId: string; boothId: string }) =>
    `${kind}-${shardOfBooth(plan, b.regionId, b.boothId)!.name}`;

  it("sends each machine's fix to its booth's shard's tracker, and reads its trail there", async () => {
    const location = mockClient(LocationClient);
    location.on(BatchUpdateDevicePositionCommand).resolves({ Errors: [] });
    location.on(GetDevicePositionHistoryCommand).resolves({ DevicePositions: [] });
    const tracker = new LocationTracker(
      new LocationClient({ region: 'ap-south-1', credentials }),
      named('t'),
    );
    const fixes = booths.map((b) => ({
      device: { deviceId: `m-${b.boothId}`, ...b },
      deviceId: `m-${b.boothId}`,
      position: [77.2, 28.6] as [number, number],
      sampleTime: 1,
    }));
    await tracker.update(fixes);
    const sent = location.commandCalls(BatchUpdateDevicePositionCommand).map((c) => c.args[0].input);
    const trackerOf = new Map(sent.flatMap((c) => c.Updates!.map((u) => [u.DeviceId, c.TrackerName])));
    for (const b of booths) expect(trackerOf.get(`m-${b.boothId}`)).toBe(expected('t', b));
    expect(new Set(trackerOf.values()).size).toBe(plan.length);
    const b = booths[1]!;
    await tracker.history({ deviceId: 'm', ...b }, 0, 1);
    const asked = location.commandCalls(GetDevicePositionHistoryCommand)[0]!.args[0].input;
    expect(asked.TrackerName).toBe(expected('t', b));
    location.restore();
  });

  it("puts each booth's geofence into its shard's collection", async () => {
    const location = mockClient(LocationClient);
    location.on(BatchPutGeofenceCommand).resolves({ Errors: [] });
    const ring: [number, number][] = [
      [1, 1],
      [2, 1],
      [1, 1],
    ];
    const collection = new LocationGeofenceCollection(
      new LocationClient({ region: 'ap-south-1', credentials }),
      named('c'),
    );
    await collection.put(booths.map((b) => ({ ...b, ring })));
    const sent = location.commandCalls(BatchPutGeofenceCommand).map((c) => c.args[0].input);
    const collectionOf = new Map(
      sent.flatMap((c) => c.Entries!.map((e) => [e.GeofenceId, c.CollectionName])),
    );
    for (const b of booths) expect(collectionOf.get(b.boothId)).toBe(expected('c', b));
    location.restore();
  });

  it('refuses a booth whose region the plan has no shard for, naming it', async () => {
    const collection = new LocationGeofenceCollection(
      new LocationClient({ region: 'ap-south-1', credentials }),
      named('c'),
    );
    await expect(collection.put([{ boothId: 'b-x', regionId: 'r-9', ring: [] }])).rejects.toThrow(
      /booth b-x: its region r-9 has no Location shard/,
    );
  });
});

describe('machine control through IoT Core', () => {
  it('publishes the block state retained at QoS 1 on the machine control topic', async () => {
    const iot = mockClient(IoTDataPlaneClient);
    iot.on(IotPublishCommand).resolves({});
    const message = { machineId: 'm-1', blocked: true, reason: 'SOS', at: 5 };
    await new IotMachineCommands(
      new IoTDataPlaneClient({ region: 'ap-south-1', credentials }),
      'prod',
    ).sendControl(message);
    const input = iot.commandCalls(IotPublishCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ topic: 'ballotstream/prod/machines/m-1/control', qos: 1, retain: true });
    expect(JSON.parse(new TextDecoder().decode(input.payload as Uint8Array))).toEqual(message);
    expect(controlPublishOf('prod', message).retain).toBe(true);
    iot.restore();
  });
});
