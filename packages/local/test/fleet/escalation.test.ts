import { defaultMonitoring, registerOfficer } from '@ballotstream/core';
import { readOutbox } from '@ballotstream/core/adapters/local';
import { eventOf } from '@ballotstream/core/ports';
import { anomalyDetected, type EventBridgeEnvelope } from '@ballotstream/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, startRuntime } from '../../src/runtime/runtime';

let runtime: Runtime;
const seen: EventBridgeEnvelope[] = [];

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  // Critical alerts escalate on the first run of the schedule after they are raised.
  const monitoring = defaultMonitoring({ alerting: { escalateCriticalAfterMs: 0 } });
  runtime = await startRuntime({ runSchedules: false, config: { monitoring } });
  runtime.bus.listen((e) => seen.push(e));
  const contact = {
    phone: '+919800000009',
    notifyBy: ['sms', 'email'] as ('sms' | 'email')[],
    minSeverity: 'warning' as const,
  };
  await registerOfficer(runtime.deps.records, {
    officerId: 'east-1',
    regionId: 'east',
    email: 'east@example.org',
    ...contact,
  });
  await registerOfficer(runtime.deps.records, {
    officerId: 'desk-1',
    regionId: 'national',
    email: 'desk@example.org',
    ...contact,
  });
});

afterAll(async () => {
  await runtime?.stop();
});

describe('an alert no one acknowledges', () => {
  it('is escalated by the schedule to the national desk, once', async () => {
    await runtime.deps.publisher.publish([
      eventOf(anomalyDetected, {
        regionId: 'east',
        boothId: 'b-east-4',
        rule: 'turnout-above-electorate',
        severity: 'critical',
        evidence: { votes: 901, electorate: 900 },
        detectedAt: new Date().toISOString(),
      }),
    ]);
    await runtime.bus.drain();
    expect((await readOutbox(runtime.deps.records)).map((e) => e.officerId)).toEqual(['east-1']);

    await runtime.scheduler.runNow('escalateAlerts');
    await runtime.bus.drain();
    await runtime.scheduler.runNow('escalateAlerts');
    await runtime.bus.drain();
    const outbox = await readOutbox(runtime.deps.records);
    expect(outbox.map((e) => e.officerId).sort()).toEqual(['desk-1', 'east-1', 'east-1']);
    const escalated = outbox.filter((e) => e.attributes.escalated === 'true');
    expect(escalated.map((e) => e.officerId).sort()).toEqual(['desk-1', 'east-1']);
    expect(escalated[0]!.sms).toMatch(/^ESCALATED CRITICAL: Turnout above electorate at b-east-4/);
    expect(seen.filter((e) => e['detail-type'] === 'alert.escalated')).toHaveLength(1);
  });
});
