import { httpRoute, json } from '../shared/http';
import { countRejection } from '../shared/observability';
import { statusOfRouteRefusal } from '../shared/refusals';

/**
 * `GET /bulletin`: every machine's signed record and key, each constituency's result and the
 * audit head, signed by the election key; public once polls close.
 */
export const handler = httpRoute({ name: 'getBulletin' }, async ({ app }) => {
  const bulletin = await app.close.bulletin();
  if (bulletin.ok) return json(200, bulletin.value);
  countRejection('getBulletin', 'polls-open');
  return json(statusOfRouteRefusal('forbidden'), { error: 'forbidden', message: bulletin.error });
});
