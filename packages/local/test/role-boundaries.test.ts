import type { Role } from '@ballotstream/events';
import { type Trigger, triggers } from '@ballotstream/functions/triggers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTokenIssuer } from '../src/auth/jwt';
import { type Runtime, startRuntime } from '../src/runtime/runtime';

const tokenRoles: readonly Exclude<Role, 'public'>[] = ['citizen', 'booth', 'clerk', 'officer', 'admin'];
const routes = (triggers as readonly Trigger[]).flatMap((t) => (t.kind === 'http' ? [t] : []));

let runtime: Runtime;
beforeAll(async () => {
  runtime = await startRuntime({ runSchedules: false });
});
afterAll(async () => {
  await runtime?.stop();
});

/** A concrete URL for a route path: every `{param}` filled with a harmless id. */
function urlOf(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\+?\}/g, (_, name: string) =>
    name === 'entities' ? 'booths' : 'x-1',
  );
}

async function call(method: string, path: string, token?: string): Promise<number> {
  return (await exchange(method, path, token)).status;
}

async function exchange(
  method: string,
  path: string,
  token?: string,
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${runtime.httpUrl}${urlOf(path)}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(method === 'GET' ? {} : { body: '{}' }),
  });
  return { status: response.status, text: await response.text() };
}

describe('every route of the trigger table', () => {
  const guarded = routes.filter((r) => !(r.roles as readonly Role[]).includes('public'));

  it.each(guarded.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s refuses a call without a token',
    async (_, route) => {
      expect(await call(route.method, route.path)).toBe(401);
    },
  );

  it.each(guarded.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s refuses a token signed by another key',
    async (_, route) => {
      const stranger = LocalTokenIssuer.ephemeral().mint({ role: route.roles[0] as Role, regionId: 'north' });
      expect(await call(route.method, route.path, stranger)).toBe(401);
    },
  );

  const refusals = guarded.flatMap((route) =>
    tokenRoles
      .filter((role) => !(route.roles as readonly Role[]).includes(role))
      .map((role) => [`${route.method} ${route.path}`, role, route] as const),
  );
  it.each(refusals)('%s refuses role %s', async (_, role, route) => {
    const token = runtime.tokens.mint({ role, regionId: 'north' });
    expect(await call(route.method, route.path, token)).toBe(403);
  });

  const admitted = guarded.flatMap((route) =>
    (route.roles as readonly Role[]).map((role) => [`${route.method} ${route.path}`, role, route] as const),
  );
  it.each(admitted)('%s lets role %s through to its handler', async (_, role, route) => {
    const token = runtime.tokens.mint({ role: role as Exclude<Role, 'public'>, regionId: 'north' });
    const { status, text } = await exchange(route.method, route.path, token);
    // The handler may still refuse (no such booth, another region); the authorizer must not.
    expect(status).not.toBe(401);
    expect(text).not.toMatch(/"may not call/);
  });

  it('refuses an expired token', async () => {
    const token = runtime.tokens.mint({ role: 'admin', now: Date.now() - 48 * 3600_000, ttlSeconds: 60 });
    expect(await call('GET', '/admin/booths', token)).toBe(401);
  });

  it('refuses a token whose role claim was edited', async () => {
    const [head, body, signature] = runtime.tokens.mint({ role: 'citizen' }).split('.') as [
      string,
      string,
      string,
    ];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, 'custom:role': 'admin' })).toString('base64url');
    expect(await call('GET', '/admin/booths', `${head}.${forged}.${signature}`)).toBe(401);
  });

  it('refuses an officer token that names no region', async () => {
    expect(await call('GET', '/admin/booths', runtime.tokens.mint({ role: 'officer' }))).toBe(401);
  });
});
