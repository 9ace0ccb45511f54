import { tallyMaterialised } from '@ballotstream/events';
import { eventHandler } from '../shared/events';

/** On `tally.materialised`: keeps each window's region agreement for the monitoring centre. */
export const handler = eventHandler('recordWindowStatus', tallyMaterialised, async (detail, app) => {
  const { electionId, ...status } = detail;
  await app.citizen.recordWindowStatus(electionId, status);
});
