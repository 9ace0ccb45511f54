import { alertRaised } from '@ballotstream/events';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryRecordStore } from '../adapters/local/memory-record-store';
import { configSchema } from '../config';
import { recordKeys } from '../domain/shared/keys';
import type { OutgoingEvent, StoredRecord } from '../ports';
import { verificationConflictsUseCase } from './verification-conflicts';

const T0 = Date.UTC(2026, 10, 27, 9);
const config = configSchema.parse({});
let now = T0;
let records: MemoryRecordStore;
/** Each announcement, with the count of its alert as the store held it when it went out. */
let announced: { event: OutgoingEvent; countThen: number }[];

function detect() {
  const publisher = {
    async publish(events: readonly OutgoingEvent[]) {
      for (const event of events) {
        const { alertId } = event.detail as { alertId: string };
        const stored = await records.get('alerts', recordKeys.alert(alertId));
        announced.push({ event, countThen: Number(stored?.count) });
      }
    },
  };
  return verificationConflictsUseCase({ records, clock: { now: () => now }, publisher }, config);
}

/** A voter's status record as one region's verification wrote it. */
function voted(voterKey: string, region: string, epoch: number, attempt: string): StoredRecord {
  return {
    ...recordKeys.voterStatus(voterKey, 'e-1'),
    status: 'voted',
    region,
    epoch,
    attempt,
  };
}

beforeEach(() => {
  now = T0;
  records = new MemoryRecordStore();
  announced = [];
});

describe('detecting a verification conflict', () => {
  it("raises a critical national alert naming both writers when one region's vote replaces another's", async () => {
    const done = await detect()([
      {
        region: 'secondary',
        before: voted('vk-1', 'primary', 3, 'a1'),
        after: voted('vk-1', 'secondary', 4, 'a2'),
      },
    ]);
    expect(done).toEqual({ raised: 1 });
    expect(announced.map(({ event }) => event.detailType)).toEqual([alertRaised.type]);
    expect(announced[0]?.event.detail).toMatchObject({
      kind: 'verification-conflict',
      severity: 'critical',
      evidence: { voterRecord: 'voter#vk-1', writers: ['primary@3', 'secondary@4'], seenIn: 'secondary' },
    });
  });

  it('announces an incident before reading on, and counts up the open alert for later conflicts', async () => {
    const conflicts = ['vk-1', 'vk-2'].map((voterKey) => ({
      region: 'primary',
      before: voted(voterKey, 'primary', 3, 'a1'),
      after: voted(voterKey, 'secondary', 4, 'a2'),
    }));
    expect(await detect()(conflicts)).toEqual({ raised: 1 });
    expect(announced).toHaveLength(1);
    expect(announced[0]?.countThen).toBe(1);
    const alertId = (announced[0]?.event.detail as { alertId?: string } | undefined)?.alertId ?? '';
    expect(await records.get('alerts', recordKeys.alert(alertId))).toMatchObject({ count: 2 });
  });

  it('passes over a first vote, a rewrite of the same attempt and a record that is no voter status', async () => {
    const ticket = { ...recordKeys.ticket('t-1'), status: 'voted', attempt: 'a1' };
    const done = await detect()([
      { region: 'primary', before: undefined, after: voted('vk-1', 'primary', 3, 'a1') },
      {
        region: 'primary',
        before: voted('vk-1', 'primary', 3, 'a1'),
        after: voted('vk-1', 'primary', 3, 'a1'),
      },
      { region: 'primary', before: ticket, after: { ...ticket, attempt: 'a2' } },
    ]);
    expect(done).toEqual({ raised: 0 });
    expect(announced).toEqual([]);
  });
});
