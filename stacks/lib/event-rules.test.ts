import { geofenceEnvelope } from '@ballotstream/core';
import { catalogue } from '@ballotstream/events';
import { type Trigger, triggers } from '@ballotstream/functions/triggers';
import { matchesPattern, validatePattern } from '@ballotstream/local/bus/pattern';
import { describe, expect, it } from 'vitest';
import { defaultBusRoute, eventRulePlans, forwardedPatterns } from './event-rules';

const all = triggers as readonly Trigger[];

/** An envelope as EventBridge delivers it, for each catalogue event (details are not matched here). */
const envelopes = catalogue.map((event) => ({
  version: '0',
  id: `id-${event.type}`,
  'detail-type': event.type,
  source: event.source,
  account: '123456789012',
  time: '2026-11-27T10:00:00Z',
  region: 'ap-south-1',
  resources: [],
  detail: {},
}));

describe('EventBridge rules', () => {
  const plans = eventRulePlans(all);

  it('exist for every event trigger', () => {
    expect(plans.map((p) => p.trigger.name)).toEqual(
      all.filter((t) => t.kind === 'event').map((t) => t.name),
    );
  });

  it('carry the very pattern the local bus subscribes with', () => {
    for (const plan of plans) {
      expect(JSON.parse(plan.eventPattern), plan.trigger.name).toEqual(plan.trigger.pattern);
      expect(validatePattern(JSON.parse(plan.eventPattern)), plan.trigger.name).toEqual([]);
    }
  });

  it('match the same catalogue events in AWS as on the local bus', () => {
    for (const plan of plans) {
      const deployed = JSON.parse(plan.eventPattern);
      for (const envelope of envelopes) {
        expect(matchesPattern(deployed, envelope), `${plan.trigger.name} / ${envelope['detail-type']}`).toBe(
          matchesPattern(plan.trigger.pattern, envelope),
        );
      }
      expect(
        envelopes.some((e) => matchesPattern(deployed, e)),
        `${plan.trigger.name} matches no catalogue event`,
      ).toBe(true);
    }
  });

  it('subscribe every trigger on its app bus, the one bus the local runtime has too', () => {
    for (const plan of plans) expect(plan.bus, plan.trigger.name).toBe('app');
  });

  it("route the AWS service events the app bus's subscribers listen for from the default bus, once each", () => {
    const route = defaultBusRoute(all);
    expect(route).toBeDefined();
    const routed = JSON.parse(route!.eventPattern);
    expect(validatePattern(routed)).toEqual([]);
    // A geofence EXIT exactly as Amazon Location puts it on the default bus.
    const exit = geofenceEnvelope(
      'e-1',
      {
        EventType: 'EXIT',
        GeofenceId: 'booth-1',
        DeviceId: 'm-1',
        SampleTime: '2026-11-27T10:00:00.000Z',
        Position: [77.2, 28.6],
      },
      ['arn:aws:geo:ap-south-1:123456789012:geofence-collection/ballotstream-prod-booths'],
      'ap-south-1',
      '123456789012',
    );
    expect(matchesPattern(routed, exit)).toBe(true);
    const takers = plans
      .filter((p) => matchesPattern(JSON.parse(p.eventPattern), exit))
      .map((p) => p.trigger.name);
    expect(takers.sort()).toEqual(['geofenceEvent', 'recordMachineEvent']);
    // Only AWS service events leave the default bus, and only those some subscriber wants.
    for (const envelope of envelopes) {
      const wanted = plans.some((p) => matchesPattern(JSON.parse(p.eventPattern), envelope));
      expect(matchesPattern(routed, envelope), envelope['detail-type']).toBe(
        envelope.source.startsWith('aws.') && wanted,
      );
    }
  });

  it('use Lambda retries the local bus also uses', () => {
    for (const plan of plans) expect(plan.lambdaRetries).toBe(plan.trigger.retries);
  });

  it('forward accepted votes, and only what the secondary region listens for, to the secondary bus', () => {
    const forwarded = forwardedPatterns(all).map((p) => JSON.parse(p));
    const reaches = (type: string) =>
      forwarded.some((pattern) =>
        envelopes.some((e) => e['detail-type'] === type && matchesPattern(pattern, e)),
      );
    expect(reaches('vote.accepted')).toBe(true);
    const secondaryTypes = new Set(
      plans.filter((p) => p.region === 'secondary').flatMap((p) => p.trigger.pattern['detail-type']),
    );
    for (const envelope of envelopes) {
      if (!secondaryTypes.has(envelope['detail-type'])) expect(reaches(envelope['detail-type'])).toBe(false);
    }
  });
});
