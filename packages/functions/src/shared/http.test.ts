import { DependencyError } from '@ballotstream/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type App, installApp, uninstallApp } from './deps';
import { httpRoute, json } from './http';

const event = {
  headers: {},
  requestContext: { http: { method: 'GET', path: '/x' } },
} as unknown as APIGatewayProxyEventV2;
const context = {} as Context;

beforeEach(() => installApp({} as App));
afterEach(() => uninstallApp());

describe('httpRoute', () => {
  it('answers 503, naming no internals, when a service the route needs does not answer', async () => {
    const handler = httpRoute({ name: 'probe' }, async () => {
      throw new DependencyError('biometric API', 'PUT /enrolments/{key}: 503 after 3 attempts');
    });
    const response = await handler(event, context);
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '5' });
    expect(JSON.parse(String(response.body))).toEqual({
      error: 'unavailable',
      message: 'biometric API did not answer; try again shortly',
    });
  });

  it('still answers 500 for anything unexpected', async () => {
    const handler = httpRoute({ name: 'probe' }, async () => {
      throw new Error('boom');
    });
    expect((await handler(event, context)).statusCode).toBe(500);
    expect(json(200, {}).statusCode).toBe(200);
  });
});
