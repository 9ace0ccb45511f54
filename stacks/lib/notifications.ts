import { type OfficerContact, officerFilterPolicy } from '@ballotstream/core';

export interface SubscriptionPlan {
  readonly name: string;
  readonly protocol: 'email' | 'sms';
  readonly endpoint: string;
  /** The alerts module's own filter policy of the officer: region, severities, officer id. */
  readonly filterPolicy: string;
}

/**
 * One SNS subscription per channel an officer wants to be told on (email and / or SMS), each
 * with the filter policy the alerts module defines for that officer, so what SNS delivers is
 * what the notifier addressed.
 */
export function officerSubscriptions(officers: readonly OfficerContact[]): SubscriptionPlan[] {
  return officers.flatMap((officer) => {
    const filterPolicy = JSON.stringify(officerFilterPolicy(officer));
    const name = `Officer${officer.officerId.replace(/[^A-Za-z0-9]/g, '')}`;
    const plans: SubscriptionPlan[] = [];
    if (officer.email !== undefined && officer.notifyBy.includes('email')) {
      plans.push({ name: `${name}Email`, protocol: 'email', endpoint: officer.email, filterPolicy });
    }
    if (officer.phone !== undefined && officer.notifyBy.includes('sms')) {
      plans.push({ name: `${name}Sms`, protocol: 'sms', endpoint: officer.phone, filterPolicy });
    }
    return plans;
  });
}
