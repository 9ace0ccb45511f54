import { resultMismatched, resultVerified } from '@ballotstream/events';
import { eventHandler } from '../shared/events';

/** On `result.verified`: the machine reconciled; its constituency is certified once all have. */
export const verified = eventHandler('closeOfPoll.verified', resultVerified, (detail, app) =>
  app.close.recordResult(detail),
);

/** On `result.mismatched`: the machine disagrees; its constituency waits for it or an exception. */
export const mismatched = eventHandler('closeOfPoll.mismatched', resultMismatched, (detail, app) =>
  app.close.recordResult(detail),
);
