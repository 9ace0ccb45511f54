import { mapOutcome } from '@ballotstream/core';
import { issueTicketRequestSchema } from '@ballotstream/events';
import { httpRoute } from '../shared/http';
import { decodeSamples, issueAnswer } from './issue-centre';

/** `POST /tickets`: a clerk issues a registered voter's ticket and enrols their fingerprints. */
export const handler = httpRoute(
  { name: 'issueTicket', body: issueTicketRequestSchema },
  async ({ body, app, principal }) => {
    const done = await app.issueTicket({
      voterId: body.voterId,
      fingerprints: decodeSamples(body.fingerprints),
      ...(principal === undefined ? {} : { issuedBy: principal.subject }),
    });
    return mapOutcome(done, (result) => issueAnswer('issueTicket', result));
  },
);
