import type { z } from 'zod';
import { describeIssues, InvalidInputError } from '../shared/errors';

/** Parses a route's path parameters, naming each bad one as the body parser does. */
export function parseTicketPath<T>(
  schema: z.ZodType<T>,
  params: Readonly<Record<string, string | undefined>>,
): T {
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw new InvalidInputError('path', describeIssues(parsed.error));
  return parsed.data;
}
