import { alertsQuerySchema } from '@ballotstream/events';
import { httpRoute, json, noCaller } from '../shared/http';
import { statusOfRouteRefusal } from '../shared/refusals';

/** `GET /alerts`: alerts newest first; an officer sees their own region only; `?severity=critical,warning`. */
export const handler = httpRoute(
  { name: 'getAlerts', query: alertsQuerySchema },
  async ({ principal, app, query }) => {
    if (principal === undefined) return noCaller();
    const result = await app.alerts.list(principal, {
      ...(query.region === undefined ? {} : { region: query.region }),
      ...(query.severity === undefined ? {} : { severities: query.severity }),
      status: query.status,
      limit: query.limit,
    });
    if (!result.ok)
      return json(statusOfRouteRefusal('forbidden'), {
        error: result.error,
        message: 'an officer may list only their own region',
      });
    return json(200, { alerts: result.value });
  },
);
