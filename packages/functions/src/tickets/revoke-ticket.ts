import { revokeTicket } from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import { revokeTicketRequestSchema, ticketPathSchema, ticketRevoked } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';
import { countRejection } from '../shared/observability';
import { describeIssueRefusal, statusOfIssueRefusal } from '../shared/refusals';
import { parseTicketPath } from './ticket-path';

/** `POST /tickets/{ticketId}/revoke`: withdraws a ticket; no booth accepts it afterwards. */
export const handler = httpRoute(
  { name: 'revokeTicket', body: revokeTicketRequestSchema },
  async ({ body, params, app }) => {
    const { ticketId } = parseTicketPath(ticketPathSchema, params);
    const result = await revokeTicket(
      { records: app.ports.records, clock: app.ports.clock, electionId: app.config.electionId },
      { ticketId, reason: body.reason },
    );
    if (!result.ok) {
      countRejection('revokeTicket', result.error);
      return json(statusOfIssueRefusal(result.error), {
        error: result.error,
        message: describeIssueRefusal(result.error),
      });
    }
    const revokedAt = new Date(result.value.revokedAt).toISOString();
    await app.ports.publisher.publish([
      eventOf(ticketRevoked, {
        ticketId,
        electionId: result.value.electionId,
        reason: body.reason,
        revokedAt,
      }),
    ]);
    return json(200, { ticketId, status: 'revoked', revokedAt });
  },
);
