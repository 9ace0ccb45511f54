import type { OfficerContact } from '@ballotstream/core';
import { LINKS } from '@ballotstream/functions/links';
import { officerSubscriptions } from './lib/notifications';

/**
 * Alerts for regional officers: one topic; each alert carries `region` and `severity` message
 * attributes, and each officer's email / SMS subscription filters on their region and severity.
 */
export const notificationsTopic = new sst.aws.SnsTopic('OfficerAlertsTopic', {
  // The AWS-managed SNS key: any publisher the account's IAM allows can use it, with no key grants.
  transform: {
    topic: (args) => {
      args.kmsMasterKeyId = 'alias/aws/sns';
    },
  },
});

/** The topic's ARN for the steps that notify; linking the topic itself would grant `sns:*`. */
export const notificationsLink = new sst.Linkable(LINKS.notifications, {
  properties: { arn: notificationsTopic.arn },
});

/**
 * Subscribes the election's officers (the blueprint's `officers.csv`); an email subscription
 * waits for the officer to confirm it.
 */
export function subscribeOfficers(officers: readonly OfficerContact[]): aws.sns.TopicSubscription[] {
  return officerSubscriptions(officers).map(
    (plan) =>
      new aws.sns.TopicSubscription(plan.name, {
        topic: notificationsTopic.arn,
        protocol: plan.protocol,
        endpoint: plan.endpoint,
        filterPolicy: plan.filterPolicy,
        filterPolicyScope: 'MessageAttributes',
      }),
  );
}

/** Operators' alarms (dead letters, throttles, errors); subscribed by hand, see docs/deploy.md. */
export const operationsTopic = new sst.aws.SnsTopic('OperationsAlarms');
