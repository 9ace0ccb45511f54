import type { SNSEvent } from 'aws-lambda';
import type { z } from 'zod';
import { describeIssues, InvalidInputError } from './errors';
import { countRejection } from './observability';

/**
 * The messages of an SNS delivery, each parsed as JSON against `schema`; the first that fails is
 * counted (`malformed` or `invalid-alarm`) and refused, so SNS retries the delivery.
 */
export function snsMessages<T>(name: string, schema: z.ZodType<T>, event: SNSEvent): T[] {
  return (event.Records ?? []).map((record) => {
    let payload: unknown;
    try {
      payload = JSON.parse(record.Sns.Message);
    } catch {
      countRejection(name, 'malformed');
      throw new InvalidInputError('Sns.Message', ['is not valid JSON']);
    }
    const parsed = schema.safeParse(payload);
    if (parsed.success) return parsed.data;
    countRejection(name, 'invalid-alarm');
    throw new InvalidInputError('Sns.Message', describeIssues(parsed.error));
  });
}
