import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topics } from '@ballotstream/events';
import { BoothGateway } from '@ballotstream/gateway';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalBroker } from '../../src/mqtt/broker';

const STAGE = 'failover';
const machineKey = generateKeyPairSync('ed25519').privateKey;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A region's broker whose votes rule notes each vote id it handles; `stall` leaves votes unacknowledged. */
class RegionBroker {
  readonly votes: string[] = [];
  stall = false;
  private broker: LocalBroker | undefined;
  url = '';

  async start(port = 0): Promise<this> {
    this.broker = new LocalBroker({
      rules: [
        {
          name: 'votes',
          filter: `${topics.root(STAGE)}/machines/+/votes`,
          select: [{ as: 'payload', fn: 'payload-base64' }],
          invoke: async (event) => {
            while (this.stall) await new Promise((r) => setTimeout(r, 50));
            const vote = JSON.parse(Buffer.from(String(event.payload), 'base64').toString('utf8'));
            this.votes.push(vote.voteId);
          },
        },
      ],
    });
    this.url = await this.broker.listen(port);
    return this;
  }

  port(): number {
    return Number(new URL(this.url).port);
  }

  async kill(): Promise<void> {
    this.stall = false;
    await this.broker?.close();
    this.broker = undefined;
  }
}

async function region(): Promise<RegionBroker> {
  const broker = await new RegionBroker().start();
  cleanups.push(() => broker.kill());
  return broker;
}

async function gatewayBetween(primary: RegionBroker, secondary: RegionBroker): Promise<BoothGateway> {
  const queueDir = mkdtempSync(join(tmpdir(), 'ballotstream-failover-'));
  const gateway = new BoothGateway({
    stage: STAGE,
    machineId: 'm-1',
    boothId: 'b-1',
    electionId: 'e-1',
    constituencyId: 'c-1',
    privateKey: machineKey,
    mqttUrl: primary.url,
    fallbackMqttUrls: [secondary.url],
    failover: { unreachableMs: 500, ackTimeoutMs: 1_500, probePrimaryEveryMs: 300 },
    bucketMs: 60_000,
    queueDir,
    retry: { initialMs: 50, maxMs: 200 },
  });
  await gateway.start();
  cleanups.push(async () => {
    await gateway.stop();
    rmSync(queueDir, { recursive: true, force: true });
  });
  return gateway;
}

async function castMany(gateway: BoothGateway, n: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push((await gateway.cast(`token-${tag}-${i}-0123456789abcdef`, 'cand-1')).voteId);
  }
  return ids;
}

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a booth gateway across a regional outage', () => {
  it('moves to the secondary when the primary broker dies, keeps its queue, and returns when it is back', async () => {
    const primary = await region();
    const secondary = await region();
    const gateway = await gatewayBetween(primary, secondary);
    await gateway.connected();

    const before = await castMany(gateway, 20, 'before');
    await gateway.drained();
    expect(new Set(primary.votes)).toEqual(new Set(before));

    const port = primary.port();
    const killedAt = Date.now();
    await primary.kill();
    const during = await castMany(gateway, 20, 'during');
    await gateway.drained();
    const moved = gateway.brokerSwitches()[0];
    expect(moved).toMatchObject({ from: primary.url, to: secondary.url, why: 'unreachable' });
    console.info(`gateway failed over ${moved!.at - killedAt} ms after the primary broker died`);
    expect(new Set(secondary.votes)).toEqual(new Set(during));

    const restored = await new RegionBroker().start(port);
    cleanups.push(() => restored.kill());
    await until(() => gateway.activeBroker() === primary.url);
    expect(gateway.brokerSwitches().at(-1)).toMatchObject({ to: primary.url, why: 'primary-back' });
    await gateway.connected();
    const after = await castMany(gateway, 20, 'after');
    await gateway.drained();
    expect(new Set(restored.votes)).toEqual(new Set(after));

    // Nothing lost: every vote cast reached a region; a vote may reach both (the cloud dedupes).
    const delivered = new Set([...primary.votes, ...secondary.votes, ...restored.votes]);
    expect(delivered).toEqual(new Set([...before, ...during, ...after]));
  });

  it('gives up a primary that takes votes but never acknowledges them', async () => {
    const primary = await region();
    const secondary = await region();
    const gateway = await gatewayBetween(primary, secondary);
    await gateway.connected();
    primary.stall = true;
    const cast = await castMany(gateway, 5, 'stalled');
    await until(() => gateway.brokerSwitches().length > 0);
    expect(gateway.brokerSwitches()[0]).toMatchObject({ to: secondary.url, why: 'unacknowledged' });
    await gateway.drained();
    expect(new Set(secondary.votes)).toEqual(new Set(cast));
    // A primary that still takes connections but sits on votes is not returned to at every probe.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(gateway.brokerSwitches().filter((s) => s.why === 'unacknowledged').length).toBeLessThanOrEqual(2);
  });
});
