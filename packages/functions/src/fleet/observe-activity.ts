import { type FleetActivity, presenceEventSchema } from '@ballotstream/events';
import { observeActivity } from '../shared/fleet-activity';
import { checkPayload, topicRuleHandler } from '../shared/iot';
import { countRejection } from '../shared/observability';

/** IoT rule target for `$aws/events/presence/+/+`: IoT Core's lifecycle events feed the fleet monitor. */
export const presence = topicRuleHandler('observePresence', async (event, deps) => {
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
  const violations = await observeActivity(deps, activity);
  return { observed: true, violations: violations.length };
});
