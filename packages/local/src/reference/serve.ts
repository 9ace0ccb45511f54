import type { FallbackHandler } from '../http/api-server';
import { asyncApiDocument } from './asyncapi';
import { openApiDocument } from './openapi';

/**
 * Serves `GET /openapi.json`, `GET /asyncapi.json` and `GET /ready` (200 once the runtime takes
 * requests and its voter cache answers, else 503), beside the trigger table's routes.
 */
export function referenceRoutes(options: {
  readonly httpUrl: string;
  readonly mqttUrl: string;
  readonly ready: () => Promise<boolean>;
}): FallbackHandler {
  // Built once: the documents describe code, which does not change while the runtime runs.
  let documents: Record<string, unknown> | undefined;
  return async (req, res) => {
    if (req.method !== 'GET') return false;
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    if (path === '/ready') {
      const ready = await options.ready().catch(() => false);
      res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ ready }));
      return true;
    }
    if (path !== '/openapi.json' && path !== '/asyncapi.json') return false;
    documents ??= {
      '/openapi.json': openApiDocument(options.httpUrl),
      '/asyncapi.json': asyncApiDocument(options.mqttUrl),
    };
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(documents[path], null, 2));
    return true;
  };
}
