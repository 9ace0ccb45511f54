import { describe, expect, it } from 'vitest';
import { decodeImage, tableStreamRecordSchema } from './table-stream';

describe('a DynamoDB stream record', () => {
  it('decodes an image into the plain record the store wrote', () => {
    const image = decodeImage({
      pk: { S: 'voter#abc' },
      epoch: { N: '2' },
      voted: { BOOL: true },
      note: { NULL: true },
      writer: { M: { region: { S: 'ap-south-2' }, at: { N: '1.5' } } },
      booths: { L: [{ S: 'b1' }, { N: '7' }] },
      tags: { SS: ['x', 'y'] },
      raw: { B: 'AQI=' },
    });
    expect(image).toEqual({
      pk: 'voter#abc',
      epoch: 2,
      voted: true,
      note: null,
      writer: { region: 'ap-south-2', at: 1.5 },
      booths: ['b1', 7],
      tags: ['x', 'y'],
      raw: Uint8Array.from([1, 2]),
    });
  });

  it('refuses an attribute value with two types or a number that is not one', () => {
    const record = (value: unknown) => ({
      eventID: 'e1',
      eventName: 'MODIFY',
      eventSource: 'aws:dynamodb',
      awsRegion: 'ap-south-1',
      dynamodb: { SequenceNumber: '1', Keys: { pk: value } },
    });
    expect(tableStreamRecordSchema.safeParse(record({ S: 'voter#a' })).success).toBe(true);
    expect(tableStreamRecordSchema.safeParse(record({ S: 'a', N: '1' })).success).toBe(false);
    expect(tableStreamRecordSchema.safeParse(record({ N: 'one' })).success).toBe(false);
  });
});
