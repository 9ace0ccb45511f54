import type { z } from 'zod';

export interface IssueWording {
  /** What to call the value itself, for an issue with an empty path (`(body)`, `(file)`). */
  readonly whole?: string;
  /** Put before every path (`aws.` for a nested section read on its own). */
  readonly prefix?: string;
  /** At most this many lines (every one by default). */
  readonly limit?: number;
}

/**
 * The one wording of schema failures everywhere (API 400s, CLI errors, blueprint and CSV
 * checks): `field.path: what was wrong`, one line per issue, in a person's words.
 */
export function describeIssues(error: z.ZodError, wording: IssueWording = {}): string[] {
  const { whole = '(value)', prefix = '', limit } = wording;
  const issues = limit === undefined ? error.issues : error.issues.slice(0, limit);
  return issues.map((issue) => {
    const path = issue.path.length === 0 ? whole : `${prefix}${issue.path.join('.')}`;
    return `${path}: ${issue.message}`;
  });
}
