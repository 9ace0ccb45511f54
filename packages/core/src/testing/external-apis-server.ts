import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeIssues } from '@ballotstream/events';
import type { z } from 'zod';
import { enrolmentRequestSchema, matchRequestSchema, VOTER_NOT_FOUND } from '../adapters/http/contracts';
import type { RegisteredVoter } from '../ports/voter-registry';

/** A scripted answer the server gives to the next request instead of following the contract's happy path. */
export type ScriptedAnswer =
  /** This status (and problem body unless `body` is given), with `Retry-After` when set. */
  | { readonly status: number; readonly body?: unknown; readonly retryAfter?: string }
  /** A 200 whose body is this text exactly (malformed answers). */
  | { readonly raw: string; readonly status?: number }
  /** No answer at all until the server closes (timeouts). */
  | { readonly hang: true };

/** One request as the server saw it. */
export interface SeenRequest {
  readonly method: string;
  /** The route's path template, `/v1/voters/{voterId}`, or the raw path when no route matched. */
  readonly route: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly idempotencyKey: string | undefined;
  readonly body: unknown;
}

/** One answer the server gave, for checking against the OpenAPI documents. */
export interface GivenAnswer {
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly contentType: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** Whether a script made this answer (scripted bodies may break the contract on purpose). */
  readonly scripted: boolean;
}

/** A local server following docs/voter-registry-api.yaml and docs/biometric-api.yaml, on port 0. */
export interface ExternalApisServer {
  readonly url: string;
  readonly apiKey: string;
  readonly requests: SeenRequest[];
  readonly answers: GivenAnswer[];
  /** Adds people to the registry. */
  register(voters: readonly RegisteredVoter[]): void;
  /** The samples enrolled for a voter key, as base64url. */
  enrolmentOf(voterKey: string): readonly string[] | undefined;
  /** The next requests get these answers, one each, in order; then the contract's answers again. */
  script(...answers: ScriptedAnswer[]): void;
  /** Forgets the requests seen and any scripted answers not yet given (between tests). */
  reset(): void;
  close(): Promise<void>;
}

interface Route {
  readonly method: string;
  readonly template: string;
  readonly pattern: RegExp;
  readonly handle: (params: string[], request: ParsedRequest) => Answer;
}

interface ParsedRequest {
  readonly body: unknown;
  readonly rawBody: string;
  readonly idempotencyKey: string | undefined;
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

const PROBLEM = 'application/problem+json';

/**
 * Starts the stand-in of both external APIs: bearer-key auth, the registry's lookups, enrolments
 * replaced idempotently under an `Idempotency-Key`, matches by exact sample, RFC 9457 problems,
 * and scripted faults for the adapters' contract tests.
 */
export async function startExternalApisServer(
  options: { apiKey?: string } = {},
): Promise<ExternalApisServer> {
  const apiKey = options.apiKey ?? 'test-api-key';
  const voters = new Map<string, RegisteredVoter>();
  const enrolments = new Map<string, readonly string[]>();
  const idempotent = new Map<string, { readonly digest: string; readonly answer: Answer }>();
  const scripted: ScriptedAnswer[] = [];
  const requests: SeenRequest[] = [];
  const answers: GivenAnswer[] = [];

  const routes: Route[] = [
    {
      method: 'GET',
      template: '/v1/voters/{voterId}',
      pattern: /^\/v1\/voters\/([^/]+)$/,
      handle: ([voterId]) => {
        const voter = voters.get(voterId ?? '');
        return voter === undefined
          ? problem(404, VOTER_NOT_FOUND, 'The registry holds no voter with this id')
          : { status: 200, body: voter };
      },
    },
    {
      method: 'PUT',
      template: '/v1/enrolments/{voterKey}',
      pattern: /^\/v1\/enrolments\/([^/]+)$/,
      handle: ([voterKey = ''], request) => {
        if (request.idempotencyKey === undefined) {
          return problem(
            400,
            '/problems/idempotency-key-missing',
            'An enrolment needs an Idempotency-Key header',
          );
        }
        const digest = createHash('sha256').update(`${voterKey}\n${request.rawBody}`).digest('base64url');
        const earlier = idempotent.get(request.idempotencyKey);
        if (earlier !== undefined) {
          if (earlier.digest !== digest) {
            return problem(
              422,
              '/problems/idempotency-key-reused',
              'This Idempotency-Key came with another request',
            );
          }
          return { ...earlier.answer, headers: { 'idempotent-replayed': 'true' } };
        }
        const parsed = validate(enrolmentRequestSchema, request.body);
        if ('status' in parsed) return parsed;
        enrolments.set(voterKey, parsed.samples);
        const answer: Answer = { status: 200, body: { voterKey, fingers: parsed.samples.length } };
        idempotent.set(request.idempotencyKey, { digest, answer });
        return answer;
      },
    },
    {
      method: 'POST',
      template: '/v1/enrolments/{voterKey}/match',
      pattern: /^\/v1\/enrolments\/([^/]+)\/match$/,
      handle: ([voterKey = ''], request) => {
        const parsed = validate(matchRequestSchema, request.body);
        if ('status' in parsed) return parsed;
        const enrolled = enrolments.get(voterKey);
        if (enrolled === undefined) return { status: 200, body: { result: 'not-enrolled' } };
        const probe = Buffer.from(parsed.sample);
        const matched = enrolled.some(
          (s) => s.length === parsed.sample.length && timingSafeEqual(Buffer.from(s), probe),
        );
        return { status: 200, body: { result: matched ? 'match' : 'mismatch' } };
      },
    },
  ];

  const server = createServer((req, res) => {
    void serve(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        send(res, 'UNKNOWN', req.url ?? '', problem(500, '/problems/internal', String(error)), false);
    });
  });

