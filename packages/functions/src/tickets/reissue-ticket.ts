import { reissueTicket } from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import {
  reissueTicketRequestSchema,
  ticketIssued,
  ticketPathSchema,
  ticketRevoked,
} from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';
import { countRejection } from '../shared/observability';
import { describeIssueRefusal, statusOfIssueRefusal } from '../shared/refusals';
import { decodeSamples, issueCentreDeps, issuedBody, issuedDetail } from './issue-centre';
import { parseTicketPath } from './ticket-path';

/** `POST /tickets/{ticketId}/reissue`: replaces a lost card; the old ticket is revoked. */
export const handler = httpRoute(
  { name: 'reissueTicket', body: reissueTicketRequestSchema },
  async ({ body, params, deps, principal }) => {
    const { ticketId } = parseTicketPath(ticketPathSchema, params);
    const result = await reissueTicket(issueCentreDeps(deps), {
      ticketId,
      reason: body.reason,
      ...(body.fingerprints === undefined ? {} : { fingerprints: decodeSamples(body.fingerprints) }),
      ...(principal === undefined ? {} : { issuedBy: principal.subject }),
    });
    if (!result.ok) {
      countRejection('reissueTicket', result.error);
      return json(statusOfIssueRefusal(result.error), {
        error: result.error,
        message: describeIssueRefusal(result.error),
      });
    }
    const issued = result.value;
    await deps.publisher.publish([
      eventOf(ticketRevoked, {
        ticketId,
        electionId: issued.electionId,
        reason: `reissued: ${body.reason}`,
        revokedAt: new Date(issued.issuedAt).toISOString(),
      }),
      eventOf(ticketIssued, issuedDetail(issued)),
    ]);
    return json(201, issuedBody(issued));
  },
);
