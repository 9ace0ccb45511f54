import type { Monitoring } from '@ballotstream/core';

/** Detect evaluates a behaviour over one of these windows only. */
const DETECT_DURATION_SECONDS = 300;

export interface DetectBehavior {
  readonly name: string;
  readonly metric: string;
  readonly criteria: {
    readonly comparisonOperator: 'greater-than' | 'not-in-cidr-set';
    readonly value: { readonly count?: number; readonly cidrs?: readonly string[] };
    readonly durationSeconds?: number;
    readonly consecutiveDatapointsToAlarm: number;
    readonly consecutiveDatapointsToClear: number;
  };
}

/**
 * The Device Defender Detect behaviours that match the fleet monitor's thresholds, for accounts
 * that still have Detect. The fleet monitor counts per `windowMs` (authorization failures per
 * `authWindowMs`); Detect needs a five-minute window, so each count is scaled to it.
 * `allowedCidrs` adds the source-address behaviour.
 */
export function securityProfileBehaviors(
  fleet: Monitoring['fleet'],
  allowedCidrs: readonly string[] = [],
): DetectBehavior[] {
  const scale = (count: number, windowMs: number) =>
    Math.max(1, Math.round((count * DETECT_DURATION_SECONDS * 1000) / windowMs));
  const over = (name: string, metric: string, count: number, windowMs = fleet.windowMs): DetectBehavior => ({
    name,
    metric,
    criteria: {
      comparisonOperator: 'greater-than',
      value: { count: scale(count, windowMs) },
      durationSeconds: DETECT_DURATION_SECONDS,
      consecutiveDatapointsToAlarm: 1,
      consecutiveDatapointsToClear: 1,
    },
  });
  return [
    over(
      'AuthorizationFailures',
      'aws:num-authorization-failures',
      fleet.maxAuthFailures,
      fleet.authWindowMs,
    ),
    over('MessageRate', 'aws:num-messages-sent', fleet.maxMessages),
    over('ReconnectStorm', 'aws:num-connection-attempts', fleet.maxConnects),
    ...(allowedCidrs.length === 0
      ? []
      : [
          {
            name: 'UnexpectedSource',
            metric: 'aws:source-ip-address',
            criteria: {
              comparisonOperator: 'not-in-cidr-set' as const,
              value: { cidrs: allowedCidrs },
              consecutiveDatapointsToAlarm: 1,
              consecutiveDatapointsToClear: 1,
            },
          },
        ]),
  ];
}
