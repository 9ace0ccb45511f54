import { describe, expect, it } from 'vitest';
import { tableStreamHandler } from './stream';

const context = { functionName: 'test', awsRequestId: 'r1' } as never;

describe('a table stream handler', () => {
  it('reports a record that fails its schema by its sequence number and hands the rest on, decoded', async () => {
    const seen: unknown[] = [];
    const handler = tableStreamHandler('test', async (changes) => {
      seen.push(...changes);
      return [];
    });
    const good = {
      eventID: 'e1',
      eventName: 'MODIFY',
      eventSource: 'aws:dynamodb',
      awsRegion: 'ap-south-2',
      dynamodb: {
        SequenceNumber: '100',
        Keys: { pk: { S: 'voter#a' }, sk: { S: 'election#e' } },
        OldImage: { pk: { S: 'voter#a' }, sk: { S: 'election#e' }, epoch: { N: '0' } },
        NewImage: { pk: { S: 'voter#a' }, sk: { S: 'election#e' }, epoch: { N: '1' } },
      },
    };
    const bad = { ...good, eventName: 'UPSERT', dynamodb: { ...good.dynamodb, SequenceNumber: '101' } };
    const result = await handler({ Records: [good, bad] }, context);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '101' }] });
    expect(seen).toEqual([
      {
        id: '100',
        change: 'MODIFY',
        region: 'ap-south-2',
        before: { pk: 'voter#a', sk: 'election#e', epoch: 0 },
        after: { pk: 'voter#a', sk: 'election#e', epoch: 1 },
      },
    ]);
  });
});
