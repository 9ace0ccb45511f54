import { ticketIssued, ticketRevoked } from '@ballotstream/events';
import { http } from '../trigger-builders';
import type { Trigger } from '../trigger-types';

/** What runs the tickets steps, beside their handlers; `../triggers.ts` gathers every area. */
export const ticketsTriggers: readonly Trigger[] = [
  http('POST /tickets', {
    name: 'issueTicket',
    description: "An issue-centre clerk issues a registered voter's ticket and enrols their fingerprints.",
    roles: ['clerk', 'admin'],
    handler: 'tickets/issue-ticket.handler',
    publishes: [ticketIssued],
    reaches: {
      tables: { tickets: 'write', voters: 'write' },
      ticketKeys: 'sign',
      pseudonyms: true,
      biometrics: true,
      voterRegistry: true,
    },
  }),
  http('POST /tickets/{ticketId}/reissue', {
    name: 'reissueTicket',
    description: 'A clerk replaces a lost or damaged card; the old ticket is revoked.',
    roles: ['clerk', 'admin'],
    handler: 'tickets/reissue-ticket.handler',
    publishes: [ticketIssued, ticketRevoked],
    reaches: { tables: { tickets: 'write', voters: 'write' }, ticketKeys: 'sign', biometrics: true },
  }),
  http('POST /tickets/{ticketId}/revoke', {
    name: 'revokeTicket',
    description: 'A clerk revokes a ticket; no booth accepts it afterwards.',
    roles: ['clerk', 'admin'],
    handler: 'tickets/revoke-ticket.handler',
    publishes: [ticketRevoked],
    reaches: { tables: { tickets: 'write' } },
  }),
  http('GET /tickets/{ticketId}/status', {
    name: 'ticketStatus',
    description: 'Whether a ticket is valid, revoked, used or expired; nothing about its voter.',
    roles: ['public'],
    handler: 'tickets/ticket-status.handler',
    reaches: { tables: { tickets: 'read', voters: 'read' } },
  }),
  http('GET /ticket-keys', {
    name: 'ticketKeys',
    description: 'The public keys tickets are signed with, so booths can verify tickets offline.',
    roles: ['public'],
    handler: 'tickets/ticket-keys.handler',
    reaches: { ticketKeys: 'verify' },
  }),
];
