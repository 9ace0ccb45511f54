import type { InfraBlueprint } from './blueprint';

/** Alert severities, least to most severe; an officer hears their minimum and everything above it. */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

type Officer = InfraBlueprint['officers'][number];

/**
 * The SNS filter policy of an officer's subscriptions: alerts are published with `region` and
 * `severity` message attributes, and an officer receives those of their region at or above
 * their minimum severity.
 */
export function officerFilterPolicy(officer: Officer): {
  readonly region: readonly string[];
  readonly severity: readonly Severity[];
} {
  const from = SEVERITIES.indexOf(officer.minimumSeverity);
  return { region: [officer.regionId], severity: SEVERITIES.slice(from) };
}

export interface SubscriptionPlan {
  readonly name: string;
  readonly protocol: 'email' | 'sms';
  readonly endpoint: string;
  readonly filterPolicy: string;
}

/** One SNS subscription per officer contact (email and / or SMS), each with the officer's filter policy. */
export function officerSubscriptions(officers: readonly Officer[]): SubscriptionPlan[] {
  return officers.flatMap((officer) => {
    const filterPolicy = JSON.stringify(officerFilterPolicy(officer));
    const name = `Officer${officer.id.replace(/[^A-Za-z0-9]/g, '')}`;
    return [
      ...(officer.email
        ? [{ name: `${name}Email`, protocol: 'email' as const, endpoint: officer.email, filterPolicy }]
        : []),
      ...(officer.phone
        ? [{ name: `${name}Sms`, protocol: 'sms' as const, endpoint: officer.phone, filterPolicy }]
        : []),
    ];
  });
}
