import { auditListQuerySchema } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';
import { statusOfRouteRefusal } from '../shared/refusals';

/** `GET /audit`: a page of the hash-chained audit log, in chain order. */
export const list = httpRoute(
  { name: 'listAudit', query: auditListQuerySchema },
  async ({ query, app, principal }) => {
    if (principal?.role !== 'admin') return onlyAdmins();
    return json(200, await app.audit.page(query.from, query.limit));
  },
);

/** `GET /audit/verify`: walks the whole chain; 200 when intact, 409 naming where it breaks. */
export const verify = httpRoute({ name: 'verifyAudit' }, async ({ app, principal }) => {
  if (principal?.role !== 'admin') return onlyAdmins();
  const result = await app.audit.verify();
  return result.ok
    ? json(200, { intact: true, ...result.value })
    : json(statusOfRouteRefusal('broken'), { intact: false, ...result.error });
});

// The authorizer admits only admins already; the handler checks again so a route wired without
// its authorizer (a stage misconfigured) still refuses.
function onlyAdmins() {
  return json(statusOfRouteRefusal('forbidden'), {
    error: 'forbidden',
    message: 'only an admin may read the audit log',
  });
}
