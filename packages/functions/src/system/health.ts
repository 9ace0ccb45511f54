import { httpRoute, json } from '../shared/http';
import { rejectionCounts } from '../shared/observability';

/** `GET /health`: whether the cache answers, and the refused inputs counted so far. */
export const handler = httpRoute({ name: 'health' }, async ({ app }) => {
  const cache = (await app.ports.cache.ping()) ? 'up' : 'down';
  return json(200, { status: 'ok', cache, rejections: Object.fromEntries(rejectionCounts()) });
});
