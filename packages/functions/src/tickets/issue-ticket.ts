import { issueTicket } from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import { issueTicketRequestSchema, ticketIssued } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';
import { countRejection } from '../shared/observability';
import { describeIssueRefusal, statusOfIssueRefusal } from '../shared/refusals';
import { decodeSamples, issueCentreDeps, issuedBody, issuedDetail } from './issue-centre';

/** `POST /tickets`: a clerk issues a registered voter's ticket and enrols their fingerprints. */
export const handler = httpRoute(
  { name: 'issueTicket', body: issueTicketRequestSchema },
  async ({ body, deps, principal }) => {
    const result = await issueTicket(issueCentreDeps(deps), {
      voterId: body.voterId,
      fingerprints: decodeSamples(body.fingerprints),
      ...(principal === undefined ? {} : { issuedBy: principal.subject }),
    });
    if (!result.ok) {
      countRejection('issueTicket', result.error);
      return json(statusOfIssueRefusal(result.error), {
        error: result.error,
        message: describeIssueRefusal(result.error),
      });
    }
    await deps.publisher.publish([eventOf(ticketIssued, issuedDetail(result.value))]);
    return json(201, issuedBody(result.value));
  },
);
