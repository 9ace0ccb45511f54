import { mapOutcome } from '@ballotstream/core';
import { revokeTicketRequestSchema, ticketPathSchema } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';
import { countRejection } from '../shared/observability';
import { describeIssueRefusal, statusOfIssueRefusal } from '../shared/refusals';
import { parseTicketPath } from './ticket-path';

/** `POST /tickets/{ticketId}/revoke`: withdraws a ticket; no booth accepts it afterwards. */
export const handler = httpRoute(
  { name: 'revokeTicket', body: revokeTicketRequestSchema },
  async ({ body, params, app }) => {
    const { ticketId } = parseTicketPath(ticketPathSchema, params);
    const done = await app.tickets.revoke(ticketId, body.reason);
    return mapOutcome(done, (result) => {
      if (result.ok) return json(200, result.value);
      countRejection('revokeTicket', result.error);
      return json(statusOfIssueRefusal(result.error), {
        error: result.error,
        message: describeIssueRefusal(result.error),
      });
    });
  },
);
