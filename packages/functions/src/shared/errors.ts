import { describeIssues as describeZodIssues } from '@ballotstream/events';
import type { z } from 'zod';

/** Input failed its schema; the message names each bad field and what was wrong with it. */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  constructor(
    readonly where: string,
    readonly problems: readonly string[],
  ) {
    super(`${where}: ${problems.join('; ')}`);
  }
}

/** Schema failures of a request, in the project's one wording, at most ten lines. */
export function describeIssues(error: z.ZodError): string[] {
  return describeZodIssues(error, { whole: '(body)', limit: 10 });
}
