import { findEvent } from '@ballotstream/events';
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
  /**
   * Every rule is on the app bus, as the local runtime has one bus: AWS service events (Location
   * geofence events) arrive on the default bus and `defaultBusRoute` brings them over.
   */
  readonly bus: 'app';
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
            bus: 'app',
            eventPattern: JSON.stringify(trigger.pattern),
            lambdaRetries: lambdaRetries(trigger),
            target: trigger.batch === undefined ? 'lambda' : 'queue',
          },
        ]
      : [],
  );
}

/** The rule on the primary region's default bus that puts AWS service events on the app bus. */
export interface DefaultBusRoute {
  readonly eventPattern: string;
}

/**
 * What the default bus must pass to the app bus: the AWS service events (`aws.*` sources, by the
 * catalogue) that any event trigger listens for, alone or beside app events (Location geofence
 * events feed both the off-geofence watch and machine history). Amazon Location lives in the
 * primary region; the secondary region gets what its subscribers want by the usual forwarding.
 */
export function defaultBusRoute(triggers: readonly Trigger[]): DefaultBusRoute | undefined {
  const sources = new Set<string>();
  const types = new Set<string>();
  for (const trigger of triggers) {
    if (trigger.kind !== 'event') continue;
    for (const type of trigger.pattern['detail-type']) {
      const source = findEvent(type)?.source;
      if (source?.startsWith('aws.') && trigger.pattern.source.includes(source)) {
        sources.add(source);
        types.add(type);
      }
    }
  }
  if (types.size === 0) return undefined;
  return { eventPattern: JSON.stringify({ source: [...sources].sort(), 'detail-type': [...types].sort() }) };
}
