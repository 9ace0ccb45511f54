import {
  ackResponseSchema,
  alertsQuerySchema,
  alertsResponseSchema,
  auditListQuerySchema,
  auditListResponseSchema,
  auditVerifyResponseSchema,
  blockRequestSchema,
  blockResponseSchema,
  boothSearchQuerySchema,
  boothsResponseSchema,
  brokerHealthQuerySchema,
  brokerHealthResponseSchema,
  bulletinSchema,
  candidatesQuerySchema,
  candidatesResponseSchema,
  certificationReportSchema,
  closeExceptionRequestSchema,
  closeExceptionResponseSchema,
  closeQuerySchema,
  closeRollupSchema,
  constituenciesQuerySchema,
  constituenciesResponseSchema,
  handOverRequestSchema,
  healthResponseSchema,
  invalidInputErrorSchema,
  issuedTicketResponseSchema,
  issueTicketRequestSchema,
  machineDetailResponseSchema,
  machinesQuerySchema,
  machinesResponseSchema,
  receiptAnswerSchema,
  refusalErrorSchema,
  registryBodySchema,
  registryEntityResponseSchema,
  registryListQuerySchema,
  registryPageResponseSchema,
  reissueTicketRequestSchema,
  revokedTicketResponseSchema,
  revokeTicketRequestSchema,
  talliesQuerySchema,
  tallyReportSchema,
  ticketKeysResponseSchema,
  ticketStatusResponseSchema,
  turnoutQuerySchema,
  turnoutResponseSchema,
  verificationOwnerResponseSchema,
  verificationOwnershipSchema,
  verificationRequestSchema,
  verificationResponseSchema,
  windowsResponseSchema,
} from '@ballotstream/events';
import { type HttpTrigger, triggers } from '@ballotstream/functions/triggers';
import { z } from 'zod';

/**
 * What each route parses (body, query) and answers on success (`response`, with `status` when
 * not 200), by the route's name in the trigger table; every schema comes from packages/events.
 */
const routeSchemas: Readonly<Record<string, RouteSchemas>> = {
  health: { response: healthResponseSchema },
  brokerHealth: { query: brokerHealthQuerySchema, response: brokerHealthResponseSchema },
  verifyVoter: { body: verificationRequestSchema, response: verificationResponseSchema, status: 201 },
  handOverVerification: { body: handOverRequestSchema, response: verificationOwnershipSchema },
  verificationOwner: { response: verificationOwnerResponseSchema },
  issueTicket: { body: issueTicketRequestSchema, response: issuedTicketResponseSchema, status: 201 },
  reissueTicket: { body: reissueTicketRequestSchema, response: issuedTicketResponseSchema, status: 201 },
  revokeTicket: { body: revokeTicketRequestSchema, response: revokedTicketResponseSchema },
  ticketStatus: { response: ticketStatusResponseSchema },
  ticketKeys: { response: ticketKeysResponseSchema },
  getTallies: { query: talliesQuerySchema, response: tallyReportSchema },
  getRunningTallies: { query: talliesQuerySchema, response: tallyReportSchema },
  getCloseRollup: { query: closeQuerySchema, response: closeRollupSchema },
  recordCloseException: { body: closeExceptionRequestSchema, response: closeExceptionResponseSchema },
  getCertification: { query: closeQuerySchema, response: certificationReportSchema },
  getCertifiedResults: { query: closeQuerySchema, response: certificationReportSchema },
  getBulletin: { response: bulletinSchema },
  checkReceipt: { response: receiptAnswerSchema },
  getTallyWindows: { response: windowsResponseSchema },
  getTurnout: { query: turnoutQuerySchema, response: turnoutResponseSchema },
  listBooths: { query: boothSearchQuerySchema, response: boothsResponseSchema },
  listConstituencies: { query: constituenciesQuerySchema, response: constituenciesResponseSchema },
  listCandidates: { query: candidatesQuerySchema, response: candidatesResponseSchema },
  listMachines: { query: machinesQuerySchema, response: machinesResponseSchema },
  getMachine: { response: machineDetailResponseSchema },
  listRegistry: { query: registryListQuerySchema, response: registryPageResponseSchema },
  getRegistry: { response: registryEntityResponseSchema },
  createRegistry: { body: registryBodySchema, response: registryEntityResponseSchema, status: 201 },
  updateRegistry: { body: registryBodySchema, response: registryEntityResponseSchema },
  listAudit: { query: auditListQuerySchema, response: auditListResponseSchema },
  verifyAudit: { response: auditVerifyResponseSchema },
  blockMachine: { body: blockRequestSchema, response: blockResponseSchema },
  unblockMachine: { body: blockRequestSchema, response: blockResponseSchema },
  getAlerts: { query: alertsQuerySchema, response: alertsResponseSchema },
  ackAlert: { response: ackResponseSchema },
};

interface RouteSchemas {
  readonly body?: z.ZodType;
  readonly query?: z.ZodType;
  readonly response?: z.ZodType;
  /** The success status when not 200 (201 for what a route creates). */
  readonly status?: 201;
}

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

// The two error shapes every route may answer with (`functions/src/shared/http.ts` and the refusals).
const errorSchemas = {
  InvalidInput: jsonSchemaOf(invalidInputErrorSchema, 'output'),
  Refusal: jsonSchemaOf(refusalErrorSchema, 'output'),
};

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
      [String(schemas.status ?? 200)]: {
        description: schemas.status === 201 ? 'Created; the answer, as JSON.' : 'The answer, as JSON.',
        content: {
          'application/json': {
            schema: schemas.response === undefined ? {} : jsonSchemaOf(schemas.response, 'output'),
          },
        },
      },
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
