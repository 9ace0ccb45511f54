import { fromBase64url, type IssuedTicket, type Result } from '@ballotstream/core';
import type { IssueRefusal } from '@ballotstream/events';
import { InvalidInputError } from '../shared/errors';
import { json } from '../shared/http';
import { countRejection } from '../shared/observability';
import { describeIssueRefusal, statusOfIssueRefusal } from '../shared/refusals';

/** Decodes fingerprint samples, naming the first one that is not canonical base64url. */
export function decodeSamples(samples: readonly string[]): Buffer[] {
  return samples.map((sample, i) => {
    const bytes = fromBase64url(sample);
    if (bytes === undefined)
      throw new InvalidInputError('body', [`fingerprints.${i}: is not canonical base64url`]);
    return bytes;
  });
}

/** The clerk's view of an issued ticket: what to print on the card, and the photo to compare. */
export function issuedBody(issued: IssuedTicket) {
  return {
    ticketId: issued.ticketId,
    ticket: issued.ticket,
    electionId: issued.electionId,
    issuedAt: new Date(issued.issuedAt).toISOString(),
    expiresAt: new Date(issued.expiresAt).toISOString(),
    photoRef: issued.photoRef,
    ...(issued.replaces === undefined ? {} : { replaces: issued.replaces }),
  };
}

/** The clerk's answer to an issue or a reissue: the card to print (201), or the refusal, counted. */
export function issueAnswer(route: string, result: Result<IssuedTicket, IssueRefusal>) {
  if (result.ok) return json(201, issuedBody(result.value));
  countRejection(route, result.error);
  return json(statusOfIssueRefusal(result.error), {
    error: result.error,
    message: describeIssueRefusal(result.error),
  });
}
