import { assertNever } from '@ballotstream/core';
import type { VerificationRefusal } from '@ballotstream/events';

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
      return 403;
    case 'unknown-voter':
      return 404;
    case 'already-voted':
      return 409;
    case 'revoked':
    case 'expired':
      return 410;
    default:
      return assertNever(reason);
  }
}
