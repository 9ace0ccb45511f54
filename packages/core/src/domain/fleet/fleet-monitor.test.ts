import { describe, expect, it } from 'vitest';
import { defaultMonitoring } from '../anomaly/thresholds';
import { defenderAlarmSchema, violationOfDefenderAlarm } from './defender-alarm';
import { FleetMonitor, inCidr } from './fleet-monitor';

const t = defaultMonitoring().fleet;
const T0 = 1_800_000_000_000;

describe('the fleet security monitor', () => {
  it('fires once on five authorization failures within a minute', () => {
    const monitor = new FleetMonitor(t);
    const found = [];
    for (let i = 0; i < 8; i++)
      found.push(
        ...monitor.observe({ kind: 'publish-denied', clientId: 'm1', topic: `x/${i}`, at: T0 + i * 1000 }),
      );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ machineId: 'm1', behaviour: 'authorization-failures', metricValue: 5 });
  });

  it('fires on a prober pacing itself at four failures a minute, once per five minutes', () => {
    const monitor = new FleetMonitor(t);
    const found = [];
    for (let i = 0; i < 40; i++)
      found.push(
        ...monitor.observe({ kind: 'publish-denied', clientId: 'm1', topic: 'x', at: T0 + i * 15_001 }),
      );
    // Ten minutes of probing: the fifth failure (after a minute) and again five minutes later.
    expect(found.map((v) => [v.behaviour, v.at - T0])).toEqual([
      ['authorization-failures', 4 * 15_001],
      ['authorization-failures', 24 * 15_001],
    ]);
  });

  it('stays silent on a stray refusal every two minutes', () => {
    const monitor = new FleetMonitor(t);
    const found = [];
    for (let i = 0; i < 30; i++)
      found.push(
        ...monitor.observe({ kind: 'publish-denied', clientId: 'm1', topic: 'x', at: T0 + i * 120_000 }),
      );
    expect(found).toEqual([]);
  });

  it('fires on a message flood and not on votes and fixes at their normal pace', () => {
    const monitor = new FleetMonitor(t);
    const quiet = [];
    for (let i = 0; i < 600; i++)
      quiet.push(...monitor.observe({ kind: 'published', clientId: 'm1', topic: 'v', at: T0 + i * 1000 }));
    expect(quiet).toEqual([]);
    const flood = [];
    for (let i = 0; i < 200; i++)
      flood.push(...monitor.observe({ kind: 'published', clientId: 'm2', topic: 'v', at: T0 + i * 100 }));
    expect(flood.map((v) => v.behaviour)).toEqual(['message-rate']);
  });

  it('fires on a connection from outside the booth uplink', () => {
    const monitor = new FleetMonitor(t);
    const profile = { allowedSources: ['10.20.0.0/16'] };
    expect(
      monitor.observe({ kind: 'connected', clientId: 'm1', address: '::ffff:10.20.3.4', at: T0 }, profile),
    ).toEqual([]);
    expect(monitor.observe({ kind: 'disconnected', clientId: 'm1', at: T0 + 1 })).toEqual([]);
    const found = monitor.observe(
      { kind: 'connected', clientId: 'm1', address: '203.0.113.9', at: T0 + 2 },
      profile,
    );
    expect(found.map((v) => v.behaviour)).toEqual(['unexpected-source']);
  });

  it('fires on a reconnect storm and not on a few reconnects', () => {
    const monitor = new FleetMonitor(t);
    const found = [];
    for (let i = 0; i < 5; i++) {
      found.push(
        ...monitor.observe({ kind: 'connected', clientId: 'm1', address: '10.0.0.1', at: T0 + i * 5000 }),
      );
      found.push(...monitor.observe({ kind: 'disconnected', clientId: 'm1', at: T0 + i * 5000 + 1 }));
    }
    expect(found).toEqual([]);
    found.push(
      ...monitor.observe({ kind: 'connected', clientId: 'm1', address: '10.0.0.1', at: T0 + 26_000 }),
    );
    expect(found.map((v) => v.behaviour)).toEqual(['reconnect-storm']);
  });

  it('fires when a machine connects from a second place while its session is live', () => {
    const monitor = new FleetMonitor(t);
    monitor.observe({ kind: 'connected', clientId: 'm1', address: '10.0.0.1', at: T0 });
    const found = monitor.observe({
      kind: 'connected',
      clientId: 'm1',
      address: '198.51.100.7',
      at: T0 + 10,
    });
    expect(found).toMatchObject([
      { behaviour: 'two-places', evidence: { addresses: ['10.0.0.1', '198.51.100.7'] } },
    ]);
  });

  it('matches IPv4 addresses against CIDR blocks and exact addresses', () => {
    expect(inCidr('10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(inCidr('11.1.2.3', '10.0.0.0/8')).toBe(false);
    expect(inCidr('::ffff:192.168.1.1', '192.168.1.1')).toBe(true);
    expect(inCidr('not-an-ip', '0.0.0.0/0')).toBe(false);
  });
});

describe('a Device Defender Detect alarm from its SNS alert target', () => {
  // The shape Detect sends (API_ViolationEvent and the SNS alarm samples of AWS's documentation).
  const sample = {
    violationEventTime: 1_800_000_123_000,
    thingName: 'm-1-1-1',
    behavior: {
      criteria: {
        consecutiveDatapointsToAlarm: 1,
        comparisonOperator: 'greater-than',
        durationSeconds: 300,
        value: { count: 5 },
      },
      name: 'AuthorizationFailures',
      metric: 'aws:num-authorization-failures',
    },
    violationEventType: 'in-alarm',
    metricValue: { count: 12 },
    violationId: '2cb6c5d1a6dd5bf53e3b3b79bc7d3a15',
    securityProfileName: 'booth-machines',
  };

  it('becomes the same violation the fleet monitor reports', () => {
    const violation = violationOfDefenderAlarm(defenderAlarmSchema.parse(sample));
    expect(violation).toMatchObject({
      machineId: 'm-1-1-1',
      behaviour: 'authorization-failures',
      metricValue: 12,
      threshold: 5,
      at: 1_800_000_123_000,
      evidence: { violationId: '2cb6c5d1a6dd5bf53e3b3b79bc7d3a15', securityProfile: 'booth-machines' },
    });
  });

  it('ignores a cleared alarm and a metric the platform does not watch', () => {
    expect(
      violationOfDefenderAlarm(defenderAlarmSchema.parse({ ...sample, violationEventType: 'alarm-cleared' })),
    ).toBeUndefined();
    expect(
      violationOfDefenderAlarm(
        defenderAlarmSchema.parse({
          ...sample,
          behavior: { ...sample.behavior, metric: 'aws:listening-tcp-ports' },
        }),
      ),
    ).toBeUndefined();
  });
});
