import {
  assertNever,
  type BlockRefusal,
  type ExceptionRefusal,
  type HandOverFailure,
  type RegistryRefusal,
} from '@ballotstream/core';
import type { IssueRefusal, VerificationRefusal } from '@ballotstream/events';

/** The one place a verification refusal becomes an HTTP status. */
export function statusOfRefusal(reason: VerificationRefusal): number {
  switch (reason) {
    case 'malformed':
      return 400;
    case 'biometric-mismatch':
      return 401;
    case 'forged':
    case 'unknown-machine':
    case 'machine-blocked':
    case 'wrong-election':
    case 'polls-closed':
      return 403;
    case 'unknown-voter':
      return 404;
    case 'already-voted':
      return 409;
    case 'revoked':
    case 'expired':
      return 410;
    case 'region-not-owner':
      return 503;
    default:
      return assertNever(reason);
  }
}

/** What a booth is told with each refusal: what was wrong, in words, never the voter. */
export function describeRefusal(reason: VerificationRefusal): string {
  switch (reason) {
    case 'malformed':
      return 'ticket: is not a BT1 ticket of four dot-separated parts';
    case 'forged':
      return 'ticket: signature does not verify with any trusted key';
    case 'revoked':
      return 'ticket: has been revoked or was never issued';
    case 'expired':
      return 'ticket: has expired';
    case 'wrong-election':
      return 'ticket: belongs to another election';
    case 'unknown-voter':
      return 'fingerprint: no enrolment exists for the ticket holder';
    case 'biometric-mismatch':
      return 'fingerprint: does not match the ticket holder';
    case 'already-voted':
      return 'voter: has already been verified in this election';
    case 'unknown-machine':
      return 'machineId: is not a registered machine of this booth';
    case 'machine-blocked':
      return 'machineId: is blocked';
    case 'polls-closed':
      return 'polls: are not open now; booths verify voters only during the poll hours';
    case 'region-not-owner':
      return 'region: does not verify voters of this election now; ask the other region';
    default:
      return assertNever(reason);
  }
}

/** The one place an issue-centre refusal becomes an HTTP status. */
export function statusOfIssueRefusal(reason: IssueRefusal): number {
  switch (reason) {
    case 'not-registered':
    case 'unknown-ticket':
      return 404;
    case 'not-eligible':
      return 403;
    case 'already-issued':
    case 'already-voted':
      return 409;
    case 'ticket-revoked':
      return 410;
    default:
      return assertNever(reason);
  }
}

/** What a clerk is told with each issue-centre refusal. */
export function describeIssueRefusal(reason: IssueRefusal): string {
  switch (reason) {
    case 'not-registered':
      return 'voterId: is not in the voter registry';
    case 'not-eligible':
      return 'voterId: the registry says this person may not vote';
    case 'already-issued':
      return 'voterId: already holds a ticket for this election; reissue it instead';
    case 'unknown-ticket':
      return 'ticketId: no ticket of this election has this id';
    case 'ticket-revoked':
      return 'ticketId: is no longer the voter’s live ticket';
    case 'already-voted':
      return 'voter: has already voted in this election';
    default:
      return assertNever(reason);
  }
}

/** The one place a registry refusal becomes an HTTP status. */
export function statusOfRegistryRefusal(reason: RegistryRefusal['reason']): number {
  switch (reason) {
    case 'invalid':
      return 400;
    case 'out-of-scope':
      return 403;
    case 'not-found':
      return 404;
    case 'already-exists':
    case 'conflict':
    case 'frozen':
      return 409;
    case 'unknown-reference':
      return 422;
    default:
      return assertNever(reason);
  }
}

/**
 * The status of the other refusals an officer's or the desk's step may meet: what is not theirs
 * to see reads as absent (404), a region the deployment has not is unprocessable (422), and a
 * state that forbids the step is a conflict (409).
 */
export function statusOfStepRefusal(
  reason: BlockRefusal | ExceptionRefusal['reason'] | HandOverFailure['error'] | 'unknown-alert',
): number {
  switch (reason) {
    case 'unknown-machine':
    case 'unknown-alert':
    case 'not-found':
      return 404;
    case 'unknown-region':
      return 422;
    case 'reconciled':
    case 'not-owner':
    case 'already-owner':
    case 'changed':
      return 409;
    default:
      return assertNever(reason);
  }
}

/**
 * What a route refuses whatever its area: a body or query that fails its schema, no signed-in caller, a caller or a moment the route is
 * not for, a record that is not there (or not the caller's to see), a broken chain, a dependency
 * down.
 */
export type RouteRefusal =
  | 'invalid-input'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'broken'
  | 'unavailable';

/** The one place a route refusal becomes an HTTP status. */
export function statusOfRouteRefusal(reason: RouteRefusal): number {
  switch (reason) {
    case 'invalid-input':
      return 400;
    case 'unauthenticated':
      return 401;
    case 'forbidden':
      return 403;
    case 'not-found':
      return 404;
    case 'broken':
      return 409;
    case 'unavailable':
      return 503;
    default:
      return assertNever(reason);
  }
}

/** The status of a health answer: 200 while every dependency answers, else unavailable. */
export function statusOfHealth(healthy: boolean): number {
  return healthy ? 200 : statusOfRouteRefusal('unavailable');
}
