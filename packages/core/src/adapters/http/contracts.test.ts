import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { type ExternalApisServer, startExternalApisServer } from '../../testing/external-apis-server';
import {
  enrolmentRequestSchema,
  enrolmentSchema,
  matchRequestSchema,
  matchResultSchema,
  problemSchema,
  registeredVoterSchema,
} from './contracts';
import { RETRY_POLICY, staticApiKey } from './external-api';
import { BIOMETRICS_TIMINGS, HttpBiometrics } from './http-biometrics';
import { HttpVoterRegistry, VOTER_REGISTRY_TIMINGS } from './http-voter-registry';

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document is walked as plain data.
type Doc = any;

const load = (name: string): Doc =>
  parse(readFileSync(new URL(`../../../../../docs/${name}`, import.meta.url), 'utf8'));
const registryDoc = load('voter-registry-api.yaml');
const biometricDoc = load('biometric-api.yaml');

/** Resolves a local `$ref` of the document (`#/components/...`). */
function resolve(doc: Doc, node: Doc): Doc {
  if (typeof node?.$ref !== 'string') return node;
  const path = (node.$ref as string).replace(/^#\//, '').split('/');
  return resolve(
    doc,
    path.reduce((at: Doc, key) => at?.[key], doc),
  );
}

/** The document's schema as zod, `$ref`s to its components kept as JSON Schema `$defs`. */
function zodOf(doc: Doc, schema: Doc): z.ZodType {
  const rewrite = (value: unknown) =>
    JSON.parse(JSON.stringify(value).replaceAll('#/components/schemas/', '#/$defs/')) as Record<
      string,
      unknown
    >;
  return z.fromJSONSchema({ ...rewrite(schema), $defs: rewrite(doc.components.schemas) } as never);
}

/** The documented response of an operation for a status (exact, then `4XX`/`5XX`), or undefined. */
function documentedResponse(doc: Doc, route: string, method: string, status: number): Doc {
  const operation = doc.paths?.[route]?.[method.toLowerCase()];
  const responses = operation?.responses ?? {};
  const response = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
  return response === undefined ? undefined : resolve(doc, response);
}

const docOf = (route: string): Doc => (route.startsWith('/v1/voters') ? registryDoc : biometricDoc);

let server: ExternalApisServer;
/** How many of the requests the server saw came from the clients (the rest are hand-made). */
let fromClients = 0;
beforeAll(async () => {
  server = await startExternalApisServer({ apiKey: 'k' });
  server.register([
    { voterId: 'IN-1', name: 'A', photoRef: 'p/1', constituencyId: 'c-1', boothId: 'b-1', eligible: true },
    { voterId: 'IN-2', name: 'B', photoRef: 'p/2', constituencyId: 'c-2', eligible: false },
  ]);
  const key = staticApiKey('k');
  const fast = { retry: { attempts: 1 } };
  const registry = new HttpVoterRegistry({ baseUrl: server.url, apiKey: key, ...fast });
  const biometrics = new HttpBiometrics({ baseUrl: server.url, apiKey: key, ...fast });
  const thumb = new TextEncoder().encode('thumb');
  // Every kind of answer the server gives by itself: found, unknown, refused key, enrolment,
  // replay, reused key, each verdict, and bodies that break the request schemas.
  await registry.find('IN-1');
  await registry.find('IN-2');
  await registry.find('IN-404');
  await new HttpVoterRegistry({ baseUrl: server.url, apiKey: staticApiKey('wrong'), ...fast })
    .find('IN-1')
    .catch(() => undefined);
  let n = 0;
  const fixedKeys = new HttpBiometrics({
    baseUrl: server.url,
    apiKey: key,
    ...fast,
    newIdempotencyKey: () => `k${n}`,
  });
  await fixedKeys.enrol('vk-1', [thumb, new TextEncoder().encode('index')]);
  await fixedKeys.enrol('vk-1', [thumb, new TextEncoder().encode('index')]);
  await fixedKeys.enrol('vk-1', thumb).catch(() => undefined);
  n = 1;
  await biometrics.match('vk-1', thumb);
  await biometrics.match('vk-1', new TextEncoder().encode('other'));
  await biometrics.match('vk-none', thumb);
  fromClients = server.requests.length;
  const raw = (path: string, method: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method,
      body,
      headers: { authorization: 'Bearer k', 'content-type': 'application/json', ...headers },
    });
  await raw('/v1/enrolments/vk-2', 'PUT', '{"samples":["not base64url!"]}', { 'idempotency-key': 'x' });
  await raw('/v1/enrolments/vk-2', 'PUT', '{"samples":["AAAA"]}');
  await raw('/v1/enrolments/vk-2/match', 'POST', '{"sample":""}');
  await raw('/v1/enrolments/vk-2/match', 'POST', 'not json');
});
afterAll(async () => server.close());

