import { LINKS } from '@ballotstream/functions/links';
import { allTriggers, inRegion } from './context';
import { defaultBusRoute, forwardedPatterns } from './lib/event-rules';
import type { Region } from './lib/permissions';
import { DEAD_LETTER_RETENTION_SECONDS } from './lib/queues';

/** The application's event bus in each region; every publisher writes to the primary one. */
export const buses: Record<Region, aws.cloudwatch.EventBus> = {
  primary: new aws.cloudwatch.EventBus('Bus', { name: `ballotstream-${$app.stage}` }),
  secondary: new aws.cloudwatch.EventBus(
    'BusSecondary',
    { name: `ballotstream-${$app.stage}` },
    inRegion('secondary'),
  ),
};

/**
 * A dead-letter queue per region for events no target could take, failed IoT rule actions, and
 * what a batch queue's reader failed on every delivery. It keeps messages longer than the batch
 * queues do (`batchQueuePlans` checks), as SQS requires of a redrive target. SQS-managed encryption: EventBridge, IoT Core and Scheduler could not write to a queue under
 * the customer key without key-policy grants to each service.
 */
export const deadLetters: Record<Region, aws.sqs.Queue> = {
  primary: new aws.sqs.Queue('DeadLetters', {
    messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
    sqsManagedSseEnabled: true,
  }),
  secondary: new aws.sqs.Queue(
    'DeadLettersSecondary',
    { messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS, sqsManagedSseEnabled: true },
    inRegion('secondary'),
  ),
};

for (const region of ['primary', 'secondary'] as const) {
  // EventBridge and IoT Core put what they could not deliver here; nothing else may.
  new aws.sqs.QueuePolicy(
    region === 'primary' ? 'DeadLettersPolicy' : 'DeadLettersPolicySecondary',
    {
      queueUrl: deadLetters[region].url,
      policy: $jsonStringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: ['events.amazonaws.com', 'iot.amazonaws.com'] },
            Action: 'sqs:SendMessage',
            Resource: deadLetters[region].arn,
          },
        ],
      }),
    },
    inRegion(region),
  );
}

const forwardRole = new aws.iam.Role('BusForwardRole', {
  assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: 'events.amazonaws.com' }),
  inlinePolicies: [
    {
      name: 'put-to-secondary-bus',
      policy: $jsonStringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: buses.secondary.arn }],
      }),
    },
  ],
});

/**
 * Cross-region rules: what a secondary-region subscriber listens for (accepted votes) goes
 * from the primary bus to the secondary bus, so each region records votes itself.
 */
export const forwardRules = forwardedPatterns(allTriggers).map((eventPattern, i) => {
  const rule = new aws.cloudwatch.EventRule(`BusForward${i}`, {
    eventBusName: buses.primary.name,
    description: 'Forward to the secondary region',
    eventPattern,
  });
  new aws.cloudwatch.EventTarget(`BusForward${i}Target`, {
    rule: rule.name,
    eventBusName: buses.primary.name,
    arn: buses.secondary.arn,
    roleArn: forwardRole.arn,
    deadLetterConfig: { arn: deadLetters.primary.arn },
    retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 },
  });
  return rule;
});

const routeRole = new aws.iam.Role('DefaultBusRouteRole', {
  assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: 'events.amazonaws.com' }),
  inlinePolicies: [
    {
      name: 'put-to-app-bus',
      policy: $jsonStringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: buses.primary.arn }],
      }),
    },
  ],
});

/**
 * AWS services deliver to the region's default bus (Amazon Location's geofence ENTER / EXIT,
 * `source: aws.geo`, `detail-type: Location Geofence Event`). One rule there puts on the app bus
 * what the app's subscribers listen for, so those subscribers, like the local runtime's, read one
 * bus (`defaultBusRoute`).
 */
const route = defaultBusRoute(allTriggers);
export const defaultBusRule =
  route === undefined
    ? undefined
    : new aws.cloudwatch.EventRule('DefaultBusRoute', {
        eventBusName: 'default',
        description: 'AWS service events (Location geofence events) to the app bus',
        eventPattern: route.eventPattern,
      });
if (defaultBusRule !== undefined) {
  new aws.cloudwatch.EventTarget('DefaultBusRouteTarget', {
    rule: defaultBusRule.name,
    eventBusName: 'default',
    arn: buses.primary.arn,
    roleArn: routeRole.arn,
    deadLetterConfig: { arn: deadLetters.primary.arn },
    retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 },
  });
}

/** Links carrying each bus's name and ARN to the handlers that publish. */
export const busLinks: Record<
  Region,
  sst.Linkable<{ name: $util.Output<string>; arn: $util.Output<string> }>
> = {
  primary: new sst.Linkable(LINKS.bus.primary, {
    properties: { name: buses.primary.name, arn: buses.primary.arn },
  }),
  secondary: new sst.Linkable(LINKS.bus.secondary, {
    properties: { name: buses.secondary.name, arn: buses.secondary.arn },
  }),
};
