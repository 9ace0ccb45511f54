import { checkResultRecord } from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import { resultMismatched, resultRecordSchema, resultVerified } from '@ballotstream/events';
import { checkPayload, topicRuleHandler } from '../shared/iot';
import { countRejection } from '../shared/observability';

/** IoT rule target for `machines/+/results`: checks a machine's signed result record against its stored votes. */
export const handler = topicRuleHandler('checkResultRecord', async (event, app) => {
  const { publisher, clock, records, voteStores } = app.ports;
  const checked = checkPayload(resultRecordSchema, event);
  if (!checked.ok) {
    countRejection('checkResultRecord', 'malformed');
    return { verified: false, problems: checked.problems };
  }
  const record = checked.message;
  const { storedVotes, problems } =
    record.machineId === event.topicMachineId
      ? await checkResultRecord({ records, ...voteStores }, record)
      : { storedVotes: 0, problems: [`record names machine ${record.machineId} on another machine's topic`] };
  const common = {
    electionId: record.electionId,
    machineId: event.topicMachineId.slice(0, 64),
    voteCount: record.voteCount,
    storedVotes,
    checkedAt: new Date(clock.now()).toISOString(),
    // The record itself travels on, so the close-of-poll step keeps it for the public bulletin.
    record,
  };
  if (problems.length > 0) {
    countRejection('checkResultRecord', 'mismatched');
    await publisher.publish([
      eventOf(resultMismatched, { ...common, problems: problems.map((p) => p.slice(0, 300)) }),
    ]);
    return { verified: false, problems };
  }
  await publisher.publish([eventOf(resultVerified, common)]);
  return { verified: true };
});
