import type { FleetBehaviour } from '@ballotstream/events';
import { z } from 'zod';
import type { Violation } from './fleet-monitor';

/** The message Device Defender Detect sends its SNS alert target for a violation. */
export const defenderAlarmSchema = z.object({
  violationId: z.string().min(1),
  thingName: z.string().min(1).max(128),
  securityProfileName: z.string(),
  behavior: z.object({
    name: z.string(),
    metric: z.string().optional(),
    criteria: z.record(z.string(), z.unknown()).optional(),
  }),
  metricValue: z
    .object({
      count: z.number().optional(),
      cidrs: z.array(z.string()).optional(),
      ports: z.array(z.number()).optional(),
      number: z.number().optional(),
      numbers: z.array(z.number()).optional(),
      strings: z.array(z.string()).optional(),
    })
    .optional(),
  violationEventType: z.enum(['in-alarm', 'alarm-cleared', 'alarm-invalidated']),
  violationEventTime: z.number(),
});
export type DefenderAlarm = z.infer<typeof defenderAlarmSchema>;

const BEHAVIOUR_OF_METRIC: Readonly<Record<string, FleetBehaviour>> = {
  'aws:num-authorization-failures': 'authorization-failures',
  'aws:num-messages-sent': 'message-rate',
  'aws:num-messages-received': 'message-rate',
  'aws:source-ip-address': 'unexpected-source',
  'aws:num-connection-attempts': 'reconnect-storm',
  'aws:num-disconnects': 'reconnect-storm',
};

/**
 * The fleet violation a Detect alarm stands for; undefined for a cleared or invalidated alarm,
 * or a metric the platform does not watch.
 */
export function violationOfDefenderAlarm(alarm: DefenderAlarm): Violation | undefined {
  if (alarm.violationEventType !== 'in-alarm') return undefined;
  const behaviour = BEHAVIOUR_OF_METRIC[alarm.behavior.metric ?? ''];
  if (behaviour === undefined) return undefined;
  const value = alarm.metricValue;
  const criteriaValue = (alarm.behavior.criteria?.value ?? {}) as { count?: unknown };
  return {
    machineId: alarm.thingName,
    behaviour,
    metricValue: value?.count ?? value?.number ?? value?.cidrs?.length ?? 0,
    threshold: typeof criteriaValue.count === 'number' ? criteriaValue.count : 0,
    evidence: {
      violationId: alarm.violationId,
      securityProfile: alarm.securityProfileName,
      behaviour: alarm.behavior.name,
      metric: alarm.behavior.metric,
      ...(value === undefined ? {} : { metricValue: value }),
    },
    at: alarm.violationEventTime,
  };
}
