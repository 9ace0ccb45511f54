import { brokerHealthQuerySchema, healthProbeSchema } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';
import { checkPayload, topicRuleHandler } from '../shared/iot';
import { countRejection } from '../shared/observability';
import { statusOfHealth } from '../shared/refusals';

/**
 * `GET /health/broker?n=`: publishes `n` probes to the broker's health topic and expects `n` back
 * through its rule; 200 when all came back, 503 when the broker refused them or lost any. Route 53's
 * health check of the broker endpoint calls it.
 */
export const check = httpRoute(
  { name: 'brokerHealth', query: brokerHealthQuerySchema },
  async ({ query, app }) => {
    const health = await app.system.probeBroker({ messages: query.n, timeoutMs: query.timeoutMs });
    if (health.status === 'down') countRejection('brokerHealth', health.problem ?? 'down');
    return json(statusOfHealth(health.status === 'up'), health);
  },
);

/** IoT rule target for `health/+`: notes each probe message that came back through the broker. */
export const record = topicRuleHandler('recordHealthProbe', async (event, app) => {
  const checked = checkPayload(healthProbeSchema, event);
  if (!checked.ok) {
    countRejection('recordHealthProbe', 'malformed');
    return { recorded: false, problems: checked.problems };
  }
  await app.system.recordProbe(checked.message, event.receivedAt);
  return { recorded: true };
});
