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

/** Describes zod issues as `field: problem` lines a person can act on. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.slice(0, 10).map((issue) => {
    const path = issue.path.length === 0 ? '(body)' : issue.path.join('.');
    return `${path}: ${issue.message}`;
  });
}
