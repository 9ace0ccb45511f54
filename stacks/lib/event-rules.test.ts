import { geofenceEnvelope } from '@ballotstream/core';
import { catalogue } from '@ballotstream/events';
import { forwardRules, fromOrigin } from '@ballotstream/functions/bus-forwarding';
import { type Trigger, triggers } from '@ballotstream/functions/triggers';
import { matchesPattern, validatePattern } from '@ballotstream/local/bus/pattern';
import { describe, expect, it } from 'vitest';
import { defaultBusRoute, eventRulePlans } from './event-rules';
import { exampleArns } from './example-arns';
import type { Region } from './permissions';

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
  resources: [] as string[],
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

  describe('cross-region forwarding', () => {
    const busArn = {
      primary: exampleArns('postgres', 'ap-south-1').bus('primary'),
      secondary: exampleArns('postgres', 'ap-south-2').bus('secondary'),
    };
    const rules = forwardRules(all);
    const publishedIn = (region: Region) =>
      envelopes.map((e) => ({
        ...e,
        region: region === 'primary' ? 'ap-south-1' : 'ap-south-2',
        resources: [busArn[region]],
      }));
    /** The region whose bus a rule of `from` forwards the envelope to, if any. */
    const forwardedTo = (from: Region, envelope: (typeof envelopes)[number]) =>
      rules
        .filter((r) => r.from === from && matchesPattern(JSON.parse(fromOrigin(r, busArn[from])), envelope))
        .map((r) => r.to);
    const subscribersIn = (region: Region, envelope: (typeof envelopes)[number]) =>
      plans
        .filter((p) => p.region === region && matchesPattern(p.trigger.pattern, envelope))
        .map((p) => p.trigger.name);

    it('send each event published in a region to the other exactly when a subscriber there listens for it', () => {
      for (const from of ['primary', 'secondary'] as const) {
        const to = from === 'primary' ? 'secondary' : 'primary';
        for (const envelope of publishedIn(from)) {
          const wanted = !envelope.source.startsWith('aws.') && subscribersIn(to, envelope).length > 0;
          // Sent once at most: two rules matching one event would put two copies on the other bus.
          const sent = forwardedTo(from, envelope);
          expect(sent, `${from} -> ${envelope['detail-type']}`).toEqual(wanted ? [to] : []);
        }
      }
      // Accepted votes reach the other region's recorder both ways.
      const accepted = (region: Region) =>
        publishedIn(region).find((e) => e['detail-type'] === 'vote.accepted')!;
      expect(forwardedTo('primary', accepted('primary'))).toContain('secondary');
      expect(forwardedTo('secondary', accepted('secondary'))).toContain('primary');
      expect(subscribersIn('primary', accepted('secondary'))).toContain('recordVotePrimary');
    });

    it('never send a forwarded event back, nor an event of no origin (AWS services)', () => {
      for (const from of ['primary', 'secondary'] as const) {
        const to = from === 'primary' ? 'secondary' : 'primary';
        // A forwarded event keeps its envelope: on the receiving bus it names the other bus.
        for (const envelope of publishedIn(from)) expect(forwardedTo(to, envelope)).toEqual([]);
        for (const envelope of envelopes) expect(forwardedTo(from, envelope)).toEqual([]);
      }
    });

    it('carry valid patterns, one rule per distinct pattern and direction', () => {
      for (const rule of rules)
        expect(validatePattern(JSON.parse(fromOrigin(rule, busArn[rule.from])))).toEqual([]);
      const keys = rules.map((r) => `${r.from}:${JSON.stringify(r.pattern)}`);
      expect(new Set(keys).size).toBe(keys.length);
    });
  });
});
