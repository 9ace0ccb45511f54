import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Parser } from '@asyncapi/parser';
import { topics } from '@ballotstream/events';
import { triggers } from '@ballotstream/functions/triggers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, startRuntime } from '../runtime/runtime';
import { asyncApiDocument, channelAddress, channels } from './asyncapi';
import { openApiDocument } from './openapi';

let runtime: Runtime;

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
