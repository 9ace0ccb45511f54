import { plannedLinks } from '@ballotstream/functions/catalogue';
import { LINKS } from '@ballotstream/functions/links';
import { type Trigger, triggers } from '@ballotstream/functions/triggers';
import { describe, expect, it } from 'vitest';
import {
  BROKER_PROBE_PATH,
  failoverPlan,
  PRIMARY_ONLY_LINKS,
  primaryOnlyReaches,
  SECONDARY_OWN_LINKS,
  secondaryRegionPlan,
} from './failover';

const endpoints = {
  primary: {
    apiHost: 'a1b2c3.execute-api.ap-south-1.amazonaws.com',
    apiTarget: 'd-primary.execute-api.ap-south-1.amazonaws.com',
    brokerHost: 'a1b2-ats.iot.ap-south-1.amazonaws.com',
  },
  secondary: {
    apiHost: 'd4e5f6.execute-api.ap-south-2.amazonaws.com',
    apiTarget: 'd-secondary.execute-api.ap-south-2.amazonaws.com',
    brokerHost: 'a1b2-ats.iot.ap-south-2.amazonaws.com',
  },
};

describe('Route 53 failover for the API and the broker', () => {
  const plan = failoverPlan('election.example.in', endpoints);

  it('names the primary first and the secondary as its failover, for the API and the broker alike', () => {
    const byName = Object.fromEntries(plan.records.map((r) => [r.name, r]));
    expect(byName['ApiFailover-primary']).toMatchObject({
      recordName: 'api.election.example.in',
      failover: 'PRIMARY',
      target: endpoints.primary.apiTarget,
      healthCheck: 'ApiHealth-primary',
    });
    expect(byName['ApiFailover-secondary']).toMatchObject({
      failover: 'SECONDARY',
      target: endpoints.secondary.apiTarget,
    });
    expect(byName['BrokerFailover-primary']).toMatchObject({
      recordName: 'mqtt.election.example.in',
      failover: 'PRIMARY',
      target: endpoints.primary.brokerHost,
      healthCheck: 'BrokerHealth-primary',
    });
    expect(byName['BrokerFailover-secondary']).toMatchObject({
      failover: 'SECONDARY',
      target: endpoints.secondary.brokerHost,
    });
    // Each pair shares a name and differs in its set identifier, as Route 53 requires.
    for (const name of ['api.election.example.in', 'mqtt.election.example.in']) {
      const pair = plan.records.filter((r) => r.recordName === name);
      expect(pair.map((r) => r.failover).sort()).toEqual(['PRIMARY', 'SECONDARY']);
      expect(new Set(pair.map((r) => r.setIdentifier)).size).toBe(2);
    }
  });

  it("checks each region's broker through its own health route, which publishes probes and expects them back", () => {
    const broker = plan.healthChecks.filter((c) => c.name.startsWith('BrokerHealth-'));
    expect(broker.map((c) => [c.region, c.fqdn, c.resourcePath])).toEqual([
      ['primary', endpoints.primary.apiHost, BROKER_PROBE_PATH],
      ['secondary', endpoints.secondary.apiHost, BROKER_PROBE_PATH],
    ]);
    expect(BROKER_PROBE_PATH.startsWith('/health/broker?')).toBe(true);
    const route = (triggers as readonly Trigger[]).find(
      (t) => t.kind === 'http' && t.path === '/health/broker',
    );
    // Route 53 sends no token: the route must be public.
    expect(route?.kind === 'http' && route.roles.includes('public')).toBe(true);
  });

  it("checks each region's API on its own host, not on the failover name Route 53 is deciding", () => {
    const api = plan.healthChecks.filter((c) => c.name.startsWith('ApiHealth-'));
    expect(api.map((c) => [c.region, c.fqdn, c.resourcePath])).toEqual([
      ['primary', endpoints.primary.apiHost, '/health'],
      ['secondary', endpoints.secondary.apiHost, '/health'],
    ]);
    for (const check of plan.healthChecks) expect(check.fqdn.startsWith('api.')).toBe(false);
  });

  it('fails a region over within about half a minute and keeps answers short-lived', () => {
    for (const check of plan.healthChecks)
      expect(check.requestInterval * check.failureThreshold).toBeLessThanOrEqual(30);
    for (const record of plan.records) expect(record.ttl).toBeLessThanOrEqual(60);
    // Every record names a health check the plan makes.
    const checks = new Set(plan.healthChecks.map((c) => c.name));
    for (const record of plan.records) expect(checks.has(record.healthCheck)).toBe(true);
  });
});

describe('the secondary region', () => {
  const all = triggers as readonly Trigger[];
  const plan = secondaryRegionPlan(all);

  it('serves every API route, including verification and the hand-over', () => {
    expect(plan.routes).toHaveLength(all.filter((t) => t.kind === 'http').length);
    expect(plan.routes).toEqual(
      expect.arrayContaining(['POST /verifications', 'POST /verification/handover', 'GET /health/broker']),
    );
  });

  it('takes every topic rule a failed-over gateway publishes to', () => {
    expect(plan.topicRules).toEqual(expect.arrayContaining(['ingestVote', 'sos', 'recordHealthProbe']));
    expect(plan.topicRules).toHaveLength(all.filter((t) => t.kind === 'topic-rule').length);
  });

  it('runs the tally on its own schedule and no schedule that would act twice', () => {
    expect(plan.schedules).toEqual(['materialiseTallies']);
  });
});

describe("the secondary region's copies of steps", () => {
  const all = triggers as readonly Trigger[];

  it('verify voters there with their own cache, replica keys and broker, not the primary’s', () => {
    const verify = all.find((t) => t.name === 'verifyVoter')!;
    const regional = plannedLinks(verify).filter((l) => SECONDARY_OWN_LINKS.includes(l));
    expect(regional.sort()).toEqual([LINKS.cache, LINKS.pseudonymKey, LINKS.ticketKey].sort());
    const probe = all.find((t) => t.name === 'brokerHealth')!;
    expect(plannedLinks(probe)).toContain(LINKS.iotDataEndpoint);
  });

  it('reach something only the primary has in these steps alone, which wait for it', () => {
    // Positions and geofences (Amazon Location) and officer notifications (SNS) stay primary-only.
    const reaching = primaryOnlyReaches(all).map((r) => r.trigger);
    for (const step of ['verifyVoter', 'ingestVote', 'handOverVerification', 'health', 'brokerHealth'])
      expect(reaching).not.toContain(step);
    expect(reaching.length).toBeGreaterThan(0);
    for (const reach of primaryOnlyReaches(all)) {
      expect(reach.links.every((l) => PRIMARY_ONLY_LINKS.includes(l))).toBe(true);
    }
  });
});
