import { alertRaised, resultMismatched, resultVerified } from '@ballotstream/events';
import { http, schedule, subscribe } from '../trigger-builders';
import type { Trigger } from '../trigger-types';

/** What runs the close steps, beside their handlers; `../triggers.ts` gathers every area. */
export const closeTriggers: readonly Trigger[] = [
  subscribe(resultVerified, {
    name: 'closeOfPollVerified',
    description:
      "Keeps a machine's reconciled result record for the close-of-poll roll-up; certifies its constituency once every machine has.",
    handler: 'close/record-result.verified',
    reaches: { tables: { registry: 'read', results: 'write', audit: 'write' } },
  }),
  subscribe(resultMismatched, {
    name: 'closeOfPollMismatched',
    description: "Keeps a machine's disagreeing result record for the close-of-poll roll-up.",
    handler: 'close/record-result.mismatched',
    reaches: { tables: { registry: 'read', results: 'write', audit: 'write' } },
  }),
  schedule('rate(1 minute)', {
    name: 'checkMissingResults',
    description:
      "After polls close, a machine whose result record has not come is a warning after the blueprint's grace, then critical.",
    handler: 'close/check-missing.handler',
    publishes: [alertRaised],
    reaches: { tables: { registry: 'read', results: 'write', alerts: 'write' } },
  }),
  http('GET /close/rollup', {
    name: 'getCloseRollup',
    description:
      'Reconciled, disagreeing and missing machines per booth, constituency, region and nation (an officer: their region).',
    roles: ['officer', 'admin'],
    handler: 'close/get-rollup.handler',
    reaches: { tables: { registry: 'read', results: 'read' } },
  }),
  http('POST /close/constituencies/{constituencyId}/exceptions', {
    name: 'recordCloseException',
    description:
      "A returning officer records why a machine that did not reconcile may be left out of the constituency's result; audited.",
    roles: ['officer', 'admin'],
    handler: 'close/record-exception.handler',
    reaches: { tables: { registry: 'read', results: 'write', audit: 'write' } },
  }),
  http('GET /close/certification', {
    name: 'getCertification',
    description:
      'Certified or pending per constituency, with the time each was certified, for the national desk.',
    roles: ['officer', 'admin'],
    handler: 'close/get-certification.handler',
    reaches: { tables: { registry: 'read', results: 'read' } },
  }),
  http('GET /results/certification', {
    name: 'getCertifiedResults',
    description: 'Which constituencies are certified and when, for citizens, once polls close.',
    roles: ['public'],
    handler: 'close/get-certified-results.handler',
    reaches: { tables: { registry: 'read', results: 'read' } },
  }),
  http('GET /bulletin', {
    name: 'getBulletin',
    description:
      "The public bulletin once polls close: every machine's signed record and key, each constituency's result, the audit head, signed by the election key.",
    roles: ['public'],
    handler: 'close/get-bulletin.handler',
    reaches: { tables: { registry: 'read', results: 'read', audit: 'read' }, electionKey: true },
  }),
];
