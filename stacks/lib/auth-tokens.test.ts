/**
 * Tokens as Cognito issues them, through the API as stacks/ plans it: a Cognito-shaped access
 * token (RS256, `kid`, the user pool's issuer, `client_id`, `token_use`, `scope`, and the claims
 * the real pre token generation trigger adds), checked the way API Gateway's JWT authorizer checks
 * it against the planned issuer, audiences and route scopes, then handed to the real handler in an
 * API Gateway v2 event.
 */
import { randomUUID } from 'node:crypto';
import { SeededVoterRegistry } from '@ballotstream/core/adapters/local';
import { cognitoPreTokenEvent } from '@ballotstream/functions/auth/testing';
import { type Deps, installDeps, uninstallDeps } from '@ballotstream/functions/shared/deps';
import { type HttpTrigger, type Trigger, triggers } from '@ballotstream/functions/triggers';
import { seedDemoElection } from '@ballotstream/local/demo/seed';
import { loadHandler } from '@ballotstream/local/runtime/handlers';
import { buildLocalDeps, closeLocalDeps } from '@ballotstream/local/runtime/local-deps';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
  type KeyLike,
  SignJWT,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appClientPlans, type JwtAuthorizerPlan, jwtAuthorizerPlan } from './auth';
import { type RoutePlan, routePlans } from './routes';

const REGION = 'ap-south-1';
const USER_POOL_ID = 'ap-south-1_B4ll0tSt';
const STAFF_CLIENT = '5staffclient0000000000000a';
const BOOTH_CLIENT = '7boothclient0000000000000b';
const authorizer = jwtAuthorizerPlan({
  region: REGION,
  userPoolId: USER_POOL_ID,
  clientIds: [STAFF_CLIENT, BOOTH_CLIENT],
});
const routes = routePlans(triggers as readonly Trigger[]);
const routeOf = (route: string): RoutePlan => {
  const plan = routes.find((p) => p.route === route);
  if (plan === undefined) throw new Error(`no route ${route}`);
  return plan;
};
const clients = appClientPlans('test', ['http://localhost:5173/monitor/']);

/** The user pool's signing key, as its JWKS publishes it, and a key of someone else. */
interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyLike;
}
let poolKey: SigningKey;
let strangerKey: SigningKey;
let jwks: JSONWebKeySet;

async function signingKey(): Promise<SigningKey & { jwk: Record<string, unknown> }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = randomUUID();
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

async function sign(key: SigningKey, claims: JWTPayload): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(key.privateKey);
}

type AccessOverrides = {
  claimsToAddOrOverride: Record<string, string>;
  scopesToAdd: string[];
  scopesToSuppress: string[];
};

/** Runs the real pre token generation handler on a Cognito event and returns its access-token answer. */
async function preTokenAnswer(event: Record<string, unknown>): Promise<AccessOverrides> {
  const { handler } = await import('@ballotstream/functions/auth/pre-token');
  const answer = (await handler(event, {} as Context)) as {
    response: { claimsAndScopeOverrideDetails: { accessTokenGeneration: AccessOverrides } };
  };
  return answer.response.claimsAndScopeOverrideDetails.accessTokenGeneration;
}

function scopesAfter(requested: readonly string[], overrides: AccessOverrides): string {
  const kept = requested.filter((s) => !overrides.scopesToSuppress.includes(s));
  return [...new Set([...kept, ...overrides.scopesToAdd])].join(' ');
}

const now = () => Math.floor(Date.now() / 1000);

/**
 * A person signs in on the managed login through the staff client, asking for every scope the
 * client allows: Cognito runs the trigger, then issues the access token with its answer applied.
 */
