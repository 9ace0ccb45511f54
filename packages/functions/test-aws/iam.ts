/**
 * A small IAM evaluator for the AWS harness: does a set of Allow statements (as `statementsFor`
 * gives them) permit an action on a resource? Only what SST's `permissions` can express: Allow,
 * actions and resources with IAM's `*` and `?` wildcards, no conditions and no Deny.
 */

/** One request IAM would evaluate: an action (`service:Action`) on one resource ARN. */
export interface IamRequest {
  readonly action: string;
  readonly resource: string;
}

/** An Allow statement: its actions and resources, as strings. */
export interface AllowStatement {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

function wildcardRegExp(pattern: string, flags: string): RegExp {
  const body = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, flags);
}

/** Whether an action pattern (`dynamodb:Get*`, `*`) names an action; IAM compares actions case-insensitively. */
export function actionMatches(pattern: string, action: string): boolean {
  return wildcardRegExp(pattern, 'i').test(action);
}

/** Whether a resource pattern (`arn:aws:dynamodb:*:*:table/x/index/*`) names an ARN; case-sensitive, as IAM is. */
export function resourceMatches(pattern: string, resource: string): boolean {
  return wildcardRegExp(pattern, '').test(resource);
}

/** Whether some statement allows the request: one of its actions and one of its resources match. */
export function isAllowed(statements: readonly AllowStatement[], request: IamRequest): boolean {
  return statements.some(
    (s) =>
      s.actions.some((a) => actionMatches(a, request.action)) &&
      s.resources.some((r) => resourceMatches(r, request.resource)),
  );
}

/** The requests no statement allows, each once, in the order first seen. */
export function deniedRequests(
  statements: readonly AllowStatement[],
  requests: readonly IamRequest[],
): IamRequest[] {
  const seen = new Set<string>();
  const denied: IamRequest[] = [];
  for (const request of requests) {
    const key = `${request.action} ${request.resource}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!isAllowed(statements, request)) denied.push(request);
  }
  return denied;
}
