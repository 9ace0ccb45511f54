import type { Actor, Outcome } from '@ballotstream/core';
import { DependencyError } from '@ballotstream/core';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { type App, appFor, settle } from './deps';
import { describeIssues, InvalidInputError } from './errors';
import { countRejection, logger, withLambdaContext } from './observability';
import { principalOf } from './principal';
import { statusOfRouteRefusal } from './refusals';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number };

const MAX_BODY_BYTES = 64 * 1024;

/** A route reached with no caller, in the refusal shape every other 401 has. */
export function noCaller(): HttpResponse {
  return json(statusOfRouteRefusal('unauthenticated'), {
    error: 'unauthorized',
    message: 'a valid bearer token is required',
  });
}

/** A JSON response with the headers every route shares. */
export function json(statusCode: number, body: unknown): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

export interface HttpInput<B, Q> {
  readonly body: B;
  readonly query: Q;
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly event: APIGatewayProxyEventV2;
  readonly app: App;
  /** The caller, when the request carried a verified token. */
  readonly principal: Actor | undefined;
}

export interface HttpRouteSpec<B, Q> {
  readonly name: string;
  readonly body?: z.ZodType<B>;
  readonly query?: z.ZodType<Q>;
}

/**
 * Wraps an API route: parses the body and query against their schemas (400 naming each bad
 * field), runs the route, and maps unexpected errors to a 500 that echoes nothing internal.
 */
export function httpRoute<B = undefined, Q = undefined>(
  spec: HttpRouteSpec<B, Q>,
  route: (input: HttpInput<B, Q>) => Promise<HttpResponse | Outcome<HttpResponse>>,
) {
  return middy<APIGatewayProxyEventV2, HttpResponse, Error, Context>(
    async (event: APIGatewayProxyEventV2, context: Context) => {
      const app = await appFor(context);
      const input = {
        body: parseBody(event, spec),
        query: parseQuery(event, spec),
        params: event.pathParameters ?? {},
        event,
        app,
        principal: principalOf(event),
      };
      return settle(app, await route(input));
    },
  )
    .use(withLambdaContext())
    .use({
      onError: async (request) => {
        const error = request.error;
        if (error instanceof InvalidInputError) {
          countRejection(spec.name, 'invalid-input');
          request.response = json(statusOfRouteRefusal('invalid-input'), {
            error: 'invalid-input',
            where: error.where,
            problems: error.problems,
          });
          return;
        }
        if (error instanceof DependencyError) {
          countRejection(spec.name, 'dependency-unavailable');
          logger.warn('route could not reach a dependency', { route: spec.name, error });
          const status = statusOfRouteRefusal('unavailable');
          request.response = {
            ...json(status, {
              error: 'unavailable',
              message: `${error.dependency} did not answer; try again shortly`,
            }),
            headers: { ...json(status, null).headers, 'retry-after': '5' },
          };
          return;
        }
        logger.error('route failed', { route: spec.name, error });
        request.response = json(500, { error: 'internal', message: 'the request could not be completed' });
      },
    });
}

function parseBody<B, Q>(event: APIGatewayProxyEventV2, spec: HttpRouteSpec<B, Q>): B {
  if (spec.body === undefined) return undefined as B;
  const raw =
    event.body === undefined
      ? ''
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES)
    throw new InvalidInputError('body', [`is larger than ${MAX_BODY_BYTES} bytes`]);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new InvalidInputError('body', ['is not valid JSON']);
  }
  const parsed = spec.body.safeParse(value);
  if (!parsed.success) throw new InvalidInputError('body', describeIssues(parsed.error));
  return parsed.data;
}

function parseQuery<B, Q>(event: APIGatewayProxyEventV2, spec: HttpRouteSpec<B, Q>): Q {
  if (spec.query === undefined) return undefined as Q;
  const parsed = spec.query.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw new InvalidInputError('query', describeIssues(parsed.error));
  return parsed.data;
}
