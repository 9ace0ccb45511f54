import type { EventTrigger, Trigger } from '@ballotstream/functions/triggers';
import type { Region } from './permissions';

/**
 * How EventBridge retries handing an event to its target (throttling, permissions) before the
 * dead-letter queue: its longest. Errors inside the function are Lambda's async retries, or for
 * a queue target the queue's redeliveries.
 */
export const DELIVERY_RETRY_POLICY = { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 } as const;

export interface EventRulePlan {
  readonly trigger: EventTrigger;
  readonly region: Region;
  /** AWS service events (`aws.*` sources, e.g. Location geofence events) arrive on the default bus. */
  readonly bus: 'app' | 'default';
  /** The rule's pattern as EventBridge takes it: the trigger's own pattern, unchanged. */
  readonly eventPattern: string;
  /** Lambda's async retries after a failed run (0-2), as the local bus retries a failing subscriber. */
  readonly lambdaRetries: number;
  /**
   * What the rule hands events to: the Lambda, or for a batch trigger its queue (see
   * `batchQueuePlans`), which the Lambda reads in batches.
   */
  readonly target: 'lambda' | 'queue';
}

/** Whether every source of a pattern is an AWS service, whose events go to the default bus. */
export function isAwsServicePattern(trigger: EventTrigger): boolean {
  return trigger.pattern.source.every((s) => s.startsWith('aws.'));
}

function lambdaRetries(trigger: EventTrigger): number {
  if (!Number.isInteger(trigger.retries) || trigger.retries < 0 || trigger.retries > 2) {
    throw new Error(
      `trigger ${trigger.name}: retries must be 0, 1 or 2 (Lambda async retries), not ${trigger.retries}`,
    );
  }
  return trigger.retries;
}

/** One EventBridge rule per event trigger, with the pattern the local bus also filters with. */
export function eventRulePlans(triggers: readonly Trigger[]): EventRulePlan[] {
  return triggers.flatMap((trigger) =>
    trigger.kind === 'event'
      ? [
          {
            trigger,
            region: trigger.region,
            bus: isAwsServicePattern(trigger) ? 'default' : 'app',
            eventPattern: JSON.stringify(trigger.pattern),
            lambdaRetries: lambdaRetries(trigger),
            target: trigger.batch === undefined ? 'lambda' : 'queue',
          },
        ]
      : [],
  );
}

/**
 * The patterns the primary bus forwards to the secondary region's bus: every pattern a
 * secondary-region subscriber listens for (accepted votes, so each region records them itself).
 * Publishers all write to the primary bus; identical patterns are forwarded once.
 */
export function forwardedPatterns(triggers: readonly Trigger[]): string[] {
  const patterns = eventRulePlans(triggers)
    .filter((plan) => plan.region === 'secondary' && plan.bus === 'app')
    .map((plan) => plan.eventPattern);
  return [...new Set(patterns)];
}
