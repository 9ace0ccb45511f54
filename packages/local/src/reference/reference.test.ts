import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Parser } from '@asyncapi/parser';
import {
  alertsResponseSchema,
  auditListResponseSchema,
  auditVerifyResponseSchema,
  healthResponseSchema,
  invalidInputErrorSchema,
  refusalErrorSchema,
  registryPageResponseSchema,
  ticketKeysResponseSchema,
  topics,
  verificationOwnerResponseSchema,
} from '@ballotstream/events';
import { triggers } from '@ballotstream/functions/triggers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, startRuntime } from '../runtime/runtime';
import { asyncApiDocument, channelAddress, channels } from './asyncapi';
import { openApiDocument } from './openapi';

let runtime: Runtime;

interface Operation {
  readonly responses?: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
}

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  runtime = await startRuntime({ runSchedules: false, mqttTls: false });
});

afterAll(async () => {
  await runtime.stop();
});

describe('the OpenAPI document', () => {
  it('validates as OpenAPI 3.1', async () => {
    // The validator dereferences in place; it gets a copy so the check below reads the original.
    await expect(SwaggerParser.validate(structuredClone(openApiDocument()) as never)).resolves.toBeDefined();
  });

  it('describes every route of the trigger table with its method', () => {
    const paths = openApiDocument().paths as Record<string, Record<string, unknown>>;
    const missing = triggers
      .filter((t) => t.kind === 'http')
      .filter((t) => paths[t.path]?.[t.method.toLowerCase()] === undefined)
      .map((t) => `${t.method} ${t.path}`);
    expect(missing).toEqual([]);
  });

  it('describes the success answer of every route: its status and a body schema that says something', () => {
    const paths = openApiDocument().paths as Record<string, Record<string, Operation>>;
    const undescribed = triggers
      .filter((t) => t.kind === 'http')
      .filter((t) => {
        const responses = paths[t.path]?.[t.method.toLowerCase()]?.responses ?? {};
        const success = Object.entries(responses).filter(([status]) => /^2\d\d$/.test(status));
        return (
          success.length === 0 ||
          success.some(([, r]) => {
            const schema = r.content?.['application/json']?.schema;
            return schema === undefined || Object.keys(schema).length === 0;
          })
        );
      })
      .map((t) => `${t.method} ${t.path}`);
    expect(undescribed).toEqual([]);
  });

  it('describes both error shapes from their zod schemas', () => {
    const schemas = (openApiDocument().components as { schemas: Record<string, { required?: string[] }> })
      .schemas;
    expect(schemas.InvalidInput?.required).toEqual(['error', 'where', 'problems']);
    expect(schemas.Refusal?.required).toEqual(['error', 'message']);
  });

  it('documents answers the runtime actually gives, parsed with the schemas the document comes from', async () => {
    const token = runtime.tokens.mint({ role: 'admin', subject: 'reference-test' });
    const answers: [string, { parse(v: unknown): unknown }][] = [
      ['/health', healthResponseSchema],
      ['/ticket-keys', ticketKeysResponseSchema],
      ['/verification/owner', verificationOwnerResponseSchema],
      ['/audit', auditListResponseSchema],
      ['/audit/verify', auditVerifyResponseSchema],
      ['/alerts', alertsResponseSchema],
      ['/admin/regions', registryPageResponseSchema],
    ];
    for (const [path, schema] of answers) {
      const response = await fetch(`${runtime.httpUrl}${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status, path).toBe(200);
      const body: unknown = await response.json();
      expect(() => schema.parse(body), path).not.toThrow();
    }
    const bad = await fetch(`${runtime.httpUrl}/alerts?limit=0`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(invalidInputErrorSchema.safeParse(await bad.json()).success).toBe(true);
    const refused = await fetch(`${runtime.httpUrl}/alerts`);
    expect(refusalErrorSchema.safeParse(await refused.json()).success).toBe(true);
  });

  it('describes the body a booth sends to verify a voter, from its zod schema', () => {
    const paths = openApiDocument().paths as Record<string, Record<string, { requestBody?: unknown }>>;
    expect(JSON.stringify(paths['/verifications']?.post?.requestBody)).toContain('ticket');
  });
});

describe('the AsyncAPI document', () => {
  it('validates as AsyncAPI 3.0 with no error', async () => {
    const diagnostics = await new Parser().validate(JSON.stringify(asyncApiDocument()));
    // Severity 0 is an error; warnings and hints do not make the document invalid.
    expect(
      diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('.')}: ${d.message}`),
    ).toEqual([]);
  });

  it('describes every topic a rule listens on', () => {
    const described = new Set(channels.map((c) => c.topic.suffix));
    const missing = triggers
      .filter((t) => t.kind === 'topic-rule')
      .map((t) => t.topic.suffix)
      .filter((suffix) => !described.has(suffix));
    expect(missing).toEqual([]);
  });

  it('describes every machine topic the stage has', () => {
    const addresses = new Set(channels.map((c) => channelAddress(c.topic)));
    const missing = Object.entries(topics)
      .filter(([name]) => name !== 'root' && name !== 'machineRoot')
      .map(([, topic]) => topic('{stage}', '{machineId}').replace('/health/{machineId}', '/health/{level1}'))
      .filter((address) => !addresses.has(address));
    expect(missing).toEqual([]);
  });
});

describe('the documents in docs/', () => {
  it('are the ones the code generates (npm run ballotstream -- reference writes them)', () => {
    const docs = resolve(import.meta.dirname, '../../../../docs');
    expect(JSON.parse(readFileSync(`${docs}/openapi.json`, 'utf8'))).toEqual(openApiDocument());
    expect(JSON.parse(readFileSync(`${docs}/asyncapi.json`, 'utf8'))).toEqual(asyncApiDocument());
  });
});

describe('the runtime', () => {
  it('serves both documents and says when it is ready', async () => {
    const openapi = (await (await fetch(`${runtime.httpUrl}/openapi.json`)).json()) as { openapi: string };
    expect(openapi.openapi).toBe('3.1.0');
    const asyncapi = (await (await fetch(`${runtime.httpUrl}/asyncapi.json`)).json()) as { asyncapi: string };
    expect(asyncapi.asyncapi).toBe('3.0.0');
    const ready = await fetch(`${runtime.httpUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true });
  });
});
