import { topics } from '@ballotstream/events';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { type BrokerActivity, LocalBroker } from './broker';
import { machinePolicy } from './machine-policy';

const STAGE = 'limits';
let broker: LocalBroker | undefined;
let clients: mqtt.MqttClient[] = [];

afterEach(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  clients = [];
  await broker?.close();
  broker = undefined;
});

async function start(
  clock?: () => number,
): Promise<{ url: string; activity: BrokerActivity[]; handled: string[] }> {
  const activity: BrokerActivity[] = [];
  const handled: string[] = [];
  broker = new LocalBroker({
    rules: [
      {
        name: 'votes',
        filter: `${topics.root(STAGE)}/machines/+/votes`,
        select: [{ as: 'topic', fn: 'topic', level: 4 }],
        invoke: async () => {
          handled.push('vote');
        },
      },
    ],
    ...machinePolicy(STAGE),
    onActivity: (a) => activity.push(a),
    ...(clock === undefined ? {} : { clock }),
  });
  return { url: await broker.listen(), activity, handled };
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
}

async function connect(url: string, clientId: string): Promise<mqtt.MqttClient> {
  const client = await mqtt.connectAsync(url, { clientId, reconnectPeriod: 0 });
  client.on('error', () => undefined);
  clients.push(client);
  return client;
}

/** Publishes and says whether the broker acknowledged it within a second and a half. */
async function publish(
  client: mqtt.MqttClient,
  topic: string,
  payload: string | Buffer,
  retain = false,
): Promise<'acknowledged' | 'refused'> {
  const sent = client
    .publishAsync(topic, payload, { qos: 1, retain })
    .then(() => 'acknowledged' as const)
    .catch(() => 'refused' as const);
  return Promise.race([sent, new Promise<'refused'>((r) => setTimeout(() => r('refused'), 1500))]);
}

const denials = (activity: BrokerActivity[]) => activity.filter((a) => a.kind === 'publish-denied');

describe('the broker holds machines to IoT Core limits', () => {
  it('refuses a message over 128 KB, as a denial the fleet monitor counts', async () => {
    const { url, activity, handled } = await start();
    const client = await connect(url, 'm-1');
    const big = Buffer.alloc(129 * 1024, 'a');
    expect(await publish(client, topics.votes(STAGE, 'm-1'), big)).toBe('refused');
    expect(handled).toEqual([]);
    expect(denials(activity)).toMatchObject([{ clientId: 'm-1', reason: 'too-large' }]);
  });

  it('refuses a retained message on a votes topic', async () => {
    const { url, activity, handled } = await start();
    const client = await connect(url, 'm-1');
    expect(await publish(client, topics.votes(STAGE, 'm-1'), '{}', true)).toBe('refused');
    expect(handled).toEqual([]);
    expect(denials(activity)).toMatchObject([{ clientId: 'm-1', reason: 'retained' }]);
  });

  it('refuses a retained message from a machine on any of its topics, so none piles up', async () => {
    const { url, activity } = await start();
    const client = await connect(url, 'm-1');
    expect(await publish(client, topics.sos(STAGE, 'm-1'), '{}', true)).toBe('refused');
    expect(denials(activity)).toMatchObject([{ reason: 'retained' }]);
  });

  it("lets only the cloud write a machine's control topic", async () => {
    const { url, activity } = await start();
    await broker!.publish(topics.control(STAGE, 'm-1'), JSON.stringify({ blocked: true }), { retain: true });
    const client = await connect(url, 'm-1');
    expect(await publish(client, topics.control(STAGE, 'm-1'), JSON.stringify({ blocked: false }))).toBe(
      'refused',
    );
    expect(denials(activity)).toMatchObject([{ reason: 'not-authorised' }]);
    // The retained block the cloud set is what a reconnecting machine still reads.
    await client.endAsync(true);
    const reader = await connect(url, 'm-1');
    const received = new Promise<string>((resolve) => reader.on('message', (_t, p) => resolve(String(p))));
    await reader.subscribeAsync(topics.control(STAGE, 'm-1'));
    expect(JSON.parse(await received)).toEqual({ blocked: true });
  });

  it('still takes an ordinary vote', async () => {
    const { url, handled } = await start();
    const client = await connect(url, 'm-1');
    expect(await publish(client, topics.votes(STAGE, 'm-1'), '{}')).toBe('acknowledged');
    expect(handled).toEqual(['vote']);
  });

  it('stamps a machine reconnecting while the clock stands still later than its first session', async () => {
    // A simulated clock held while machines power on: a reconnect within the same instant must not
    // read as a redelivery of the first connect, nor order before the first session's disconnect.
    const { url, activity } = await start(() => 1_000);
    const first = await connect(url, 'm-1');
    await first.endAsync(true);
    await until(() => activity.some((a) => a.kind === 'disconnected'));
    await connect(url, 'm-1');
    await until(() => activity.filter((a) => a.kind === 'connected').length === 2);
    const presence = activity.filter((a) => a.clientId === 'm-1' && a.kind !== 'published');
    expect(presence.map((a) => a.kind)).toEqual(['connected', 'disconnected', 'connected']);
    const times = presence.map((a) => a.at);
    expect(new Set(times).size).toBe(times.length);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});
