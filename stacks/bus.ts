import { forwardRules, fromOrigin } from '@ballotstream/functions/bus-forwarding';
import { LINKS } from '@ballotstream/functions/links';
import { allTriggers, inRegion } from './context';
import { DELIVERY_RETRY_POLICY, defaultBusRoute } from './lib/event-rules';
import type { Region } from './lib/permissions';
import { DEAD_LETTER_RETENTION_SECONDS } from './lib/queues';

/** The application's event bus in each region; each region's steps publish to their own. */
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

const forwardRoles = new Map<Region, aws.iam.Role>();

/** The role EventBridge assumes to put on `to`'s bus what a rule of `from`'s bus forwards (made once). */
function forwardRole(from: Region, to: Region): aws.iam.Role {
  const made = forwardRoles.get(from);
  if (made !== undefined) return made;
  const role = new aws.iam.Role(from === 'primary' ? 'BusForwardRole' : 'BusForwardRoleSecondary', {
    assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: 'events.amazonaws.com' }),
    inlinePolicies: [
      {
        name: `put-to-${to}-bus`,
        policy: $jsonStringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: buses[to].arn }],
        }),
      },
    ],
  });
  forwardRoles.set(from, role);
  return role;
}

/**
 * Cross-region forwarding (`forwardRules`): on each region's bus, what the other region's
 * subscribers listen for, published in this region (the bus's ARN in the envelope's `resources`),
 * goes to the other region's bus. Accepted votes reach the secondary recorder; what the
 * secondary's copies publish while the primary is lost (accepted votes, refusals, SOS,
 * verifications, tallies) reaches the primary's recorder, watchers and alerts once its bus answers:
 * EventBridge retries the target for 24 h, then the dead letters keep it. Recording is idempotent
 * on the vote id, so a redelivery counts once; a forwarded event keeps its origin and is never
 * sent back.
 */
export const busForwardRules = forwardRules(allTriggers).map((plan, i) => {
  const { from, to } = plan;
  const suffix = from === 'primary' ? '' : 'Secondary';
  const role = forwardRole(from, to);
  const rule = new aws.cloudwatch.EventRule(
    `BusForward${suffix}${i}`,
    {
      eventBusName: buses[from].name,
      description: `Forward to the ${to} region`,
      eventPattern: buses[from].arn.apply((arn) => fromOrigin(plan, arn)),
    },
    inRegion(from),
  );
  new aws.cloudwatch.EventTarget(
    `BusForward${suffix}${i}Target`,
    {
      rule: rule.name,
      eventBusName: buses[from].name,
      arn: buses[to].arn,
      roleArn: role.arn,
      deadLetterConfig: { arn: deadLetters[from].arn },
      retryPolicy: DELIVERY_RETRY_POLICY,
    },
    inRegion(from),
  );
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
    retryPolicy: DELIVERY_RETRY_POLICY,
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
