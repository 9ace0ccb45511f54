import { topicFilter, topics } from '@ballotstream/events';
import { type SelectField, type Trigger, triggers } from '@ballotstream/functions/triggers';
import { selectFields } from '@ballotstream/local/mqtt/rule-engine';
import { topicMatches } from '@ballotstream/local/mqtt/topic-filter';
import { describe, expect, it } from 'vitest';
import { asyncInvokePlan } from './functions';
import { topicRulePlans } from './topic-rules';

const stage = 'election-2026';
const all = triggers as readonly Trigger[];

/** Evaluates the subset of IoT SQL the rules use on one message, as IoT Core would. */
function evaluateIotSql(
  sql: string,
  message: { topic: string; payload: Buffer; clientId: string; receivedAt: number },
) {
  const match = /^SELECT (.+) FROM '([^']+)'$/.exec(sql);
  if (match === null) throw new Error(`not a rule SELECT: ${sql}`);
  const [, fields, filter] = match as unknown as [string, string, string];
  if (!topicMatches(filter, message.topic)) return undefined;
  const out: Record<string, unknown> = {};
  // Commas inside a function's parentheses do not separate fields.
  for (const field of fields.split(/, (?![^()]*\))/)) {
    const [expression, as] = field.split(' AS ') as [string, string];
    const topicN = /^topic\((\d+)\)$/.exec(expression);
    if (expression === "encode(*, 'base64')") out[as] = message.payload.toString('base64');
    else if (topicN) out[as] = message.topic.split('/')[Number(topicN[1]) - 1] ?? '';
    else if (expression === 'clientid()') out[as] = message.clientId;
    else if (expression === 'timestamp()') out[as] = message.receivedAt;
    else throw new Error(`unknown IoT SQL expression ${expression}`);
  }
  return out;
}

describe('IoT topic rules', () => {
  const plans = topicRulePlans(stage, all);

  it('exist for every topic-rule trigger, with a name IoT Core accepts', () => {
    expect(plans.map((p) => p.trigger.name)).toEqual(
      all.filter((t) => t.kind === 'topic-rule').map((t) => t.name),
    );
    for (const plan of plans) expect(plan.ruleName).toMatch(/^[A-Za-z0-9_]{1,128}$/);
  });

  it('read the topic filter the local rule engine subscribes to', () => {
    for (const plan of plans) {
      if (plan.trigger.kind !== 'topic-rule') continue;
      expect(plan.filter).toBe(topicFilter(stage, plan.trigger.topic));
      expect(plan.sql.endsWith(`FROM '${topicFilter(stage, plan.trigger.topic)}'`)).toBe(true);
    }
  });

  it('select for a message exactly what the local rule engine hands the handler', () => {
    for (const plan of plans) {
      if (plan.trigger.kind !== 'topic-rule') continue;
      const topic = topicFilter(stage, plan.trigger.topic).replaceAll('+', 'machine-7');
      const message = {
        topic,
        payload: Buffer.from('{"not":"checked here"}'),
        clientId: 'machine-7',
        receivedAt: 1_790_000_000_000,
      };
      const local = selectFields(plan.trigger.select as readonly SelectField[], message);
      expect(evaluateIotSql(plan.sql, message), plan.trigger.name).toEqual(local);
    }
  });

  it('do not fire for another stage or a malformed topic', () => {
    for (const plan of plans) {
      const message = {
        topic: topics.votes('other-stage', 'm1'),
        payload: Buffer.from('x'),
        clientId: 'm1',
        receivedAt: 0,
      };
      expect(evaluateIotSql(plan.sql, message)).toBeUndefined();
    }
  });

  it('send a message whose action failed to the dead letters, and leave no Lambda action without an on-failure destination', () => {
    for (const plan of plans) {
      expect(plan.errorAction, plan.ruleName).toBe('dead-letters');
      // IoT Core invokes a Lambda action asynchronously: its error action sees only a failed
      // invoke, so what the function itself fails on needs Lambda's own on-failure destination.
      if (plan.action === 'lambda')
        expect(asyncInvokePlan(plan.trigger)?.onFailure, plan.ruleName).toBe('dead-letters');
      else expect(plan.trigger.batch, plan.ruleName).toBeDefined();
    }
  });
});
