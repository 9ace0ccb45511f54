import { httpRoute, json } from '../shared/http';

/** `GET /ticket-keys`: the public keys tickets are signed with, for booths that verify offline. */
export const handler = httpRoute({ name: 'ticketKeys' }, async ({ app }) => json(200, app.tickets.keys()));
