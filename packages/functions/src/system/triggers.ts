import { alertRaised, healthTopic } from '@ballotstream/events';
import { http, schedule, topicRule } from '../trigger-builders';
import type { Trigger } from '../trigger-types';

/** What runs the system steps, beside their handlers; `../triggers.ts` gathers every area. */
export const systemTriggers: readonly Trigger[] = [
  http('GET /health', {
    name: 'health',
    description: 'Each dependency up or down (a down one raises an alert) and the counts of refused inputs.',
    roles: ['public'],
    handler: 'system/health.handler',
    publishes: [alertRaised],
    reaches: { cache: true, tables: { alerts: 'write' } },
  }),
  http('GET /health/broker', {
    name: 'brokerHealth',
    description: 'Publishes N probes through the device broker and expects N back (Route 53 checks it).',
    roles: ['public'],
    handler: 'system/broker-health.check',
    reaches: { tables: { ledger: 'read' }, brokerProbe: true },
  }),
  topicRule(healthTopic, {
    name: 'recordHealthProbe',
    description: "Notes each broker health probe that came back through the broker's rules engine.",
    handler: 'system/broker-health.record',
    reaches: { tables: { ledger: 'write' } },
  }),
  schedule('rate(5 minutes)', {
    name: 'syncStaffPools',
    description:
      "Mirrors the primary region's staff pool (members, groups, enabled) into the secondary's, for sign-in there when the primary is lost.",
    handler: 'system/sync-staff-pools.handler',
    reaches: { staffPools: true },
  }),
];
