import { mapOutcome } from '@ballotstream/core';
import { type FleetActivity, presenceEventSchema } from '@ballotstream/events';
import { checkPayload, topicRuleHandler } from '../shared/iot';
import { countRejection } from '../shared/observability';

/** IoT rule target for `$aws/events/presence/+/+`: IoT Core's lifecycle events feed the fleet monitor. */
export const presence = topicRuleHandler<object>('observePresence', async (event, app) => {
  const checked = checkPayload(presenceEventSchema, event);
  if (!checked.ok) {
    countRejection('observePresence', 'malformed');
    return { observed: false, problems: checked.problems };
  }
  const p = checked.message;
  const activity: FleetActivity =
    p.eventType === 'connected'
      ? { kind: 'connected', clientId: p.clientId, address: p.ipAddress ?? 'unknown', at: p.timestamp }
      : { kind: 'disconnected', clientId: p.clientId, at: p.timestamp };
  return mapOutcome(await app.observeActivity(activity), (v) => ({ observed: true, violations: v.length }));
});
