import { alertRaised, voterRejected } from '@ballotstream/events';
import { http, stream } from '../trigger-builders';
import type { Trigger } from '../trigger-types';

/** What runs the verification steps, beside their handlers; `../triggers.ts` gathers every area. */
export const verificationTriggers: readonly Trigger[] = [
  http('POST /verifications', {
    name: 'verifyVoter',
    description: 'A booth verifies a voter and receives a one-time ballot token for one machine.',
    roles: ['booth'],
    handler: 'verification/verify-voter.handler',
    publishes: [voterRejected],
    reaches: {
      tables: { tickets: 'read', registry: 'read', ballots: 'write', voters: 'write' },
      cache: true,
      ticketKeys: 'verify',
      pseudonyms: true,
      biometrics: true,
    },
  }),
  http('POST /verification/handover', {
    name: 'handOverVerification',
    description: 'The national desk hands the writing of voter statuses to another region; audited.',
    roles: ['admin'],
    handler: 'verification/hand-over.handOver',
    reaches: { tables: { voters: 'write', audit: 'write' } },
  }),
  http('GET /verification/owner', {
    name: 'verificationOwner',
    description: 'Which region writes voter statuses now, as this region knows it.',
    roles: ['public'],
    handler: 'verification/hand-over.owner',
    reaches: { tables: { voters: 'read' } },
  }),
  stream('voters', {
    name: 'detectVerificationConflict',
    description:
      "Reads the voters table's change stream in each region and raises a critical alert when two regions each recorded a vote for one voter.",
    batch: { size: 100, windowSeconds: 1 },
    changes: ['MODIFY'],
    partitionKeyPrefix: 'voter#',
    handler: 'verification/detect-conflict.handler',
    publishes: [alertRaised],
    reaches: { tables: { alerts: 'write' } },
  }),
];