async function staffAccessToken(user: { name: string; groups: string[]; key?: SigningKey }): Promise<string> {
  const sub = randomUUID();
  const requested = clients.staff.allowedOauthScopes;
  const overrides = await preTokenAnswer(
    cognitoPreTokenEvent({
      clientId: STAFF_CLIENT,
      userPoolId: USER_POOL_ID,
      userName: user.name,
      sub,
      groups: user.groups,
      scopes: requested,
    }),
  );
  const issuedAt = now();
  return sign(user.key ?? poolKey, {
    sub,
    'cognito:groups': user.groups,
    iss: authorizer.issuer,
    version: 2,
    client_id: STAFF_CLIENT,
    origin_jti: randomUUID(),
    event_id: randomUUID(),
    token_use: 'access',
    scope: scopesAfter(requested, overrides),
    auth_time: issuedAt,
    exp: issuedAt + 3600,
    iat: issuedAt,
    jti: randomUUID(),
    username: user.name,
    ...overrides.claimsToAddOrOverride,
  });
}

/** The same person's ID token: the client as audience, their groups, no scope. */
async function staffIdToken(user: { name: string; groups: string[] }): Promise<string> {
  const issuedAt = now();
  return sign(poolKey, {
    sub: randomUUID(),
    'cognito:groups': user.groups,
    email_verified: true,
    iss: authorizer.issuer,
    'cognito:username': user.name,
    aud: STAFF_CLIENT,
    event_id: randomUUID(),
    token_use: 'id',
    auth_time: issuedAt,
    exp: issuedAt + 3600,
    iat: issuedAt,
    jti: randomUUID(),
    email: `${user.name}@example.gov`,
  });
}

/** A booth's client-credentials grant: the machine's token, through the same trigger (version 3). */
async function boothAccessToken(): Promise<string> {
  const requested = clients.booth.allowedOauthScopes;
  const overrides = await preTokenAnswer(
    cognitoPreTokenEvent({
      triggerSource: 'TokenGeneration_ClientCredentials',
      clientId: BOOTH_CLIENT,
      userPoolId: USER_POOL_ID,
      scopes: requested,
    }),
  );
  const issuedAt = now();
  return sign(poolKey, {
    sub: BOOTH_CLIENT,
    token_use: 'access',
    scope: scopesAfter(requested, overrides),
    auth_time: issuedAt,
    iss: authorizer.issuer,
    exp: issuedAt + 3600,
    iat: issuedAt,
    version: 2,
    jti: randomUUID(),
    client_id: BOOTH_CLIENT,
    ...overrides.claimsToAddOrOverride,
  });
}

type Authorized =
  | { ok: true; claims: Record<string, string>; scopes: string[] }
  | { ok: false; reason: string };

/**
 * API Gateway's JWT authorizer: an RSA signature by a `kid` of the issuer's JWKS; `iss` the
 * configured issuer; `aud`, or `client_id` when there is no `aud`, one of the audiences; `exp`,
 * `nbf` and `iat` in order; and, when the route has scopes, one of them in `scope` (or `scp`).
 * On success the claims go on as strings, as API Gateway passes them to a Lambda.
 */
async function authorize(plan: JwtAuthorizerPlan, route: RoutePlan, token: string): Promise<Authorized> {
  let payload: JWTPayload;
  try {
    const verified = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: plan.issuer,
      algorithms: ['RS256', 'RS384', 'RS512'],
    });
    if (verified.protectedHeader.kid === undefined) return { ok: false, reason: 'no kid' };
    payload = verified.payload;
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  const audiences = payload.aud === undefined ? [payload.client_id] : [payload.aud].flat();
  if (!audiences.some((a) => typeof a === 'string' && plan.audiences.includes(a)))
    return { ok: false, reason: 'audience' };
  if (typeof payload.iat === 'number' && payload.iat > now() + 5) return { ok: false, reason: 'iat' };
  const granted =
    typeof payload.scope === 'string'
      ? payload.scope.split(' ')
      : Array.isArray(payload.scp)
        ? (payload.scp as string[])
        : [];
  if (route.scopes !== undefined && !route.scopes.some((s) => granted.includes(s)))
    return { ok: false, reason: 'scope' };
  const claims = Object.fromEntries(
    Object.entries(payload).map(([k, v]) => [k, Array.isArray(v) ? `[${v.join(' ')}]` : String(v)]),
  );
  return { ok: true, claims, scopes: granted };
}

