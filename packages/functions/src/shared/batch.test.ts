import { type AcceptedVote, voteAccepted } from '@ballotstream/events';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BatchItem, eventBatchHandler, topicRuleBatchHandler } from './batch';
import { type App, installApp, uninstallApp } from './deps';
import { rejectionCounts, resetRejectionCounts } from './observability';

const context = {} as Context;
const vote = (n: number): AcceptedVote => ({
  voteId: `v-${n}`,
  electionId: 'e-2026',
  constituencyId: 'c-1',
  boothId: 'b-1',
  machineId: 'm-1',
  candidateId: 'cand-1',
  bucketStart: 1_780_000_020_000,
});
const envelope = (detailType: string, detail: unknown) =>
  JSON.stringify({
    version: '0',
    id: 'e1',
    'detail-type': detailType,
    source: 'ballotstream.casting',
    account: '000000000000',
    time: '2026-05-01T10:00:00Z',
    region: 'local',
    resources: [],
    detail,
  });
const record = (messageId: string, body: string) => ({ messageId, body });

describe('the batch handler', () => {
  // The wrapper itself reaches nothing; the handlers under test read their items only.
  beforeEach(() => {
    installApp({} as App);
    resetRejectionCounts();
  });
  afterEach(() => uninstallApp());

  it('hands the valid events on and returns each bad record, counted by what was wrong', async () => {
    const handled: BatchItem<AcceptedVote>[] = [];
    const handler = eventBatchHandler('recorder', voteAccepted, async (items) => {
      handled.push(...items);
      return [];
    });
    const response = await handler(
      {
        Records: [
          record('ok-1', envelope('vote.accepted', vote(1))),
          record('not-json', '{"version":'),
          record('other-event', envelope('vote.rejected', vote(2))),
          record('bad-detail', envelope('vote.accepted', { ...vote(3), bucketStart: 'soon' })),
          record('ok-2', envelope('vote.accepted', vote(4))),
        ],
      },
      context,
    );
    expect(handled.map((i) => [i.id, i.value.voteId])).toEqual([
      ['ok-1', 'v-1'],
      ['ok-2', 'v-4'],
    ]);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([
      'not-json',
      'other-event',
      'bad-detail',
    ]);
    expect(Object.fromEntries(rejectionCounts())).toEqual({
      'recorder:invalid-message': 1,
      'recorder:unexpected-event': 1,
      'recorder:invalid-detail': 1,
    });
  });

  it('returns the records the handler could not handle, beside the bad ones', async () => {
    const handler = topicRuleBatchHandler('ingest', async (items) =>
      items.filter((i) => i.value.topicMachineId === 'm-broken').map((i) => i.id),
    );
    const event = (machine: string) =>
      JSON.stringify({ payload: 'e30=', topicMachineId: machine, clientId: machine, receivedAt: 1 });
    const response = await handler(
      {
        Records: [
          record('a', event('m-1')),
          record('b', event('m-broken')),
          record('c', JSON.stringify({ payload: 'e30=' })),
        ],
      },
      context,
    );
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['b', 'c']);
    expect(rejectionCounts().get('ingest:invalid-rule-event')).toBe(1);
  });

  it('passes a rule event with the largest IoT payload on, and refuses a body no queue would carry', async () => {
    const seen: number[] = [];
    const handler = topicRuleBatchHandler('ingest', async (items) => {
      for (const i of items) seen.push(i.value.payload.length);
      return [];
    });
    const body = (payloadChars: number) =>
      JSON.stringify({
        payload: 'A'.repeat(payloadChars),
        topicMachineId: 'm-1',
        clientId: 'm-1',
        receivedAt: 1,
      });
    const response = await handler(
      {
        Records: [record('iot-max', body(Math.ceil((128 * 1024) / 3) * 4)), record('huge', body(300 * 1024))],
      },
      context,
    );
    expect(seen).toEqual([Math.ceil((128 * 1024) / 3) * 4]);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'huge' }]);
    expect(rejectionCounts().get('ingest:invalid-message')).toBe(1);
  });

  it('refuses an event that is not a queue batch at all, naming the field', async () => {
    const handler = eventBatchHandler('recorder', voteAccepted, async () => []);
    await expect(handler({ Records: [] }, context)).rejects.toThrow(/queue batch: Records/);
    await expect(handler({ detail: vote(1) }, context)).rejects.toThrow(/queue batch: Records/);
    expect(rejectionCounts().get('recorder:invalid-batch')).toBe(2);
  });

  it('lets a handler that throws fail the whole batch, so every record is delivered again', async () => {
    const handler = eventBatchHandler('recorder', voteAccepted, async () => {
      throw new Error('store unavailable');
    });
    await expect(
      handler({ Records: [record('ok-1', envelope('vote.accepted', vote(1)))] }, context),
    ).rejects.toThrow('store unavailable');
  });
});
