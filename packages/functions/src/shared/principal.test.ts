import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceFiles } from '@ballotstream/core/testing';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { principalOf } from './principal';

/** A request whose JWT claims API Gateway passed on, every value a string as it passes them. */
const withClaims = (claims: Record<string, string>) =>
  ({
    requestContext: { authorizer: { jwt: { claims, scopes: null } } },
  }) as unknown as APIGatewayProxyEventV2;

describe('the principal of a request', () => {
  it("reads an officer's subject, role and region from a Cognito access token's claims", () => {
    const event = withClaims({
      sub: '0f2a7d1e',
      token_use: 'access',
      scope: 'ballotstream/officer',
      client_id: 'staff',
      'custom:role': 'officer',
      'custom:region': 'north',
    });
    expect(principalOf(event)).toEqual({ subject: '0f2a7d1e', role: 'officer', regionId: 'north' });
  });

  it('reads a token without token_use, as the local issuer signs them', () => {
    expect(principalOf(withClaims({ sub: 'a-1', 'custom:role': 'admin' }))).toEqual({
      subject: 'a-1',
      role: 'admin',
    });
  });

  it('finds no principal in the claims of an ID token, whatever role it names', () => {
    expect(principalOf(withClaims({ sub: 'a-1', token_use: 'id', 'custom:role': 'admin' }))).toBeUndefined();
  });

  it('finds no principal without a role claim, or with a role the API does not know', () => {
    expect(principalOf(withClaims({ sub: 'a-1', token_use: 'access' }))).toBeUndefined();
    expect(principalOf(withClaims({ sub: 'a-1', 'custom:role': 'root' }))).toBeUndefined();
  });
});

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * The declarations of a caller (a `role` field), each with why: core's `Actor`, and the monitoring
 * centre's session, read from its own token by an app that depends on `events` alone.
 */
const CALLER_TYPES = ['packages/core/src/domain/fleet/audit.ts', 'packages/web/app/monitor/session.ts'];

describe('the caller', () => {
  it("is one type, core's Actor (or a narrowing of it), everywhere but the web app's session", () => {
    const files = [
      ...sourceFiles(join(root, 'packages'), { tests: false }),
      ...sourceFiles(join(root, 'stacks'), { tests: false }),
    ];
    expect(files.length).toBeGreaterThan(100);
    const declaring = files
      .filter((file) =>
        /^\s+readonly role\??:/m.test(readFileSync(file, 'utf8').replace(/Actor & \{[^}]*\}/g, '')),
      )
      .map((file) => relative(root, file))
      .filter((file) => !CALLER_TYPES.includes(file));
    expect(declaring).toEqual([]);
  });
});
