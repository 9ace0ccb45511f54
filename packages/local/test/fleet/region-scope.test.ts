import { raiseAlert, recordKeys } from '@ballotstream/core';
import { handler as ackAlert } from '@ballotstream/functions/alerts/ack-alert';
import { handler as getAlerts } from '@ballotstream/functions/alerts/get-alerts';
import { block, unblock } from '@ballotstream/functions/fleet/block-machine';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoElection } from '../../src/demo/seed';
import { lambdaContext } from '../../src/runtime/handlers';
import { type Runtime, startRuntime } from '../../src/runtime/runtime';

let runtime: Runtime;
let northAlert: string;
let southAlert: string;

type Caller = { sub: string; 'custom:role': string; 'custom:region'?: string };
const north: Caller = { sub: 'officer-north', 'custom:role': 'officer', 'custom:region': 'region-1' };
const south: Caller = { sub: 'officer-south', 'custom:role': 'officer', 'custom:region': 'region-2' };
const admin: Caller = { sub: 'root', 'custom:role': 'admin' };

/** The event API Gateway hands a route once its JWT authorizer accepted the caller. */
function request(
  caller: Caller | undefined,
  options: { path?: Record<string, string>; query?: Record<string, string>; body?: unknown },
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'local',
    rawPath: '/',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    isBase64Encoded: false,
    ...(options.path === undefined ? {} : { pathParameters: options.path }),
    ...(options.query === undefined ? {} : { queryStringParameters: options.query }),
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    requestContext: {
      ...(caller === undefined ? {} : { authorizer: { jwt: { claims: caller, scopes: null } } }),
    } as APIGatewayProxyEventV2['requestContext'],
  };
}

type Route = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<{ statusCode: number; body?: string }>;
async function call(route: unknown, event: APIGatewayProxyEventV2) {
  const response = await (route as Route)(event, lambdaContext('test'));
  return { status: response.statusCode, body: JSON.parse(response.body ?? '{}') as Record<string, unknown> };
}

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  runtime = await startRuntime({ runSchedules: false });
  await seedDemoElection(runtime.deps, {
    regions: 2,
    constituenciesPerRegion: 1,
    candidatesPerConstituency: 2,
    boothsPerConstituency: 1,
    voters: 2,
  });
  const deps = {
    records: runtime.deps.records,
    clock: runtime.deps.clock,
    alerting: runtime.deps.config.monitoring.alerting,
  };
  const at = Date.now();
  northAlert = (
    await raiseAlert(deps, {
      kind: 'sos',
      severity: 'critical',
      subject: { regionId: 'region-1', boothId: 'booth-1-1-1' },
      evidence: {},
      at,
    })
  ).alert.alertId;
  southAlert = (
    await raiseAlert(deps, {
      kind: 'machine-silent',
      severity: 'warning',
      subject: { regionId: 'region-2', machineId: 'm-2-1-1' },
      evidence: {},
      at,
    })
  ).alert.alertId;
});

afterAll(async () => {
  await runtime?.stop();
});

describe('an officer acts in their own region only', () => {
  it("sees their region's alerts and not another's", async () => {
    const own = await call(getAlerts, request(north, {}));
    expect(own.status).toBe(200);
    expect((own.body.alerts as { alertId: string }[]).map((a) => a.alertId)).toEqual([northAlert]);
    const other = await call(getAlerts, request(north, { query: { region: 'region-2' } }));
    expect(other.status).toBe(403);
  });

  it('filters by severity, and lets an admin see every region', async () => {
    const all = await call(getAlerts, request(admin, {}));
    expect((all.body.alerts as { alertId: string }[]).map((a) => a.alertId).sort()).toEqual(
      [northAlert, southAlert].sort(),
    );
    const warnings = await call(getAlerts, request(admin, { query: { severity: 'warning' } }));
    expect((warnings.body.alerts as { alertId: string }[]).map((a) => a.alertId)).toEqual([southAlert]);
    expect((await call(getAlerts, request(admin, { query: { severity: 'loud' } }))).status).toBe(400);
  });

  it("cannot acknowledge another region's alert, and can acknowledge their own", async () => {
    expect((await call(ackAlert, request(north, { path: { alertId: southAlert } }))).status).toBe(404);
    const acked = await call(ackAlert, request(south, { path: { alertId: southAlert } }));
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({ changed: true, alert: { acknowledgedBy: 'officer-south' } });
  });

  it("cannot block or unblock another region's machine", async () => {
    const southMachine = 'm-2-1-1';
    const refusedBlock = await call(
      block,
      request(north, { path: { machineId: southMachine }, body: { reason: 'looks odd' } }),
    );
    expect(refusedBlock.status).toBe(404);
    const stored = await runtime.deps.records.get('registry', recordKeys.machine(southMachine));
    expect(stored?.blocked).toBe(false);

    expect(
      (
        await call(
          block,
          request(south, { path: { machineId: southMachine }, body: { reason: 'booth captured' } }),
        )
      ).status,
    ).toBe(200);
    const refusedUnblock = await call(
      unblock,
      request(north, { path: { machineId: southMachine }, body: { reason: 'all clear' } }),
    );
    expect(refusedUnblock.status).toBe(404);
    expect((await runtime.deps.records.get('registry', recordKeys.machine(southMachine)))?.blocked).toBe(
      true,
    );
    expect(
      (
        await call(
          unblock,
          request(admin, { path: { machineId: southMachine }, body: { reason: 'all clear' } }),
        )
      ).status,
    ).toBe(200);
    expect((await runtime.deps.records.get('registry', recordKeys.machine(southMachine)))?.blocked).toBe(
      false,
    );
  });

  it('wants a reason to block, and a caller', async () => {
    expect((await call(block, request(north, { path: { machineId: 'm-1-1-1' }, body: {} }))).status).toBe(
      400,
    );
    expect(
      (await call(block, request(undefined, { path: { machineId: 'm-1-1-1' }, body: { reason: 'why not' } })))
        .status,
    ).toBe(401);
  });

  it('audits every block, unblock and acknowledgement with who did it', async () => {
    await runtime.bus.drain();
    const chain = await runtime.deps.records.query('audit', recordKeys.auditPartition());
    const mine = chain.records.filter((r) =>
      ['machine.blocked', 'machine.unblocked', 'alert.acknowledged'].includes(String(r.action)),
    );
    expect(mine.map((r) => [r.action, r.actor])).toEqual([
      ['alert.acknowledged', 'officer:officer-south'],
      ['machine.blocked', 'officer:officer-south'],
      ['machine.unblocked', 'admin:root'],
    ]);
  });
});