/** The API Gateway v2 event a route's Lambda receives after the authorizer let the request in. */
function apiEvent(
  route: RoutePlan,
  input: {
    path: string;
    params?: Record<string, string>;
    query?: Record<string, string>;
    body?: unknown;
    authorized: Authorized & { ok: true };
  },
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: route.route,
    rawPath: input.path,
    rawQueryString: new URLSearchParams(input.query ?? {}).toString(),
    headers: { 'content-type': 'application/json' },
    ...(input.query === undefined ? {} : { queryStringParameters: input.query }),
    ...(input.params === undefined ? {} : { pathParameters: input.params }),
    ...(input.body === undefined ? {} : { body: JSON.stringify(input.body) }),
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: {
        method: route.trigger.method,
        path: input.path,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.9',
        userAgent: 'test',
      },
      requestId: randomUUID(),
      routeKey: route.route,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      authorizer: { jwt: { claims: input.authorized.claims, scopes: input.authorized.scopes } },
    },
  } as unknown as APIGatewayProxyEventV2;
}

/** Calls a route's real handler, found through the trigger table, with the authorized request. */
async function callRoute(
  route: RoutePlan,
  token: string,
  request: { path: string; params?: Record<string, string>; query?: Record<string, string>; body?: unknown },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const authorized = await authorize(authorizer, route, token);
  if (!authorized.ok) throw new Error(`the authorizer refused the token: ${authorized.reason}`);
  const trigger: HttpTrigger = route.trigger;
  const entry = await loadHandler(trigger.handler);
  const result = (await entry(apiEvent(route, { ...request, authorized }), {
    functionName: trigger.name,
  } as Context)) as APIGatewayProxyStructuredResultV2;
  return {
    status: result.statusCode ?? 0,
    body: JSON.parse(String(result.body ?? '{}')) as Record<string, unknown>,
  };
}

let deps: Deps;
const finger = (text: string) => Buffer.from(`finger:${text}`).toString('base64url');

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  const pool = await signingKey();
  const stranger = await signingKey();
  poolKey = pool;
  strangerKey = stranger;
  jwks = { keys: [pool.jwk] };
  deps = await buildLocalDeps({ publisher: { publish: async () => undefined } });
  installDeps(deps);
  await seedDemoElection(deps, {
    regions: 2,
    constituenciesPerRegion: 1,
    candidatesPerConstituency: 2,
    boothsPerConstituency: 1,
    voters: 0,
  });
  await new SeededVoterRegistry(deps.records).register([
    {
      voterId: 'IN-200',
      name: 'Asha Rao',
      photoRef: 'photos/IN-200.jpg',
      constituencyId: 'c-1-1',
      eligible: true,
    },
  ]);
});

afterAll(async () => {
  uninstallDeps();
  if (deps !== undefined) await closeLocalDeps(deps);
});

