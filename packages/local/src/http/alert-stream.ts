import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventBridgeEnvelope } from '@ballotstream/events';
import { alertSchema, severitySchema } from '@ballotstream/events';
import type { LocalBus } from '../bus/local-bus';
import type { FallbackHandler } from './api-server';

/** Checks a bearer token as the API's authorizer does (the same shape as the API server's verifier). */
export type TokenVerifier = (
  token: string,
) => { ok: true; claims: Readonly<Record<string, unknown>> } | { ok: false; reason: string };

const STREAMED = new Set(['alert.raised', 'alert.escalated', 'alert.acknowledged']);

/** Who may watch which region: an admin every region (or one by `?region=`), an officer their own. */
interface Watcher {
  readonly region?: string;
  readonly severities?: ReadonlySet<string>;
}

/**
 * `GET /alerts/stream`: a server-sent-events feed of `alert.raised`, `alert.escalated` and
 * `alert.acknowledged` as they cross the bus, each as `event: <type>` with the alert as `data`.
 * With a token verifier it wants a bearer token (header, or `?token=` since a browser's
 * EventSource cannot set headers) and keeps an officer to their region; `?severity=critical,warning`
 * narrows it. A comment line every 15 s keeps proxies from closing an idle stream.
 */
export function alertStream(bus: LocalBus, verifier?: TokenVerifier): FallbackHandler {
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (req.method !== 'GET' || url.pathname !== '/alerts/stream') return false;
    const watcher = watcherOf(req, url, verifier);
    if ('status' in watcher) {
      res.writeHead(watcher.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: watcher.error }));
      return true;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write(': ballotstream alert feed\n\n');
    const unlisten = bus.listen((envelope: EventBridgeEnvelope) => {
      if (!STREAMED.has(envelope['detail-type'])) return;
      const detail = envelope.detail as { region?: string; severity?: string };
      if (watcher.region !== undefined && detail.region !== watcher.region) return;
      if (watcher.severities !== undefined && envelope['detail-type'] !== 'alert.acknowledged') {
        const parsed = alertSchema.safeParse(detail);
        if (!parsed.success || !watcher.severities.has(parsed.data.severity)) return;
      }
      res.write(`id: ${envelope.id}\nevent: ${envelope['detail-type']}\ndata: ${JSON.stringify(detail)}\n\n`);
    });
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    keepAlive.unref();
    const close = () => {
      clearInterval(keepAlive);
      unlisten();
    };
    req.on('close', close);
    res.on('close', close);
    return true;
  };
}

function watcherOf(
  req: IncomingMessage,
  url: URL,
  verifier: TokenVerifier | undefined,
): Watcher | { status: number; error: string } {
  const severityText = url.searchParams.get('severity');
  const severities =
    severityText === null
      ? undefined
      : new Set(severityText.split(',').filter((s) => severitySchema.safeParse(s).success));
  const asked = url.searchParams.get('region') ?? undefined;
  const base = { ...(severities === undefined ? {} : { severities }) };
  if (verifier === undefined) return { ...base, ...(asked === undefined ? {} : { region: asked }) };
  const header = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const token = header ?? url.searchParams.get('token') ?? undefined;
  if (token === undefined) return { status: 401, error: 'unauthorized' };
  const verified = verifier(token);
  if (!verified.ok) return { status: 401, error: 'unauthorized' };
  const role = verified.claims['custom:role'];
  if (role === 'admin') return { ...base, ...(asked === undefined ? {} : { region: asked }) };
  const own = verified.claims['custom:region'];
  if (role !== 'officer' || typeof own !== 'string') return { status: 403, error: 'forbidden' };
  if (asked !== undefined && asked !== own) return { status: 403, error: 'forbidden-region' };
  return { ...base, region: own };
}
