import {
  anomalyDetected,
  tallyDiverged,
  voteAccepted,
  voteRejected,
  voterRejected,
} from '@ballotstream/events';
import { schedule, subscribe, voteBatches } from '../trigger-builders';
import type { Trigger } from '../trigger-types';

/** What runs the anomaly steps, beside their handlers; `../triggers.ts` gathers every area. */
export const anomalyTriggers: readonly Trigger[] = [
  subscribe(voteAccepted, {
    name: 'watchVotesAccepted',
    description: 'Anomaly rules on accepted votes: rate, burst after silence, poll hours, turnout.',
    handler: 'anomaly/watch.accepted',
    batch: voteBatches,
    publishes: [anomalyDetected],
    reaches: { tables: { registry: 'read' }, cache: true },
  }),
  subscribe(voteRejected, {
    name: 'watchVotesRejected',
    description: 'Anomaly rules on refused votes: bad signatures or tokens, votes outside poll hours.',
    handler: 'anomaly/watch.rejected',
    publishes: [anomalyDetected],
    reaches: { tables: { registry: 'read' }, cache: true },
  }),
  subscribe(voterRejected, {
    name: 'watchVerificationRefusals',
    description: 'Anomaly rule on refused verifications: repeated refusals at one booth.',
    handler: 'anomaly/watch.refusals',
    publishes: [anomalyDetected],
    reaches: { tables: { registry: 'read' }, cache: true },
  }),
  subscribe(tallyDiverged, {
    name: 'watchRegionsDiverged',
    description: 'The two regions disagreeing on a tally window is an anomaly for the national desk.',
    handler: 'anomaly/watch.diverged',
    publishes: [anomalyDetected],
    reaches: {},
  }),
  schedule('rate(1 minute)', {
    name: 'anomalySweep',
    description: 'Machines silent or offline during polls, and booths whose candidate shares stand out.',
    handler: 'anomaly/watch.sweep',
    publishes: [anomalyDetected],
    reaches: { cache: true },
  }),
];
