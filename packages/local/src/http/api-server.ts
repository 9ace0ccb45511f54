import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** A route of the HTTP API: `METHOD /path/{param}` and the handler API Gateway would invoke. */
export interface ApiRoute {
  readonly method: string;
  readonly path: string;
  readonly invoke: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
  /** The roles the route admits (from the trigger table); `public` needs no token. None: open. */
  readonly roles?: readonly string[];
}

/**
 * Checks a bearer token as API Gateway's JWT authorizer would: the claims it passes on, or why
 * the token is refused.
 */
export type TokenVerifier = (
  token: string,
) => { ok: true; claims: Readonly<Record<string, unknown>> } | { ok: false; reason: string };

/** Serves other paths (static web apps, live feeds) before the API gives a 404. */
export type FallbackHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

// API Gateway refuses bodies over 10 MB; the local server stops reading well before that.
const MAX_BODY_BYTES = 1024 * 1024;

interface CompiledRoute extends ApiRoute {
  readonly regex: RegExp;
  readonly params: readonly string[];
}

/** The local stand-in for API Gateway's HTTP API: builds the same v2 event and writes back the result. */
export class ApiServer {
  private readonly routes: CompiledRoute[] = [];
  private readonly fallbacks: FallbackHandler[] = [];
  private server: Server | undefined;

  /** Without a verifier every route is open, as before routes declared roles. */
  constructor(private readonly verifier?: TokenVerifier) {}

  add(route: ApiRoute): void {
    const params: string[] = [];
    const source = route.path
      .split('/')
      .map((part) => {
        const m = /^\{([A-Za-z0-9_]+)\+?\}$/.exec(part);
        if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        params.push(m[1]!);
        return part.endsWith('+}') ? '(.+)' : '([^/]+)';
      })
      .join('/');
    this.routes.push({ ...route, regex: new RegExp(`^${source}$`), params });
  }

  fallback(handler: FallbackHandler): void {
    this.fallbacks.push(handler);
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => {
      void this.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'internal' }));
      });
    });
    // Booth traffic is many short requests; keep-alive spares a handshake per verification.
    server.keepAliveTimeout = 30_000;
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    const address = server.address() as AddressInfo;
    return `http://${host}:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = parsedUrl(req.url);
    if (url === undefined) {
      return this.write(res, {
        statusCode: 400,
        body: JSON.stringify({ error: 'bad-request', message: 'the request path is not a valid URL path' }),
      });
    }
    const method = req.method ?? 'GET';
    const match = this.match(method, url.pathname);
    if (match === undefined) {
      for (const fallback of this.fallbacks) if (await fallback(req, res)) return;
      return this.write(res, { statusCode: 404, body: JSON.stringify({ error: 'not-found' }) });
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    const body = declared > MAX_BODY_BYTES ? undefined : await readBody(req);
    if (body === undefined) {
      // The rest of the body is not read: the connection cannot carry another request, so it is
      // closed once the answer is out, rather than kept alive while the client waits to send more.
      return this.write(res, {
        statusCode: 413,
        headers: { connection: 'close' },
        body: JSON.stringify({ error: 'body-too-large', limitBytes: MAX_BODY_BYTES }),
      });
    }
    const event = toEvent(req, url, method, match, body);
    const denied = this.authorize(match.route, event);
    if (denied !== undefined) return this.write(res, denied);
    this.write(res, await match.route.invoke(event));
  }

  /**
   * The authorizer step: 401 without a valid token, 403 when the token's role is not one the
   * route admits; on success the claims go where API Gateway puts them.
   */
  private authorize(
    route: CompiledRoute,
    event: APIGatewayProxyEventV2,
  ): APIGatewayProxyStructuredResultV2 | undefined {
    if (this.verifier === undefined || route.roles === undefined || route.roles.includes('public'))
      return undefined;
    const header = event.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/i.exec(header.trim());
    if (match === null) return unauthorized('missing');
    const verified = this.verifier(match[1]!);
    if (!verified.ok) return unauthorized(verified.reason);
    const role = verified.claims['custom:role'];
    if (typeof role !== 'string' || !route.roles.includes(role)) {
      return {
        statusCode: 403,
        body: JSON.stringify({
          error: 'forbidden',
          message: `role ${String(role)} may not call ${event.routeKey}`,
        }),
      };
    }
    // API Gateway hands claims on as strings.
    const claims = Object.fromEntries(Object.entries(verified.claims).map(([k, v]) => [k, String(v)]));
    (event.requestContext as { authorizer?: unknown }).authorizer = { jwt: { claims, scopes: null } };
    return undefined;
  }

  private match(
    method: string,
    path: string,
  ): { route: CompiledRoute; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.params.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1]!);
      });
      return { route, params };
    }
    return undefined;
  }

  private write(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
    res.writeHead(result.statusCode ?? 200, headers);
    res.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
  }
}

/** What the server reads of a request target. */
type RequestTarget = Pick<URL, 'host' | 'pathname' | 'search' | 'searchParams'>;

/** Segments of letters, digits, `-` and `_` only: nothing a URL parser would decode or resolve. */
const PLAIN_PATH = /^(?:\/[A-Za-z0-9_-]+)+\/?$/;
const NO_QUERY = new URLSearchParams();

/**
 * The request target as a URL whose path decodes, or undefined: a malformed percent escape
 * (`/tickets/%E0%A4%A/status`) is the client's mistake, a 400, never a 500.
 */
function parsedUrl(target: string | undefined): RequestTarget | undefined {
  // A plain path (a booth's `/verifications`) is its own pathname: no URL object to build.
  if (target !== undefined && PLAIN_PATH.test(target))
    return { host: 'local', pathname: target, search: '', searchParams: NO_QUERY };
  try {
    const url = new URL(target ?? '/', 'http://local');
    decodeURIComponent(url.pathname);
    return url;
  } catch {
    return undefined;
  }
}

function unauthorized(reason: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: 401,
    headers: { 'www-authenticate': 'Bearer' },
    body: JSON.stringify({ error: 'unauthorized', message: `a valid bearer token is required (${reason})` }),
  };
}

/**
 * The request's body, or undefined once it passes the limit (the rest is left unread). Read by
 * its events, not `for await`: the async iterator cost a booth's request more than the parsing.
 */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        finish();
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      finish();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      finish();
      reject(error);
    };
    // A client gone before its body ended gets no answer; its request is not handled.
    const onClose = () => onError(new Error('the request closed before its body ended'));
    const finish = () => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

function toEvent(
  req: IncomingMessage,
  url: RequestTarget,
  method: string,
  match: { route: CompiledRoute; params: Record<string, string> },
  body: Buffer,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  // Bodies that are not valid UTF-8 arrive base64-encoded, as API Gateway sends binary ones.
  const binary = !isUtf8(body);
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: `${method} ${match.route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(Object.keys(match.params).length > 0 ? { pathParameters: match.params } : {}),
    ...(body.length > 0 ? { body: body.toString(binary ? 'base64' : 'utf8') } : {}),
    isBase64Encoded: binary,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: url.host,
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: `${method} ${match.route.path}`,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
  };
}
