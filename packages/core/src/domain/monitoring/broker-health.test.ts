import { describe, expect, it } from 'vitest';
import { MemoryRecordStore } from '../../adapters/local/memory-record-store';
import type { BrokerProbe } from '../../ports/broker-probe';
import { probeBroker, recordProbe } from './broker-health';

function setup(deliver: (seq: number) => boolean) {
  const records = new MemoryRecordStore();
  let now = 1_000_000;
  const probe: BrokerProbe = {
    async publish(message) {
      // The broker's rule records what it delivers, as the health/+ rule does.
      if (deliver(message.seq)) await recordProbe(records, message, now);
    },
  };
  const deps = {
    probe,
    records,
    clock: { now: () => now },
    sleep: async (ms: number) => {
      now += ms;
    },
  };
  return { deps };
}

describe('probing the broker', () => {
  it('is up when every probe comes back through the rule', async () => {
    const { deps } = setup(() => true);
    expect(await probeBroker(deps, { messages: 5, timeoutMs: 1_000 })).toMatchObject({
      status: 'up',
      sent: 5,
      received: 5,
    });
  });

  it('is down when the broker loses one probe, once the wait is over', async () => {
    const { deps } = setup((seq) => seq !== 3);
    expect(await probeBroker(deps, { messages: 5, timeoutMs: 1_000 })).toMatchObject({
      status: 'down',
      received: 4,
      problem: 'not-all-returned',
    });
  });

  it('is down at once when the broker refuses the publish', async () => {
    const { deps } = setup(() => true);
    const refusing = {
      ...deps,
      probe: { publish: async () => Promise.reject(new Error('connection refused')) },
    };
    expect(await probeBroker(refusing, { messages: 5, timeoutMs: 60_000 })).toMatchObject({
      status: 'down',
      received: 0,
      problem: 'publish-failed',
      elapsedMs: 0,
    });
  });
});
