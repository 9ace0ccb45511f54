import { topicFilter } from '@ballotstream/events';
import { type TopicRuleTrigger, type Trigger, topicRuleSql } from '@ballotstream/functions/triggers';

/** IoT SQL version of every rule: it keeps `encode(*, 'base64')` and the SQL functions the rules use. */
export const SQL_VERSION = '2016-03-23';

export interface TopicRulePlan {
  readonly trigger: TopicRuleTrigger;
  /** IoT rule names allow only letters, digits and underscores. */
  readonly ruleName: string;
  readonly filter: string;
  readonly sql: string;
  /** The rule's action: invoke the Lambda, or for a batch trigger put the message on its queue. */
  readonly action: 'lambda' | 'sqs';
  /**
   * Where a message goes when the action fails (the rule's error action). A Lambda action's
   * invocation is asynchronous, so the function's own failures go to its on-failure destination
   * (`asyncInvokePlan`); a queue's go to its dead-letter queue by redrive.
   */
  readonly errorAction: 'dead-letters';
}

/** The IoT rule of every topic-rule trigger: the SQL comes from the same topic the local rule engine reads. */
export function topicRulePlans(stage: string, triggers: readonly Trigger[]): TopicRulePlan[] {
  return triggers.flatMap((trigger) => {
    if (trigger.kind !== 'topic-rule') return [];
    const filter = topicFilter(stage, trigger.topic);
    return [
      {
        trigger,
        ruleName: `ballotstream_${stage}_${trigger.name}`.replace(/[^A-Za-z0-9_]/g, '_'),
        filter,
        sql: topicRuleSql(trigger.select, filter),
        action: trigger.batch === undefined ? 'lambda' : 'sqs',
        errorAction: 'dead-letters',
      },
    ];
  });
}
