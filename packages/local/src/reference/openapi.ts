import {
  alertsQuerySchema,
  auditListQuerySchema,
  blockRequestSchema,
  boothSearchQuerySchema,
  brokerHealthQuerySchema,
  candidatesQuerySchema,
  closeExceptionRequestSchema,
  closeQuerySchema,
  constituenciesQuerySchema,
  handOverRequestSchema,
  issueTicketRequestSchema,
  machinesQuerySchema,
  registryBodySchema,
  registryListQuerySchema,
  reissueTicketRequestSchema,
  revokeTicketRequestSchema,
  talliesQuerySchema,
  turnoutQuerySchema,
  verificationRequestSchema,
} from '@ballotstream/events';
import { type HttpTrigger, triggers } from '@ballotstream/functions/triggers';
import { z } from 'zod';

/** The bodies and queries each route parses, by the route's name in the trigger table. */
const routeSchemas: Readonly<Record<string, { body?: z.ZodType; query?: z.ZodType }>> = {
  verifyVoter: { body: verificationRequestSchema },
  issueTicket: { body: issueTicketRequestSchema },
  reissueTicket: { body: reissueTicketRequestSchema },
  revokeTicket: { body: revokeTicketRequestSchema },
  getCloseRollup: { query: closeQuerySchema },
  recordCloseException: { body: closeExceptionRequestSchema },
  getCertification: { query: closeQuerySchema },
  getCertifiedResults: { query: closeQuerySchema },
  getTallies: { query: talliesQuerySchema },
  getRunningTallies: { query: talliesQuerySchema },
  getTurnout: { query: turnoutQuerySchema },
  listBooths: { query: boothSearchQuerySchema },
  listConstituencies: { query: constituenciesQuerySchema },
  listCandidates: { query: candidatesQuerySchema },
  listMachines: { query: machinesQuerySchema },
  handOverVerification: { body: handOverRequestSchema },
  listRegistry: { query: registryListQuerySchema },
  createRegistry: { body: registryBodySchema },
  updateRegistry: { body: registryBodySchema },
  listAudit: { query: auditListQuerySchema },
  blockMachine: { body: blockRequestSchema },
  unblockMachine: { body: blockRequestSchema },
  getAlerts: { query: alertsQuerySchema },
  brokerHealth: { query: brokerHealthQuerySchema },
};

/** The routes the runtime serves itself, beside the trigger table's: the reference and readiness. */
export const runtimeRoutes = [
  { method: 'GET', path: '/openapi.json', summary: 'This document (OpenAPI 3.1).' },
  { method: 'GET', path: '/asyncapi.json', summary: 'The MQTT topics and messages (AsyncAPI 3.0).' },
  {
    method: 'GET',
    path: '/ready',
    summary:
      'Readiness: 200 {"ready":true} once the API takes requests and its voter cache answers, else 503.',
  },
] as const;

/** JSON Schema 2020-12 of a zod schema, as OpenAPI 3.1 takes it. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return rest;
}

const errorSchemas = {
  InvalidInput: {
    type: 'object',
    description: 'A request whose body, query or path does not parse: every bad field is named.',
    required: ['error', 'where', 'problems'],
    properties: {
      error: { const: 'invalid-input' },
      where: { type: 'string', description: 'body, query or path' },
      problems: { type: 'array', items: { type: 'string' }, description: '`field: what is wrong`' },
    },
  },
  Refusal: {
    type: 'object',
    description:
      'Anything else refused: a domain reason (already-voted, forged, not-found, …), `unavailable` (503, with Retry-After) or `internal` (500).',
    required: ['error', 'message'],
    properties: { error: { type: 'string' }, message: { type: 'string' } },
  },
} as const;

const errorResponse = (description: string, schema: 'InvalidInput' | 'Refusal') => ({
  description,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
});

function queryParameters(schema: z.ZodType | undefined): unknown[] {
  if (schema === undefined) return [];
  const json = jsonSchemaOf(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: property,
  }));
}

function operation(route: HttpTrigger): Record<string, unknown> {
  const schemas = routeSchemas[route.name] ?? {};
  const pathParameters = [...route.path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const isPublic = route.roles.includes('public');
  return {
    operationId: route.name,
    summary: route.description,
    description: `Roles: ${route.roles.join(', ')}.`,
    tags: [route.path.split('/')[1] ?? 'api'],
    parameters: [...pathParameters, ...queryParameters(schemas.query)],
    ...(schemas.body === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchemaOf(schemas.body) } },
          },
        }),
    security: isPublic ? [] : [{ bearer: [] }],
    responses: {
      '200': { description: 'The answer, as JSON.', content: { 'application/json': { schema: {} } } },
      '400': errorResponse('The request does not parse.', 'InvalidInput'),
      ...(isPublic
        ? {}
        : {
            '401': errorResponse('No valid bearer token.', 'Refusal'),
            '403': errorResponse('The role or region may not do this.', 'Refusal'),
          }),
      '4XX': errorResponse('Refused for a reason the domain names.', 'Refusal'),
      '503': errorResponse('A dependency did not answer; retry after the Retry-After header.', 'Refusal'),
      '500': errorResponse('The request could not be completed.', 'Refusal'),
    },
  };
}

/** The HTTP API as an OpenAPI 3.1 document: every route of the trigger table and the runtime's own. */
export function openApiDocument(serverUrl?: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const t of triggers) {
    if (t.kind !== 'http') continue;
    paths[t.path] = { ...paths[t.path], [t.method.toLowerCase()]: operation(t) };
  }
  for (const r of runtimeRoutes) {
    paths[r.path] = {
      [r.method.toLowerCase()]: {
        operationId: r.path === '/ready' ? 'ready' : r.path.slice(1).replace('.json', 'Document'),
        summary: r.summary,
        tags: ['reference'],
        security: [],
        responses: { '200': { description: r.summary, content: { 'application/json': { schema: {} } } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ballotstream HTTP API',
      version: '1.0.0',
      description:
        'Generated from the trigger table and the zod schemas of packages/events. See docs/integrators.md.',
    },
    ...(serverUrl === undefined ? {} : { servers: [{ url: serverUrl }] }),
    paths,
    components: {
      schemas: errorSchemas,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Locally minted by `ballotstream token`; Cognito access tokens in AWS.',
        },
      },
    },
  };
}
