import { httpRoute, json } from '../shared/http';

/** `GET /ticket-keys`: the public keys tickets are signed with, for booths that verify offline. */
export const handler = httpRoute({ name: 'ticketKeys' }, async ({ deps }) => {
  return json(200, { currentKeyId: deps.ticketKeys.currentKeyId, keys: deps.ticketKeys.publicKeys() });
});
