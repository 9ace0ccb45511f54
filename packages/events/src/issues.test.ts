import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssues } from './issues';

const schema = z.object({ a: z.number(), b: z.object({ c: z.string() }) });

describe('describeIssues', () => {
  it('names each bad field by its path, in order, with a prefix and a limit', () => {
    const failed = schema.safeParse({ a: 'x', b: { c: 1 } });
    expect(failed.success).toBe(false);
    if (failed.success) return;
    expect(describeIssues(failed.error)).toEqual([
      'a: Invalid input: expected number, received string',
      'b.c: Invalid input: expected string, received number',
    ]);
    expect(describeIssues(failed.error, { prefix: 'aws.', limit: 1 })).toEqual([
      'aws.a: Invalid input: expected number, received string',
    ]);
  });

  it('calls the value itself by the name given', () => {
    const failed = z.string().safeParse(3);
    if (failed.success) throw new Error('expected a failure');
    expect(describeIssues(failed.error, { whole: '(body)' })).toEqual([
      '(body): Invalid input: expected string, received number',
    ]);
  });
});
