import {
  alertRaised,
  defenderViolation,
  locationGeofenceEvent,
  machineBlocked,
  machineUnblocked,
  resultMismatched,
  resultVerified,
  sosRaised,
  tallyMaterialised,
  voteRejected,
} from '@ballotstream/events';
import { http, subscribe } from '../trigger-builders';
import type { Trigger } from '../trigger-types';

/** What runs the web steps, beside their handlers; `../triggers.ts` gathers every area. */
export const webTriggers: readonly Trigger[] = [
  http('GET /receipts/{code}', {
    name: 'checkReceipt',
    description: 'Whether a vote with this printed receipt was recorded: yes or no, never how.',
    roles: ['public'],
    handler: 'web/check-receipt.handler',
    reaches: { tables: { ledger: 'read' } },
  }),
  subscribe(tallyMaterialised, {
    name: 'recordWindowStatus',
    description: "Keeps each tally window's region agreement for the monitoring centre.",
    handler: 'web/record-window-status.handler',
    reaches: { tables: { tallies: 'write' } },
  }),
  http('GET /tallies/windows', {
    name: 'getTallyWindows',
    description: 'Each materialised tally window and whether the two regions agreed on it.',
    roles: ['public'],
    handler: 'web/get-tally-windows.handler',
    reaches: { tables: { tallies: 'read' } },
  }),
  http('GET /turnout', {
    name: 'getTurnout',
    description: 'Votes per tally window and their running total, for the country or one region.',
    roles: ['public'],
    handler: 'web/get-turnout.handler',
    reaches: { tables: { tallies: 'read', registry: 'read' } },
  }),
  http('GET /booths', {
    name: 'listBooths',
    description: 'Booths nearest a point or matching words, with their geofences, for citizens and the map.',
    roles: ['public'],
    handler: 'web/list-booths.handler',
    reaches: { tables: { registry: 'read' } },
  }),
  http('GET /constituencies', {
    name: 'listConstituencies',
    description: "Every constituency's id, name and region.",
    roles: ['public'],
    handler: 'web/list-constituencies.handler',
    reaches: { tables: { registry: 'read' } },
  }),
  http('GET /candidates', {
    name: 'listCandidates',
    description: "A constituency's candidates in ballot order.",
    roles: ['public'],
    handler: 'web/list-candidates.handler',
    reaches: { tables: { registry: 'read' } },
  }),
  http('GET /machines', {
    name: 'listMachines',
    description: "The machines of the caller's region (or the country) with their state and position.",
    roles: ['officer', 'admin'],
    handler: 'web/list-machines.handler',
    reaches: { tables: { registry: 'read', fleet: 'read' }, tracker: true },
  }),
  http('GET /machines/{machineId}', {
    name: 'getMachine',
    description: "One machine's state, booth and position trail, within the caller's region.",
    roles: ['officer', 'admin'],
    handler: 'web/get-machine.handler',
    reaches: { tables: { registry: 'read', fleet: 'read' }, tracker: true },
  }),
  subscribe(
    [
      machineBlocked,
      machineUnblocked,
      sosRaised,
      defenderViolation,
      voteRejected,
      locationGeofenceEvent,
      alertRaised,
      resultVerified,
      resultMismatched,
    ],
    {
      name: 'recordMachineEvent',
      description:
        "Adds blocks, SOS, Defender behaviours, refused votes, geofence crossings, alerts and result checks to a machine's history.",
      handler: 'web/record-machine-event.handler',
      reaches: { tables: { fleet: 'write' } },
    },
  ),
];
