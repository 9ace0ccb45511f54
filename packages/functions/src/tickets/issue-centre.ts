import { fromBase64url, type IssueCentreDeps, type IssuedTicket } from '@ballotstream/core';
import type { DetailOf, ticketIssued } from '@ballotstream/events';
import type { Deps } from '../shared/deps';
import { InvalidInputError } from '../shared/errors';

/**
 * The issue centre's use-case dependencies, taken from the handler's. Each port is read when the
 * use case reaches it: in Lambda a port is built on first use and one the function is not linked
 * to throws (a reissue reaches neither the pseudonym key nor the voter registry).
 */
export function issueCentreDeps(deps: Deps): IssueCentreDeps {
  return {
    get keys() {
      return deps.ticketKeys;
    },
    get pseudonyms() {
      return deps.pseudonyms;
    },
    get registry() {
      return deps.voterRegistry;
    },
    get biometrics() {
      return deps.biometrics;
    },
    get records() {
      return deps.records;
    },
    clock: deps.clock,
    electionId: deps.config.electionId,
    ticketTtlMs: deps.config.ticketTtlMs,
  };
}

/** Decodes fingerprint samples, naming the first one that is not canonical base64url. */
export function decodeSamples(samples: readonly string[]): Buffer[] {
  return samples.map((sample, i) => {
    const bytes = fromBase64url(sample);
    if (bytes === undefined)
      throw new InvalidInputError('body', [`fingerprints.${i}: is not canonical base64url`]);
    return bytes;
  });
}

/** The detail of `ticket.issued` for a freshly minted ticket. */
export function issuedDetail(issued: IssuedTicket): DetailOf<typeof ticketIssued> {
  return {
    ticketId: issued.ticketId,
    electionId: issued.electionId,
    voterKey: issued.voterKey,
    issuedAt: new Date(issued.issuedAt).toISOString(),
    expiresAt: new Date(issued.expiresAt).toISOString(),
    ...(issued.replaces === undefined ? {} : { replaces: issued.replaces }),
  };
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
