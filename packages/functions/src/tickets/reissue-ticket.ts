import { mapOutcome } from '@ballotstream/core';
import { reissueTicketRequestSchema, ticketPathSchema } from '@ballotstream/events';
import { httpRoute } from '../shared/http';
import { decodeSamples, issueAnswer } from './issue-centre';
import { parseTicketPath } from './ticket-path';

/** `POST /tickets/{ticketId}/reissue`: replaces a lost card; the old ticket is revoked. */
export const handler = httpRoute(
  { name: 'reissueTicket', body: reissueTicketRequestSchema },
  async ({ body, params, app, principal }) => {
    const { ticketId } = parseTicketPath(ticketPathSchema, params);
    const done = await app.reissueTicket({
      ticketId,
      reason: body.reason,
      ...(body.fingerprints === undefined ? {} : { fingerprints: decodeSamples(body.fingerprints) }),
      ...(principal === undefined ? {} : { issuedBy: principal.subject }),
    });
    return mapOutcome(done, (result) => issueAnswer('reissueTicket', result));
  },
);
