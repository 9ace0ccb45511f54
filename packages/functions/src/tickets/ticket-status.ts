import { ticketPathSchema } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';
import { countRejection } from '../shared/observability';
import { statusOfRouteRefusal } from '../shared/refusals';
import { parseTicketPath } from './ticket-path';

/** `GET /tickets/{ticketId}/status`: valid, revoked, used or expired, for the citizen app; no voter data. */
export const handler = httpRoute({ name: 'ticketStatus' }, async ({ params, app }) => {
  const { ticketId } = parseTicketPath(ticketPathSchema, params);
  const result = await app.tickets.status(ticketId);
  if (!result.ok) {
    countRejection('ticketStatus', result.error);
    return json(statusOfRouteRefusal('not-found'), {
      error: result.error,
      message: 'ticketId: no ticket has this id',
    });
  }
  return json(200, { ticketId, status: result.value });
});