describe('a Cognito access token through the planned authorizer to the handler', () => {
  it('lets an officer of a region read that region, and the handler refuses them another', async () => {
    const token = await staffAccessToken({ name: 'olu', groups: ['officer', 'region-region-1'] });
    const machines = routeOf('GET /machines');
    const own = await callRoute(machines, token, { path: '/machines' });
    expect(own.status).toBe(200);
    expect(own.body.regionId).toBe('region-1');
    expect((own.body.machines as { regionId: string }[]).map((m) => m.regionId)).toEqual(['region-1']);
    const other = await callRoute(machines, token, { path: '/machines', query: { regionId: 'region-2' } });
    expect(other.status).toBe(403);
  });

  it('lets an admin read the whole country', async () => {
    const token = await staffAccessToken({ name: 'ada', groups: ['admin'] });
    const all = await callRoute(routeOf('GET /machines'), token, { path: '/machines' });
    expect(all.status).toBe(200);
    expect(all.body.regionId).toBeNull();
    expect((all.body.machines as unknown[]).length).toBe(2);
    const audit = await callRoute(routeOf('GET /audit/verify'), token, { path: '/audit/verify' });
    expect(audit.status).toBe(200);
  });

  it("lets a clerk issue a ticket, and a booth's client-credentials token verify its voter", async () => {
    const clerk = await staffAccessToken({ name: 'cleo', groups: ['clerk'] });
    const issued = await callRoute(routeOf('POST /tickets'), clerk, {
      path: '/tickets',
      body: { voterId: 'IN-200', fingerprints: [finger('l')] },
    });
    expect(issued.status).toBe(201);
    const booth = await boothAccessToken();
    const verified = await callRoute(routeOf('POST /verifications'), booth, {
      path: '/verifications',
      body: {
        ticket: issued.body.ticket,
        fingerprint: finger('l'),
        boothId: 'booth-1-1-1',
        machineId: 'm-1-1-1',
      },
    });
    expect(verified.status).toBe(201);
    expect(verified.body).toMatchObject({ ballotToken: expect.any(String) });
  });

  it("carries the booth's role and the booth scope alone, with the client as subject", async () => {
    const booth = await authorize(authorizer, routeOf('POST /verifications'), await boothAccessToken());
    expect(booth).toMatchObject({
      ok: true,
      claims: { sub: BOOTH_CLIENT, client_id: BOOTH_CLIENT, 'custom:role': 'booth', token_use: 'access' },
      scopes: ['ballotstream/booth'],
    });
  });
});

describe('the planned authorizer refuses', () => {
  it('a token without the scope of one of the route roles', async () => {
    const clerk = await staffAccessToken({ name: 'cleo', groups: ['clerk'] });
    // The staff client may ask for the admin scope; the trigger left the clerk their own alone.
    expect(await authorize(authorizer, routeOf('GET /audit'), clerk)).toEqual({ ok: false, reason: 'scope' });
    expect(await authorize(authorizer, routeOf('POST /verifications'), clerk)).toEqual({
      ok: false,
      reason: 'scope',
    });
    const booth = await boothAccessToken();
    expect(await authorize(authorizer, routeOf('POST /tickets'), booth)).toEqual({
      ok: false,
      reason: 'scope',
    });
    const officer = await staffAccessToken({ name: 'olu', groups: ['officer', 'region-region-1'] });
    expect(await authorize(authorizer, routeOf('POST /tickets'), officer)).toEqual({
      ok: false,
      reason: 'scope',
    });
  });

  it('an ID token, which carries the groups but no scope', async () => {
    const id = await staffIdToken({ name: 'ada', groups: ['admin'] });
    for (const route of ['GET /audit', 'GET /machines', 'POST /tickets'])
      expect(await authorize(authorizer, routeOf(route), id)).toEqual({ ok: false, reason: 'scope' });
  });

  it('a token another key signed, or another pool issued, or for another client', async () => {
    const route = routeOf('GET /machines');
    const forged = await staffAccessToken({ name: 'eve', groups: ['admin'], key: strangerKey });
    expect(await authorize(authorizer, route, forged)).toMatchObject({ ok: false });
    const otherPool = jwtAuthorizerPlan({
      region: REGION,
      userPoolId: 'ap-south-1_Other',
      clientIds: [STAFF_CLIENT],
    });
    const admin = await staffAccessToken({ name: 'ada', groups: ['admin'] });
    expect(await authorize(otherPool, route, admin)).toMatchObject({ ok: false });
    const otherClient = jwtAuthorizerPlan({
      region: REGION,
      userPoolId: USER_POOL_ID,
      clientIds: ['someone'],
    });
    expect(await authorize(otherClient, route, admin)).toEqual({ ok: false, reason: 'audience' });
  });
});