  const send = (res: ServerResponse, method: string, route: string, answer: Answer, isScripted: boolean) => {
    const contentType = answer.status >= 400 ? PROBLEM : 'application/json';
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    const headers = { 'content-type': contentType, ...answer.headers };
    answers.push({
      method,
      route,
      status: answer.status,
      contentType,
      headers,
      body: answer.body,
      scripted: isScripted,
    });
    res.writeHead(answer.status, headers).end(text);
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const matched = routes
      .map((route) => ({ route, m: route.method === method ? route.pattern.exec(path) : null }))
      .find((x) => x.m !== null);
    const template = matched?.route.template ?? path;
    let body: unknown;
    let badJson = false;
    if (rawBody !== '') {
      try {
        body = JSON.parse(rawBody);
      } catch {
        badJson = true;
      }
    }
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const idempotencyKey = header('idempotency-key');
    requests.push({
      method,
      route: template,
      path,
      authorization: header('authorization'),
      idempotencyKey,
      body,
    });

    const next = scripted.shift();
    if (next !== undefined) {
      if ('hang' in next) return; // closed by close()
      if ('raw' in next) {
        answers.push({
          method,
          route: template,
          status: next.status ?? 200,
          contentType: 'application/json',
          headers: {},
          body: next.raw,
          scripted: true,
        });
        res.writeHead(next.status ?? 200, { 'content-type': 'application/json' }).end(next.raw);
        return;
      }
      const answer = problem(next.status, `/problems/scripted-${next.status}`, 'A scripted answer');
      send(
        res,
        method,
        template,
        {
          status: next.status,
          body: next.body ?? answer.body,
          headers: next.retryAfter === undefined ? {} : { 'retry-after': next.retryAfter },
        },
        true,
      );
      return;
    }

    const given = header('authorization');
    const expected = `Bearer ${apiKey}`;
    if (
      given === undefined ||
      given.length !== expected.length ||
      !timingSafeEqual(Buffer.from(given), Buffer.from(expected))
    ) {
      send(
        res,
        method,
        template,
        {
          ...problem(401, '/problems/unauthorised', 'A valid bearer API key is required'),
          headers: { 'www-authenticate': 'Bearer' },
        },
        false,
      );
      return;
    }
    if (matched?.m == null) {
      send(res, method, template, problem(404, '/problems/no-such-route', 'No such route'), false);
      return;
    }
    if (badJson) {
      send(res, method, template, problem(400, '/problems/invalid-body', 'The body is not JSON'), false);
      return;
    }
    const params = matched.m.slice(1).map((p) => decodeURIComponent(p));
    send(res, method, template, matched.route.handle(params, { body, rawBody, idempotencyKey }), false);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    answers,
    register: (list) => {
      for (const voter of list) voters.set(voter.voterId, voter);
    },
    enrolmentOf: (voterKey) => enrolments.get(voterKey),
    script: (...list) => {
      scripted.push(...list);
    },
    reset: () => {
      requests.length = 0;
      scripted.length = 0;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

function problem(status: number, type: string, title: string, detail?: string): Answer {
  return { status, body: { type, title, status, ...(detail === undefined ? {} : { detail }) } };
}

function validate<T>(schema: z.ZodType<T>, body: unknown): T | Answer {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const detail = describeIssues(parsed.error, { whole: '(body)' }).join('; ');
  return problem(400, '/problems/invalid-body', 'The body breaks the contract', detail);
}