describe('the contracts in docs/', () => {
  it('are OpenAPI 3.1 documents with bearer auth on every operation', () => {
    for (const doc of [registryDoc, biometricDoc]) {
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(doc.security).toEqual([{ apiKey: [] }]);
    }
  });

  it('document every answer the local server gave, and each body follows the documented schema', () => {
    const given = server.answers.filter((a) => !a.scripted);
    const statuses = new Set(given.map((a) => `${a.method} ${a.route} ${a.status}`));
    // The run above reached each of these; a change to the server that skips one shows here.
    expect([...statuses].sort()).toEqual([
      'GET /v1/voters/{voterId} 200',
      'GET /v1/voters/{voterId} 401',
      'GET /v1/voters/{voterId} 404',
      'POST /v1/enrolments/{voterKey}/match 200',
      'POST /v1/enrolments/{voterKey}/match 400',
      'PUT /v1/enrolments/{voterKey} 200',
      'PUT /v1/enrolments/{voterKey} 400',
      'PUT /v1/enrolments/{voterKey} 422',
    ]);
    for (const answer of given) {
      const doc = docOf(answer.route);
      const response = documentedResponse(doc, answer.route, answer.method, answer.status);
      const where = `${answer.method} ${answer.route} ${answer.status}`;
      expect(response, `${where} is not documented`).toBeDefined();
      const media = response.content?.[answer.contentType];
      expect(media, `${where} is not documented as ${answer.contentType}`).toBeDefined();
      const checked = zodOf(doc, media.schema).safeParse(answer.body);
      expect(checked.success, `${where}: ${checked.error?.message}`).toBe(true);
      for (const header of Object.keys(response.headers ?? {})) {
        if (header === 'Idempotent-Replayed') continue; // only on a replay
        expect(answer.headers[header.toLowerCase()], `${where} lacks ${header}`).toBeDefined();
      }
    }
  });

  it('check what the clients sent against the documented request bodies and headers', () => {
    let checked = 0;
    for (const request of server.requests.slice(0, fromClients)) {
      const doc = docOf(request.route);
      const operation = doc.paths[request.route][request.method.toLowerCase()];
      if (operation.requestBody !== undefined) {
        const schema = operation.requestBody.content['application/json'].schema;
        expect(zodOf(doc, schema).safeParse(request.body).success, `${request.method} ${request.route}`).toBe(
          true,
        );
        checked++;
      }
      const required = (operation.parameters ?? [])
        .map((p: Doc) => resolve(doc, p))
        .filter((p: Doc) => p.in === 'header' && p.required);
      for (const header of required) {
        expect(
          request.idempotencyKey,
          `${request.method} ${request.route} lacks ${header.name}`,
        ).toBeDefined();
      }
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it('refuse, through the same check, the bodies the clients refuse', () => {
    const matchResult = zodOf(biometricDoc, { $ref: '#/components/schemas/MatchResult' });
    const voter = zodOf(registryDoc, { $ref: '#/components/schemas/RegisteredVoter' });
    expect(matchResult.safeParse({ result: 'probably' }).success).toBe(false);
    expect(voter.safeParse({ voterId: 'IN-1', name: 'A', photoRef: 'p', constituencyId: 'c' }).success).toBe(
      false,
    );
    expect(
      zodOf(biometricDoc, { $ref: '#/components/schemas/EnrolmentRequest' }).safeParse({ samples: [] })
        .success,
    ).toBe(false);
  });

  it('name the same fields, required the same way, as the schemas the clients parse with', () => {
    const pairs: [Doc, string, z.ZodType][] = [
      [registryDoc, 'RegisteredVoter', registeredVoterSchema],
      [registryDoc, 'Problem', problemSchema],
      [biometricDoc, 'Problem', problemSchema],
      [biometricDoc, 'EnrolmentRequest', enrolmentRequestSchema],
      [biometricDoc, 'Enrolment', enrolmentSchema],
      [biometricDoc, 'MatchRequest', matchRequestSchema],
      [biometricDoc, 'MatchResult', matchResultSchema],
    ];
    for (const [doc, name, schema] of pairs) {
      const documented = doc.components.schemas[name];
      const coded = z.toJSONSchema(schema) as {
        properties: Record<string, { type?: string; enum?: unknown }>;
        required?: string[];
      };
      expect(Object.keys(coded.properties).sort(), name).toEqual(Object.keys(documented.properties).sort());
      expect([...(coded.required ?? [])].sort(), name).toEqual([...documented.required].sort());
      for (const [field, spec] of Object.entries(coded.properties)) {
        const doced = resolve(doc, documented.properties[field]);
        expect(spec.type, `${name}.${field}`).toBe(doced.type);
        if (doced.enum !== undefined) expect(spec.enum, `${name}.${field}`).toEqual(doced.enum);
      }
    }
  });

  it('give each documented example a shape the clients accept', () => {
    const examples: [z.ZodType, Doc][] = [
      [
        registeredVoterSchema,
        registryDoc.paths['/v1/voters/{voterId}'].get.responses['200'].content['application/json'].example,
      ],
      [
        problemSchema,
        registryDoc.paths['/v1/voters/{voterId}'].get.responses['404'].content['application/problem+json']
          .example,
      ],
      [
        enrolmentRequestSchema,
        biometricDoc.paths['/v1/enrolments/{voterKey}'].put.requestBody.content['application/json'].example,
      ],
      [
        enrolmentSchema,
        biometricDoc.paths['/v1/enrolments/{voterKey}'].put.responses['200'].content['application/json']
          .example,
      ],
      [
        matchRequestSchema,
        biometricDoc.paths['/v1/enrolments/{voterKey}/match'].post.requestBody.content['application/json']
          .example,
      ],
      [
        matchResultSchema,
        biometricDoc.paths['/v1/enrolments/{voterKey}/match'].post.responses['200'].content[
          'application/json'
        ].example,
      ],
    ];
    for (const [schema, example] of examples) {
      expect(example).toBeDefined();
      expect(schema.safeParse(example).success, JSON.stringify(example)).toBe(true);
    }
  });

  it("state the clients' timeouts, budgets and attempts", () => {
    const operations = [
      [registryDoc.paths['/v1/voters/{voterId}'].get, VOTER_REGISTRY_TIMINGS],
      [biometricDoc.paths['/v1/enrolments/{voterKey}'].put, BIOMETRICS_TIMINGS.enrol],
      [biometricDoc.paths['/v1/enrolments/{voterKey}/match'].post, BIOMETRICS_TIMINGS.match],
    ] as const;
    for (const [operation, timings] of operations) {
      expect(operation['x-client-timeout-ms']).toBe(timings.timeoutMs);
      expect(operation['x-client-budget-ms']).toBe(timings.budgetMs);
      expect(operation['x-client-attempts']).toBe(RETRY_POLICY.attempts);
    }
  });
});
